# PoseC3D with pyskl's X3D-shallow backbone on NTU RGB+D 60 cross-subject, limb heatmaps.
_base_ = ['./x3d_shallow_ntu60_xsub_keypoint.py']

# The limb heatmaps: one channel per limb of the layout (17 for coco), the keypoint config
# otherwise.
__limb = dict(heatmap=dict(with_kp=False, with_limb=True))
train_dataloader = dict(dataset=dict(pipeline=__limb))
val_dataloader = dict(dataset=dict(pipeline=__limb))
test_dataloader = dict(dataset=dict(pipeline=__limb))
