# MS-G3D (Liu et al., CVPR 2020) on NTU RGB+D 120 cross-subject, 3D joints, joint stream.
# Recipe: the authors' NTU120 recipe: SGD lr 0.05 Nesterov, wd 5e-4, lr x0.1 at 30 and 50; 60
# epochs in all, batch 32, 300-frame clips, 1 test clip.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msg3d_60e_ntu120.py',
    '../../_base_/datasets/ntu120_xsub_3d.py',
    '../../_base_/models/msg3d.py',
]

clip_len = 300
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
__clip = dict(sample=dict(clip_len=clip_len))
train_dataloader = dict(dataset=dict(pipeline=__clip))
val_dataloader = dict(dataset=dict(pipeline=__clip))
test_dataloader = dict(dataset=dict(pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
