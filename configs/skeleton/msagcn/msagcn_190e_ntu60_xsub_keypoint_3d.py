# MSA-GCN (Alowonou and Han, IEEE Access 2024) on NTU RGB+D 60 cross-subject, 3D joints, joint
# stream.
# Recipe: the authors' (configs/ntu60-xsub etc.): SGD lr 0.1 Nesterov, wd 5e-4, 5 warm-up epochs, lr
# x0.1 at 70, 90, 110, 130, 150 and 170; 190 epochs in all, batch 128, 64-frame clips (random
# 50-100% crop and random rotation in training), 1 test clip from the centred 95% of the sequence.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msagcn_190e.py',
    '../../_base_/datasets/ntu60_xsub_3d.py',
    '../../_base_/models/msagcn.py',
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
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}},
                  num_frames=clip_len),
    cls_head=dict(num_classes={{_base_.num_classes}}))
