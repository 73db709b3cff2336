# MSA-GCN (Alowonou and Han, IEEE Access 2024) on NTU RGB+D 60 cross-view, 3D joints, joint stream.
# Recipe: the authors' (configs/ntu60-xsub etc.): SGD lr 0.1 Nesterov, wd 5e-4, 5 warm-up epochs, lr
# x0.1 at 70, 90, 110, 130, 150 and 170; 190 epochs in all, batch 128, 64-frame clips (random
# 50-100% crop and random rotation in training), 1 test clip from the centred 95% of the sequence.
_base_ = ['./msagcn_190e_ntu60_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-view split as
# _base_/datasets/ntu60_xview_3d.py gives it (train: cameras 2 and 3, val: camera 1)
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
