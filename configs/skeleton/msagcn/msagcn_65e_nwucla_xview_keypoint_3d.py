# MSA-GCN (Alowonou and Han, IEEE Access 2024) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: the authors' (configs/nwucla/joint.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up
# epochs, lr x0.1 at 50; 65 epochs in all, batch 64, 52-frame clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/msagcn_65e_nwucla.py',
    '../../_base_/datasets/nwucla.py',
    '../../_base_/models/msagcn.py',
]

clip_len = 52
clip = dict(sample=dict(clip_len=clip_len))
train_dataloader = dict(dataset=dict(pipeline=clip))
val_dataloader = dict(dataset=dict(pipeline=clip))
test_dataloader = dict(dataset=dict(pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
model = dict(
    backbone=dict(graph_cfg=dict(layout='nw-ucla'), num_person=1, num_frames=clip_len),
    cls_head=dict(num_classes=10))
