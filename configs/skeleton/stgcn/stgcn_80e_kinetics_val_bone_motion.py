# ST-GCN (Yan et al., AAAI 2018) on Kinetics-Skeleton (OpenPose 18 joints, 2D + score), bone
# motion stream: the joint config with GenSkeFeat(feats=['bm'])
_base_ = ['./stgcn_80e_kinetics_val_keypoint.py']

__stream = dict(feats=dict(feats=['bm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
