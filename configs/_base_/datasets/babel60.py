# BABEL-60 (AMASS motion capture in the 25-joint nturgb+d layout, one person, 5-second chunks),
# train on `train`, evaluate on `val`. Make the pickle with:
#   python tools/data/babel/convert_babel.py --root data/babel_v1.0_release --out <ann_file> \
#       --num-classes 60
# BABEL reports top-1 and mean class accuracy (top1_acc, mean1_acc): its classes are long-tailed.
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/babel/babel60_3danno.pkl'
num_persons = 1
data_vars = dict(ann_file=ann_file, num_persons=num_persons)  # see ntu60_xsub_3d
__steps = dict(format=dict(num_persons=num_persons))

train_dataloader = dict(dataset=dict(ann_file=ann_file, split='train', pipeline=__steps))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__steps))
test_dataloader = dict(dataset=dict(ann_file=ann_file, split='val', pipeline=__steps))
