# NTU RGB+D 120, cross-subject (53 training subjects), 3D joints, joint stream.
# Make the pickle with:
#   python tools/data/ntu/convert_ntu.py --root data/nturgbd_raw --out <ann_file> --dataset ntu120
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/nturgbd/ntu120_3danno.pkl'
num_classes = 120
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # see ntu60_xsub_3d
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
