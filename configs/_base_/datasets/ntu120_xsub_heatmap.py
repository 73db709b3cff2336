# NTU RGB+D 120, cross-subject, 2D HRNet keypoints as pose heatmap volumes (PoseC3D); pyskl's
# ntu120_hrnet.pkl (mmaction2's ntu120_2d.pkl).
_base_ = ['./ntu60_xsub_heatmap.py']

ann_file = 'data/nturgbd/ntu120_hrnet.pkl'
num_classes = 120
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d

train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
