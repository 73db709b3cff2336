# MSA-GCN (Alowonou and Han, IEEE Access 2024) on Kinetics-Skeleton (OpenPose 18 joints, 2D +
# score), joint stream.
# Recipe: not in the paper; the authors' NTU recipe: SGD lr 0.1 Nesterov, wd 5e-4, 5 warm-up
# epochs, lr x0.1 at 70, 90, 110, 130, 150 and 170; 190 epochs in all, batch 128, 64-frame clips,
# 1 test clip.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msagcn_190e.py',
    '../../_base_/datasets/kinetics.py',
    '../../_base_/models/msagcn.py',
]

clip_len = 64
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
__clip = dict(sample=dict(clip_len=clip_len))
train_dataloader = dict(dataset=dict(pipeline=__clip))
val_dataloader = dict(dataset=dict(pipeline=__clip))
test_dataloader = dict(dataset=dict(pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}},
                  num_frames=clip_len),
    cls_head=dict(num_classes={{_base_.num_classes}}))
