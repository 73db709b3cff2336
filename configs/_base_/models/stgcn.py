# ST-GCN (Yan et al., AAAI 2018): mmaction2 1.x's model for NTU RGB+D 60, 3D joints, 2 persons.
# Configs inherit it and change graph_cfg.layout, num_person and cls_head.num_classes.
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, num_person=2,
                  graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
