# BABEL-120: as BABEL-60 (./babel60.py) with the 120-class label set. Make the pickle with:
#   python tools/data/babel/convert_babel.py --root data/babel_v1.0_release --out <ann_file> \
#       --num-classes 120
_base_ = ['./babel60.py']

ann_file = 'data/babel/babel120_3danno.pkl'
num_classes = 120
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
