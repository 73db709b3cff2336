# PoseC3D with pyskl's X3D-shallow backbone on NTU RGB+D 60 cross-subject, 2D HRNet keypoints as
# 48-frame joint heatmap volumes.
# Recipe: pyskl: SGD lr 0.4, wd 3e-4, grad clip 40, cosine over 24 epochs of 10 repeats, batch 32 x
# 8 GPUs (auto_scale_lr base 256); val and test resize the pose box to 64 x 64.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/posec3d_light_sgd_cosine_24e.py',
    '../../_base_/datasets/ntu60_xsub_heatmap_light.py',
    '../../_base_/models/x3d_shallow_heatmap.py',
]

model = dict(cls_head=dict(num_classes={{_base_.num_classes}}))
