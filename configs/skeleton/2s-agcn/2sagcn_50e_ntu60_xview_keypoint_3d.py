# 2s-AGCN / MS-AAGCN (Shi et al., CVPR 2019 / TIP 2020) on NTU RGB+D 60 cross-view, 3D joints,
# joint stream.
# Recipe: the authors' (train_joint_aagcn.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up epochs,
# lr x0.1 at 30 and 40; 50 epochs in all, batch 64, whole sequences as 300-frame clips, 1 test
# clip.
_base_ = ['./2sagcn_50e_ntu60_xsub_keypoint_3d.py']

# the cross-subject config, its recipe unchanged, on the cross-view split as
# _base_/datasets/ntu60_xview_3d.py gives it (train: cameras 2 and 3, val: camera 1)
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
