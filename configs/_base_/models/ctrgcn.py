# CTR-GCN (Chen et al., ICCV 2021) for NTU RGB+D 60, 3D joints, 2 persons, in pyskl's and
# mmaction2 1.x's structure: their released CTR-GCN checkpoints load into it.
# Configs inherit it and change graph_cfg.layout, num_person and cls_head.num_classes.
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='CTRGCN', in_channels=3, num_person=2,
                  graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
