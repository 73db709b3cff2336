# ST-GCN++ (pyskl, Duan et al., ACM MM 2022) on NTU RGB+D 60 cross-subject, 2D HRNet COCO-17
# keypoints + scores, bone motion stream: the joint config with GenSkeFeat(feats=['bm'])
_base_ = ['./stgcnpp_80e_ntu60_xsub_keypoint.py']

__stream = dict(feats=dict(feats=['bm']))
train_dataloader = dict(dataset=dict(pipeline=__stream))
val_dataloader = dict(dataset=dict(pipeline=__stream))
test_dataloader = dict(dataset=dict(pipeline=__stream))
