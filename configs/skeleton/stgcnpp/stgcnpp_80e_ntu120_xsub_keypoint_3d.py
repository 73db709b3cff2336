# ST-GCN++ (pyskl, Duan et al., ACM MM 2022) on NTU RGB+D 120 cross-subject, 3D joints, joint
# stream.
# Recipe: mmaction2/pyskl: SGD lr 0.1 Nesterov, wd 5e-4, cosine over 80 epochs, batch 16 x 8 GPUs
# (auto_scale_lr base 128), 100-frame clips, 10 test clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/ntu120_xsub_3d.py',
    '../../_base_/models/stgcnpp.py',
]

model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
