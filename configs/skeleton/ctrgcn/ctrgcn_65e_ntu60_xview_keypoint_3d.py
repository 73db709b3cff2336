# CTR-GCN (Chen et al., ICCV 2021) on NTU RGB+D 60 cross-view, 3D joints, joint stream.
# Recipe: the authors' (nturgbd configs): SGD lr 0.1 Nesterov, wd 4e-4, 5 warm-up epochs, lr x0.1 at
# 35 and 55; 65 epochs in all, batch 64, 64-frame clips (random 50-100% crop and random rotation in
# training), 1 test clip from the centred 95% of the sequence.
_base_ = ['./ctrgcn_65e_ntu60_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-view split as
# _base_/datasets/ntu60_xview_3d.py gives it (train: cameras 2 and 3, val: camera 1)
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
