# CTR-GCN on NTU RGB+D (Chen et al., ICCV 2021; the authors' nturgbd configs). SGD lr 0.1,
# momentum 0.9 (Nesterov), weight decay 0.0004, 5 linear warm-up epochs, lr x0.1 at epochs 35, 55;
# 65 epochs in all; batch 64 (16 per GPU in the dataset configs: 4 GPU(s); --auto-scale-lr
# rescales lr for another total batch).
# 2s-AGCN's schedule (CTR-GCN's code descends from it) with other epochs and weight decay.
_base_ = ['./2sagcn_50e.py']

max_epochs = 65  # the length param_scheduler is written for (see ./2sagcn_50e.py)
milestones = [35, 55]
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], milestones=milestones, end=max_epochs)
]
optim_wrapper = dict(optimizer=dict(weight_decay=0.0004))
