# MST-GCN (Chen et al., AAAI 2021; the authors' train_joint_amstgcn_ntu.yaml). SGD lr 0.15,
# momentum 0.9 (Nesterov), weight decay 0.0001, 10 linear warm-up epochs, lr x0.1 at epochs 50,
# 70, 90; 110 epochs in all; batch 32 (16 per GPU in the dataset configs: 2 GPU(s);
# --auto-scale-lr rescales lr for another total batch).
# 2s-AGCN's schedule with another warm-up, epochs, lr and batch.
_base_ = ['./2sagcn_50e.py']

max_epochs = 110  # the length param_scheduler is written for (see ./2sagcn_50e.py)
milestones = [50, 70, 90]
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=0.1, end=10),
    dict(_base_.param_scheduler[1], milestones=milestones, end=max_epochs)
]
optim_wrapper = dict(optimizer=dict(lr=0.15))
auto_scale_lr = dict(base_batch_size=32)
