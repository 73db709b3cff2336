# MST-GCN (Chen et al., AAAI 2021) on NTU RGB+D 60 cross-subject, 2D HRNet COCO-17 keypoints +
# scores, joint stream.
# Recipe: the authors' (train_joint_amstgcn_ntu.yaml): SGD lr 0.15 Nesterov, wd 1e-4, 10 warm-up
# epochs, lr x0.1 at 50, 70 and 90; 110 epochs in all, batch 32, whole sequences as 300-frame
# clips, 1 test clip.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/mstgcn_110e.py',
    '../../_base_/datasets/ntu60_xsub_2d.py',
    '../../_base_/models/mstgcn.py',
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
