# MS-AAGCN (Shi et al., IEEE TIP 2020; adaptive graphs + STC attention, the default of mmaction2
# 1.x's AAGCN), one stream, 3D joints, data BN over M*V*C.
# 2s-AGCN (CVPR 2019) is this model with backbone.attention=False.
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='AAGCN', in_channels=3, data_bn_type='MVC',
                  adaptive='tanh', attention=True,
                  graph_cfg=dict(mode='spatial')),
    cls_head=dict(type='GCNHead', in_channels=256))
