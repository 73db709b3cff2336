# CTR-GCN (Chen et al., ICCV 2021) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: the authors' (config/ucla/default.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up epochs,
# lr x0.1 at 50; 65 epochs in all of the training set repeated 5 times, batch 16, 52-frame clips,
# random rotation about x and y, coordinates scaled onto [-1, 1].
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/ctrgcn_65e_nwucla.py',
    '../../_base_/datasets/nwucla_ctrgcn.py',
    '../../_base_/models/ctrgcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
