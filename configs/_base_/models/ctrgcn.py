# CTR-GCN (Chen et al., ICCV 2021), 3D joints, in pyskl's and mmaction2 1.x's structure: their
# released CTR-GCN checkpoints load into it.
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='CTRGCN', in_channels=3,
                  graph_cfg=dict(mode='spatial')),
    cls_head=dict(type='GCNHead', in_channels=256))
