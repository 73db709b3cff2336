# 2s-AGCN on Kinetics-Skeleton (Shi et al., CVPR 2019). SGD lr 0.1, momentum 0.9 (Nesterov),
# weight decay 0.0001, lr x0.1 at epochs 45, 55; 65 epochs in all; batch 128 (16 per GPU in the
# dataset configs: 8 GPU(s); --auto-scale-lr rescales lr for another total batch).
# The NTU schedule (./2sagcn_50e.py) without the warm-up, with other epochs and batch.
_base_ = ['./2sagcn_50e.py']

max_epochs = 65  # the length param_scheduler is written for (see ./2sagcn_50e.py)
milestones = [45, 55]
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(_base_.param_scheduler[1], milestones=milestones, end=max_epochs)]
auto_scale_lr = dict(base_batch_size=128)
