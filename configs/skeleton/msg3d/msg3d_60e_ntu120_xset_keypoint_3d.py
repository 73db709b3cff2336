# MS-G3D (Liu et al., CVPR 2020) on NTU RGB+D 120 cross-setup, 3D joints, joint stream.
# Recipe: the authors' NTU120 recipe: SGD lr 0.05 Nesterov, wd 5e-4, lr x0.1 at 30 and 50; 60
# epochs in all, batch 32, 300-frame clips, 1 test clip.
_base_ = ['./msg3d_60e_ntu120_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-setup split as
# _base_/datasets/ntu120_xset_3d.py gives it (train: even setup ids, val: odd)
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
