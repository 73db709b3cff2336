# PoseC3D with pyskl's C3D-light backbone on FineGYM (99 classes), limb heatmaps.
_base_ = ['./c3d_light_gym_keypoint.py']

# The limb heatmaps: one channel per limb of the layout (17 for coco), the keypoint config
# otherwise.
__limb = dict(heatmap=dict(with_kp=False, with_limb=True))
train_dataloader = dict(dataset=dict(pipeline=__limb))
val_dataloader = dict(dataset=dict(pipeline=__limb))
test_dataloader = dict(dataset=dict(pipeline=__limb))
