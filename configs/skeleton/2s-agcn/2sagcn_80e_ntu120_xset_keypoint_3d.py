# 2s-AGCN / MS-AAGCN (Shi et al., CVPR 2019 / TIP 2020) on NTU RGB+D 120 cross-setup, 3D joints,
# joint stream.
# Recipe: pyskl's recipe, for comparison with pyskl: SGD lr 0.1 Nesterov, wd 5e-4, cosine over 80
# epochs, batch 16 x 8 GPUs (auto_scale_lr base 128), 100-frame clips, 10 test clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/ntu120_xset_3d.py',
    '../../_base_/models/aagcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
