# NTU RGB+D 120, cross-setup (train: even setup ids, val: odd), 3D joints, joint stream
_base_ = ['./ntu120_xsub_3d.py']

train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
