# 2s-AGCN / MS-AAGCN (Shi et al., CVPR 2019 / TIP 2020) on Kinetics-Skeleton (OpenPose 18 joints,
# 2D + score), joint stream.
# Recipe: the paper's Kinetics recipe: SGD lr 0.1 Nesterov, wd 1e-4, lr x0.1 at 45 and 55; 65
# epochs in all, batch 128, 150-frame clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/2sagcn_65e_kinetics.py',
    '../../_base_/datasets/kinetics.py',
    '../../_base_/models/aagcn.py',
]

clip_len = 150
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
__clip = dict(sample=dict(clip_len=clip_len))
train_dataloader = dict(dataset=dict(pipeline=__clip))
val_dataloader = dict(dataset=dict(pipeline=__clip))
test_dataloader = dict(dataset=dict(pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
