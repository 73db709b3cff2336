# ST-GCN (Yan et al., AAAI 2018) on BABEL-120, 3D joints, joint stream.
# Recipe: mmaction2/pyskl: SGD lr 0.1 Nesterov, wd 5e-4, cosine over 80 epochs, batch 16 x 8 GPUs
# (auto_scale_lr base 128), 100-frame clips, 10 test clips. Loss: focal loss (gamma 2) with class-
# balanced weights (effective number, beta 0.9999) from the train split.
_base_ = ['./stgcn_80e_babel120_val_keypoint_3d.py']

# the cross-entropy config with a focal loss, whose class-balanced weights come from the training
# set's class counts, set when training starts (ClassCountsHook) and saved with the model
model = dict(cls_head=dict(loss_cls=dict(type='FocalLoss', gamma=2.0, class_weight='balanced',
                                         num_classes={{_base_.num_classes}}, beta=0.9999)))
