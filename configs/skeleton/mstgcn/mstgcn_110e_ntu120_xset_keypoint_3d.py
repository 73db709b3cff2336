# MST-GCN (Chen et al., AAAI 2021) on NTU RGB+D 120 cross-setup, 3D joints, joint stream.
# Recipe: the authors' (train_joint_amstgcn_ntu.yaml): SGD lr 0.15 Nesterov, wd 1e-4, 10 warm-up
# epochs, lr x0.1 at 50, 70 and 90; 110 epochs in all, batch 32, whole sequences as 300-frame
# clips, 1 test clip.
_base_ = ['./mstgcn_110e_ntu120_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-setup split as
# _base_/datasets/ntu120_xset_3d.py gives it (train: even setup ids, val: odd)
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
