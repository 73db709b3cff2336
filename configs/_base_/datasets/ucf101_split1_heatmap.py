# UCF101 split 1, 2D HRNet keypoints as pose heatmap volumes (PoseC3D); pyskl's
# ucf101_hrnet.pkl (mmaction2's ucf101_2d.pkl), splits train1 / test1. Smaller crops than NTU's,
# as upstream: 48 x 48 for training, 56 x 56 for validation and test.
_base_ = ['./ntu60_xsub_heatmap.py']

ann_file = 'data/ucf101/ucf101_hrnet.pkl'
num_classes = 101
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d
__train = dict(scale=dict(scale=(48, 48)))
__test = dict(resize=dict(scale=(-1, 56)), crop=dict(crop_size=56))

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train1', pipeline=__train))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='test1', pipeline=__test))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='test1', pipeline=__test))
