# LST with CTR-GCN on NTU RGB+D 120 cross-setup, 3D joints, joint stream: the NTU120 cross-subject
# config (and its recipe) on the xset split (train: even setup ids, val: odd).
_base_ = ['./lst_ctrgcn_110e_ntu120_xsub_keypoint_3d.py']

train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
