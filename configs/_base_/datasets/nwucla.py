# NW-UCLA, cross-view (train: views 1+2, val: view 3), 3D Kinect v1 joints (20, nw-ucla layout),
# one person. Make the pickle with:
#   python tools/data/nwucla/convert_nwucla.py --root <all_sqe folder> --out <ann_file>
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/nwucla/nwucla_3danno.pkl'
layout = 'nw-ucla'
num_classes = 10
num_persons = 1
clip_len = 52  # CTR-GCN's NW-UCLA window
data_vars = dict(ann_file=ann_file, layout=layout, num_classes=num_classes,
                 num_persons=num_persons, clip_len=clip_len)  # see ntu60_xsub_3d
__steps = dict(
    normalize=dict(layout=layout),  # centre on the spine, turn the spine and shoulders
    feats=dict(layout=layout),
    sample=dict(clip_len=clip_len),
    format=dict(num_persons=num_persons))

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train', pipeline=__steps))
val_dataloader = dict(
    batch_size=32, dataset=dict(ann_file=ann_file, split='val', pipeline=__steps))
test_dataloader = dict(
    batch_size=32,
    dataset=dict(ann_file=ann_file, split='val',
                 pipeline=dict(__steps, sample=dict(clip_len=clip_len, num_clips=1))))
