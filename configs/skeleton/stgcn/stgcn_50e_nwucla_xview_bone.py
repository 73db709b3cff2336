# ST-GCN (Yan et al., AAAI 2018) on NW-UCLA cross-view, 2D pixels + scores, bone stream: the
# joint config with GenSkeFeat(feats=['b'])
_base_ = ['./stgcn_50e_nwucla_xview_keypoint.py']

__stream = dict(feats=dict(feats=['b']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
