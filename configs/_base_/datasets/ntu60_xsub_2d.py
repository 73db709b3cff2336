# NTU RGB+D 60, cross-subject, 2D HRNet keypoints (17, coco layout) with scores, joint stream
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/nturgbd/ntu60_hrnet.pkl'
layout = 'coco'
data_vars = dict(ann_file=ann_file, layout=layout)  # see ntu60_xsub_3d
__steps = dict(normalize=dict(_delete_=True, type='PreNormalize2D'), feats=dict(layout=layout))

train_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
val_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
test_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
