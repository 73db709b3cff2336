# NW-UCLA, cross-view (train: views 1+2, val: view 3), the 20 Kinect v1 joints (nw-ucla layout)
# projected to 2D pixels of a 1920x1080 frame with scores, drawn as pose heatmap volumes for
# PoseC3D. Flip's left and right joints are the layout's flip_pairs; the limb heatmaps are its 19
# graph edges. Make the pickle with (docs/datasets/nwucla.md):
#   python tools/data/nwucla/convert_nwucla.py --root <all_sqe folder> --out <ann_file> --pixels
_base_ = ['./ntu60_xsub_heatmap.py']

ann_file = 'data/nwucla/nwucla_2danno.pkl'
layout = 'nw-ucla'
num_classes = 10
num_persons = 1
clip_len = 52  # CTR-GCN's NW-UCLA window, as in ./nwucla.py
data_vars = dict(ann_file=ann_file, layout=layout, num_classes=num_classes,
                 num_persons=num_persons, clip_len=clip_len)  # see ntu60_xsub_3d
__heatmap = dict(layout=layout)
__val = dict(sample=dict(clip_len=clip_len), heatmap=__heatmap)
__train = dict(__val, flip=dict(layout=layout))

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train', pipeline=__train))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__val))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__val))
