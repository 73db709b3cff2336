# MS-G3D (Liu et al., CVPR 2020) on Kinetics-Skeleton (OpenPose 18 joints, 2D + score), joint
# stream.
# Recipe: the authors' Kinetics recipe: SGD lr 0.1 Nesterov, wd 3e-4, lr x0.1 at 45 and 55; 65
# epochs in all, batch 128, 300-frame clips, 8 GCN and 8 G3D scales.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msg3d_65e_kinetics.py',
    '../../_base_/datasets/kinetics.py',
    '../../_base_/models/msg3d.py',
]

clip_len = 300
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
__clip = dict(sample=dict(clip_len=clip_len))
train_dataloader = dict(dataset=dict(pipeline=__clip))
val_dataloader = dict(dataset=dict(pipeline=__clip))
test_dataloader = dict(dataset=dict(pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}},
                  num_gcn_scales=8, num_g3d_scales=8),
    cls_head=dict(num_classes={{_base_.num_classes}}))
