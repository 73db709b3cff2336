# CTR-GCN on NW-UCLA (the authors' config/ucla/default.yaml). SGD lr 0.1, momentum 0.9 (Nesterov),
# weight decay 0.0001, 5 linear warm-up epochs, lr x0.1 at epochs 50; 65 epochs in all; batch 16
# (16 per GPU in the dataset configs: 1 GPU(s); --auto-scale-lr rescales lr for another total
# batch).
# The NTU schedule (./ctrgcn_65e.py) with one step, validation every epoch and NW-UCLA's weight
# decay and batch.
_base_ = ['./ctrgcn_65e.py']

milestones = [50]
train_cfg = dict(val_interval=1)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], milestones=milestones)
]
optim_wrapper = dict(optimizer=dict(weight_decay=0.0001))
auto_scale_lr = dict(base_batch_size=16)
