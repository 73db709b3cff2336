# ST-GCN (Yan et al., AAAI 2018) on BABEL-120, 3D joints, joint stream.
# Recipe: mmaction2/pyskl: SGD lr 0.1 Nesterov, wd 5e-4, cosine over 80 epochs, batch 16 x 8 GPUs
# (auto_scale_lr base 128), 100-frame clips, 10 test clips. Loss: focal loss (gamma 2) with class-
# balanced weights (effective number, beta 0.9999) from the train split.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/babel120.py',
    '../../_base_/models/stgcn.py',
]

# class-balanced weights from the training set's class counts, set when training starts
# (ClassCountsHook) and saved with the model
__focal_loss = dict(type='FocalLoss', gamma=2.0, class_weight='balanced',
                    num_classes={{_base_.num_classes}}, beta=0.9999)
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}, loss_cls=__focal_loss))
