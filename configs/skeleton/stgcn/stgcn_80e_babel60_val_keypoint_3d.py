# ST-GCN (Yan et al., AAAI 2018) on BABEL-60, 3D joints, joint stream.
# Recipe: mmaction2/pyskl: SGD lr 0.1 Nesterov, wd 5e-4, cosine over 80 epochs, batch 16 x 8 GPUs
# (auto_scale_lr base 128), 100-frame clips, 10 test clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/babel60.py',
    '../../_base_/models/stgcn.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
