# MS-G3D (Liu et al., CVPR 2020) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: not in the paper; mmskel's NW-UCLA recipe: SGD lr 0.1 Nesterov, 5 warm-up epochs then
# cosine to 50, batch 16, 52-frame clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_warmup_cosine_50e.py',
    '../../_base_/datasets/nwucla.py',
    '../../_base_/models/msg3d.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
