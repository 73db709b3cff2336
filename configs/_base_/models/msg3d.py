# MS-G3D (Liu et al., CVPR 2020) for NTU RGB+D 60 3D joints: 25 joints, 2 persons, 60 classes.
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MSG3D',
        graph_cfg=dict(layout='nturgb+d', mode='binary_adj'),
        in_channels=3,
        base_channels=96,
        num_gcn_scales=13,
        num_g3d_scales=6,
        num_person=2),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=384))
