# CTR-GCN (Chen et al., ICCV 2021) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: the authors' (config/ucla/default.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up epochs,
# lr x0.1 at 50; 65 epochs in all, batch 16, 52-frame clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/ctrgcn_65e_nwucla.py',
    '../../_base_/datasets/nwucla.py',
    '../../_base_/models/ctrgcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='nw-ucla'), num_person=1),
    cls_head=dict(num_classes=10))
