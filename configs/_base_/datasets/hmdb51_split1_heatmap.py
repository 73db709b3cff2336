# HMDB51 split 1, 2D HRNet keypoints as pose heatmap volumes (PoseC3D); pyskl's
# hmdb51_hrnet.pkl (mmaction2's hmdb51_2d.pkl), splits train1 / test1, UCF101's crops.
_base_ = ['./ucf101_split1_heatmap.py']

ann_file = 'data/hmdb51/hmdb51_hrnet.pkl'
num_classes = 51
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d

train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
