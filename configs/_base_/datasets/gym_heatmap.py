# FineGYM (99 element classes), 2D HRNet keypoints as pose heatmap volumes (PoseC3D); pyskl's
# gym_hrnet.pkl (mmaction2's gym_2d.pkl), splits train / val.
_base_ = ['./ntu60_xsub_heatmap.py']

ann_file = 'data/gym/gym_hrnet.pkl'
num_classes = 99
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='val'))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='val'))
