# CTR-GCN (Chen et al., ICCV 2021) on NTU RGB+D 120 cross-subject, 3D joints, joint stream.
# Recipe: the authors' (nturgbd configs): SGD lr 0.1 Nesterov, wd 4e-4, 5 warm-up epochs, lr x0.1 at
# 35 and 55; 65 epochs in all, batch 64, 64-frame clips (random 50-100% crop and random rotation in
# training), 1 test clip from the centred 95% of the sequence.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/ctrgcn_65e.py',
    '../../_base_/datasets/ntu120_xsub_3d.py',
    '../../_base_/models/ctrgcn.py',
]

clip_len = 64
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
# the authors' training augmentation: clips from a random 50-100% of the sequence, and one random
# rotation of the whole sequence (up to 0.3 rad about each axis) before bones and motion
train_dataloader = dict(dataset=dict(pipeline=dict(
    order=['normalize', 'rotate', 'feats', 'sample', 'decode', 'format', 'pack'],
    rotate=dict(type='RandomRot', theta=0.3),
    sample=dict(clip_len=clip_len, p_interval=(0.5, 1)))))
# evaluation as the authors' test feeder: one clip from the centred 95% of the sequence
__clip = dict(sample=dict(clip_len=clip_len, num_clips=1, p_interval=0.95))
val_dataloader = dict(dataset=dict(pipeline=__clip))
test_dataloader = dict(dataset=dict(pipeline=__clip))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
