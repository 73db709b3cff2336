# LST with CTR-GCN on NTU RGB+D 60 cross-view, 3D joints, joint stream: the cross-subject config
# (and its recipe) on the xview split (train: cameras 2 and 3, val: camera 1).
_base_ = ['./lst_ctrgcn_110e_ntu60_xsub_keypoint_3d.py']

train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
