# MST-GCN (Chen et al., AAAI 2021): the official model, 3D joints (channels 112/224/448,
# s_scale = t_scale = 4, temporal kernel 9, data BN over M*V*C).
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='MSTGCN', in_channels=3, base_channels=112,
                  s_scale=4, t_scale=4, graph_cfg=dict(mode='spatial')),
    cls_head=dict(type='GCNHead', in_channels=448))
