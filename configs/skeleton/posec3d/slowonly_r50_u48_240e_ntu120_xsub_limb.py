# PoseC3D SlowOnly-R50 on NTU RGB+D 120 cross-subject, limb heatmaps.
_base_ = ['./slowonly_r50_u48_240e_ntu120_xsub_keypoint.py']

# The limb heatmaps: one channel per limb of the layout (17 for coco), the keypoint config
# otherwise.
__limb = dict(heatmap=dict(with_kp=False, with_limb=True))
train_dataloader = dict(dataset=dict(pipeline=__limb))
val_dataloader = dict(dataset=dict(pipeline=__limb))
test_dataloader = dict(dataset=dict(pipeline=__limb))
