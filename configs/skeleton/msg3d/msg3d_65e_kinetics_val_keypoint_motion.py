# MS-G3D (Liu et al., CVPR 2020) on Kinetics-Skeleton (OpenPose 18 joints, 2D + score), joint
# motion stream: the joint config with GenSkeFeat(feats=['jm'])
_base_ = ['./msg3d_65e_kinetics_val_keypoint.py']

__stream = dict(feats=dict(feats=['jm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
