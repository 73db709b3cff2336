# LST with CTR-GCN on NTU RGB+D 60 cross-view, 3D joints, bone stream: the joint config with
# GenSkeFeat(feats=['b'])
_base_ = ['./lst_ctrgcn_110e_ntu60_xview_keypoint_3d.py']

__stream = dict(feats=dict(feats=['b']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
