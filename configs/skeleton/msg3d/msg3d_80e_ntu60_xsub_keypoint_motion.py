# MS-G3D (Liu et al., CVPR 2020) on NTU RGB+D 60 cross-subject, 2D HRNet COCO-17 keypoints +
# scores, joint motion stream: the joint config with GenSkeFeat(feats=['jm'])
_base_ = ['./msg3d_80e_ntu60_xsub_keypoint.py']

__stream = dict(feats=dict(feats=['jm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
