# 2s-AGCN / MS-AAGCN (Shi et al., CVPR 2019 / TIP 2020) on NTU RGB+D 60 cross-subject, 2D HRNet
# COCO-17 keypoints + scores, joint stream.
# Recipe: the authors' (train_joint_aagcn.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up epochs,
# lr x0.1 at 30 and 40; 50 epochs in all, batch 64, whole sequences as 300-frame clips, 1 test
# clip.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/2sagcn_50e.py',
    '../../_base_/datasets/ntu60_xsub_2d.py',
    '../../_base_/models/aagcn.py',
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
