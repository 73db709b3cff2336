# ST-GCN on NTU RGB+D 60 xsub, 2D HRNet COCO-17 keypoints + scores (3 channels)
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/ntu60_xsub_2d.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, graph_cfg=dict(layout='coco', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
