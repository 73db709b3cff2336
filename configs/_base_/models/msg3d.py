# MS-G3D (Liu et al., CVPR 2020), 3D joints.
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='MSG3D',
        graph_cfg=dict(mode='binary_adj'),
        in_channels=3,
        base_channels=96,
        num_gcn_scales=13,
        num_g3d_scales=6),
    cls_head=dict(type='GCNHead', in_channels=384))
