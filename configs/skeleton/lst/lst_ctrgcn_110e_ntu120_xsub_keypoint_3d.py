# LST with CTR-GCN on NTU RGB+D 120 cross-subject, 3D joints, joint stream: the NTU60 cross-subject
# config (and its recipe) on the NTU120 pickle, with 120 classes and their texts.
_base_ = ['./lst_ctrgcn_110e_ntu60_xsub_keypoint_3d.py']

ann_file = 'data/nturgbd/ntu120_3danno.pkl'
num_classes = 120
data_vars = dict(ann_file=ann_file, num_classes=num_classes)  # set below by hand
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = dict(dataset=dict(ann_file=ann_file))
model = dict(cls_head=dict(num_classes=num_classes, text_bank=dict(texts='ntu120')))
