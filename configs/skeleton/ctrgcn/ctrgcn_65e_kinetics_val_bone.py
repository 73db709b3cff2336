# CTR-GCN (Chen et al., ICCV 2021) on Kinetics-Skeleton (OpenPose 18 joints, 2D + score), bone
# stream: the joint config with GenSkeFeat(feats=['b'])
_base_ = ['./ctrgcn_65e_kinetics_val_keypoint.py']

__stream = dict(feats=dict(feats=['b']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
