# MS-G3D on NTU RGB+D 60 (Liu et al., CVPR 2020; the authors' configs). SGD lr 0.05, momentum 0.9
# (Nesterov), weight decay 0.0005, lr x0.1 at epochs 30, 40; 50 epochs in all; batch 32 (16 per
# GPU in the dataset configs: 2 GPU(s); --auto-scale-lr rescales lr for another total batch).
# 2s-AGCN's schedule (MS-G3D's code descends from it) without the warm-up, with another lr,
# weight decay and batch.
_base_ = ['./2sagcn_50e.py']

param_scheduler = [_base_.param_scheduler[1]]
optim_wrapper = dict(optimizer=dict(lr=0.05, weight_decay=0.0005))
auto_scale_lr = dict(base_batch_size=32)
