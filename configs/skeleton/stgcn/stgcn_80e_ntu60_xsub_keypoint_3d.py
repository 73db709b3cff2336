# ST-GCN (Yan et al., AAAI 2018) on NTU RGB+D 60 xsub, 3D joints: mmaction2 1.x's recipe
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/ntu60_xsub_3d.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3,
                  graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
