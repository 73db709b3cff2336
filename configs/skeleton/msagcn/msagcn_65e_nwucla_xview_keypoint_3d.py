# MSA-GCN (Alowonou and Han, IEEE Access 2024) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: the authors' (configs/nwucla/joint.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up
# epochs, lr x0.1 at 50; 65 epochs in all of the training set repeated 5 times, batch 64, 52-frame
# clips, random rotation about x and y, coordinates scaled onto [-1, 1].
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msagcn_65e_nwucla.py',
    '../../_base_/datasets/nwucla_ctrgcn.py',
    '../../_base_/models/msagcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}},
                  num_frames={{_base_.clip_len}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
