# PoseC3D's recipe (mmaction2 1.x, pyskl): SGD lr 0.2 momentum 0.9, wd 3e-4, gradients clipped at
# norm 40, cosine decay over 24 epochs, batch 16 x 8 GPUs. The heatmap dataset bases show each
# training sample 10 times per epoch (PoseDataset(repeat=10), upstream's RepeatDataset), so the
# 24 epochs are the "240e" of the config names.
# The same upstreams' GCN recipe (./sgd_cosine_80e.py) with PoseC3D's length, validation every
# epoch, and its optimiser (plain momentum, no Nesterov) and gradient clipping.
_base_ = ['./sgd_cosine_80e.py']

max_epochs = 24  # the length param_scheduler is written for (see ./sgd_cosine_80e.py)
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [dict(_base_.param_scheduler[0], T_max=max_epochs)]
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='SGD', lr=0.2, momentum=0.9, weight_decay=0.0003),
    clip_grad=dict(max_norm=40, norm_type=2))
