# Kinetics-Skeleton (ST-GCN's OpenPose release: 18 joints, openpose layout, 2D + score, top-2
# persons), 400 classes, train on `train`, evaluate on `val`. Make the pickle with:
#   python tools/data/kinetics/convert_kinetics.py --root data/kinetics-skeleton --out <ann_file>
# PreNormalize2D maps pixels to [-1, 1] by each sample's img_shape (written by the converter).
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/kinetics/kinetics_st_2danno.pkl'
layout = 'openpose'
num_classes = 400
data_vars = dict(ann_file=ann_file, layout=layout, num_classes=num_classes)  # see ntu60_xsub_3d
__steps = dict(normalize=dict(_delete_=True, type='PreNormalize2D'), feats=dict(layout=layout))

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train', pipeline=__steps))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__steps))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__steps))
