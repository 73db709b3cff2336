# MSA-GCN (Alowonou and Han, IEEE Access 2024) on NTU RGB+D 120 cross-setup, 3D joints, joint
# stream.
# Recipe: the authors' (configs/ntu60-xsub etc.): SGD lr 0.1 Nesterov, wd 5e-4, 5 warm-up epochs, lr
# x0.1 at 70, 90, 110, 130, 150 and 170; 190 epochs in all, batch 128, 64-frame clips (random
# 50-100% crop and random rotation in training), 1 test clip from the centred 95% of the sequence.
_base_ = ['./msagcn_190e_ntu120_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-setup split as
# _base_/datasets/ntu120_xset_3d.py gives it (train: even setup ids, val: odd)
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
