# ST-GCN (Yan et al., AAAI 2018) on BABEL-60, 3D joints, bone motion stream: the joint config with
# GenSkeFeat(feats=['bm'])
_base_ = ['./stgcn_80e_babel60_val_keypoint_3d_wfl.py']

__stream = dict(feats=dict(feats=['bm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
