# ST-GCN (Yan et al., AAAI 2018) on NW-UCLA cross-view, the Kinect joints projected to 2D pixels
# with scores (convert_nwucla.py --pixels), joint stream: a GCN beside PoseC3D on the same data.
# Recipe: mmskel's NW-UCLA recipe: SGD lr 0.1 Nesterov, 5 warm-up epochs then cosine to 50, batch
# 16, 52-frame clips (CTR-GCN's NW-UCLA window).
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_warmup_cosine_50e.py',
    '../../_base_/datasets/nwucla_2d.py',
    '../../_base_/models/stgcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
