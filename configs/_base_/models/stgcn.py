# ST-GCN (Yan et al., AAAI 2018): mmaction2 1.x's model, 3D joints.
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3,
                  graph_cfg=dict(mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', in_channels=256))
