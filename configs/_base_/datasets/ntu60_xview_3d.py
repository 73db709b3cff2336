# NTU RGB+D 60, cross-view (train: cameras 2 and 3, val: camera 1), 3D joints, joint stream
_base_ = ['./ntu60_xsub_3d.py']

train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
