# ST-GCN++ (pyskl's recipe: learned 'init' graph, residual graph convolution, multi-scale TCN)
# on NTU RGB+D 60 xsub, 3D joints. pyskl's released ST-GCN++ checkpoints load into this model.
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/ntu60_xsub_3d.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, adaptive='init', gcn_with_res=True,
                  tcn_type='mstcn', graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
