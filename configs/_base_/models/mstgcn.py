# MST-GCN (Chen et al., AAAI 2021): the official model for NTU RGB+D 60, 3D joints, 2 persons
# (channels 112/224/448, s_scale = t_scale = 4, temporal kernel 9, data BN over M*V*C).
# Configs inherit it and change graph_cfg.layout, num_person and cls_head.num_classes.
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='MSTGCN', in_channels=3, num_person=2, base_channels=112,
                  s_scale=4, t_scale=4, graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=448))
