# MSA-GCN on NTU RGB+D (Alowonou and Han, IEEE Access 2024; the authors' configs). SGD lr 0.1,
# momentum 0.9 (Nesterov), weight decay 0.0005, 5 linear warm-up epochs, lr x0.1 at epochs 70, 90,
# 110, 130, 150, 170; 190 epochs in all; batch 128 (16 per GPU in the dataset configs: 8 GPU(s);
# --auto-scale-lr rescales lr for another total batch).
# 2s-AGCN's schedule with other epochs, weight decay and batch.
_base_ = ['./2sagcn_50e.py']

max_epochs = 190  # the length param_scheduler is written for (see ./2sagcn_50e.py)
milestones = [70, 90, 110, 130, 150, 170]
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], milestones=milestones, end=max_epochs)
]
optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
auto_scale_lr = dict(base_batch_size=128)
