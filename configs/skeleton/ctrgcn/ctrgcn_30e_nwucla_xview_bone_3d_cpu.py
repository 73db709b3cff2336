# CTR-GCN on NW-UCLA cross-view, 3D joints, bone stream, CPU budget recipe: the joint config
# with GenSkeFeat(feats=['b'])
_base_ = ['./ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py']

__stream = dict(feats=dict(feats=['b']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
