# CTR-GCN (Chen et al., ICCV 2021) on NTU RGB+D 120 cross-setup, 3D joints, joint stream.
# Recipe: the authors' (nturgbd configs): SGD lr 0.1 Nesterov, wd 4e-4, 5 warm-up epochs, lr x0.1 at
# 35 and 55; 65 epochs in all, batch 64, 64-frame clips (random 50-100% crop and random rotation in
# training), 1 test clip from the centred 95% of the sequence.
_base_ = ['./ctrgcn_65e_ntu120_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-setup split as
# _base_/datasets/ntu120_xset_3d.py gives it (train: even setup ids, val: odd)
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
