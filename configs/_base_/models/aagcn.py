# MS-AAGCN (Shi et al., IEEE TIP 2020; adaptive graphs + STC attention, the default of mmaction2
# 1.x's AAGCN): one stream for NTU RGB+D 60, 3D joints, 2 persons, data BN over M*V*C.
# 2s-AGCN (CVPR 2019) is this model with backbone.attention=False.
# Configs inherit it and change graph_cfg.layout, num_person and cls_head.num_classes.
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='AAGCN', in_channels=3, num_person=2, data_bn_type='MVC',
                  adaptive=True, attention=True,
                  graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
