# PoseC3D with pyskl's X3D-shallow backbone on NW-UCLA cross-view: the 20 Kinect joints projected
# to 2D pixels (convert_nwucla.py --pixels) as 52-frame joint heatmap volumes.
# Recipe: pyskl's for X3D-shallow: SGD lr 0.4, wd 3e-4, grad clip 40, cosine over 24 epochs of 10
# repeats, batch 32 x 8 GPUs (auto_scale_lr base 256); val and test resize the pose box to 64 x 64.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/posec3d_light_sgd_cosine_24e.py',
    '../../_base_/datasets/nwucla_xview_heatmap.py',
    '../../_base_/models/x3d_shallow_heatmap.py',
]

# one heatmap channel per joint of the nw-ucla layout
model = dict(backbone=dict(in_channels=20), cls_head=dict(num_classes={{_base_.num_classes}}))
__test = dict(resize=dict(scale=(64, 64), keep_ratio=False), crop=None)
train_dataloader = dict(batch_size=32)
val_dataloader = dict(dataset=dict(pipeline=__test))
test_dataloader = dict(dataset=dict(pipeline=__test))
