# ST-GCN (Yan et al., AAAI 2018) on NTU RGB+D 60 cross-subject, 2D HRNet COCO-17 keypoints +
# scores, bone stream: the joint config with GenSkeFeat(feats=['b'])
_base_ = ['./stgcn_80e_ntu60_xsub_keypoint.py']

__stream = dict(feats=dict(feats=['b']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
