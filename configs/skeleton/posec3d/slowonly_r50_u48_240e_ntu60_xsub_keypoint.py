# PoseC3D SlowOnly-R50 (Duan et al., CVPR 2022) on NTU RGB+D 60 cross-subject, 2D HRNet keypoints as
# 48-frame joint heatmap volumes.
# Recipe: mmaction2/pyskl: SGD lr 0.2, wd 3e-4, grad clip 40, cosine over 24 epochs of 10 repeats
# (240e), batch 16 x 8 GPUs (auto_scale_lr base 128); 1 val clip, 10 test clips + flips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/posec3d_sgd_cosine_24e.py',
    '../../_base_/datasets/ntu60_xsub_heatmap.py',
    '../../_base_/models/slowonly_r50_heatmap.py',
]

model = dict(cls_head=dict(num_classes={{_base_.num_classes}}))
