# CTR-GCN on NW-UCLA cross-view, 3D joints, bone motion stream, CPU budget recipe: the joint config
# with GenSkeFeat(feats=['bm'])
_base_ = ['./ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py']

__stream = dict(feats=dict(feats=['bm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
