# ST-GCN++ (pyskl's recipe: learned 'init' graph, residual graph convolution, multi-scale TCN),
# 3D joints. pyskl's released ST-GCN++ checkpoints load into it.
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, adaptive='init', gcn_with_res=True,
                  tcn_type='mstcn', graph_cfg=dict(mode='spatial')),
    cls_head=dict(type='GCNHead', in_channels=256))
