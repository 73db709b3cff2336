# MST-GCN (Chen et al., AAAI 2021) on NTU RGB+D 60 cross-view, 3D joints, joint stream.
# Recipe: the authors' (train_joint_amstgcn_ntu.yaml): SGD lr 0.15 Nesterov, wd 1e-4, 10 warm-up
# epochs, lr x0.1 at 50, 70 and 90; 110 epochs in all, batch 32, whole sequences as 300-frame
# clips, 1 test clip.
_base_ = ['./mstgcn_110e_ntu60_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-view split as
# _base_/datasets/ntu60_xview_3d.py gives it (train: cameras 2 and 3, val: camera 1)
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
