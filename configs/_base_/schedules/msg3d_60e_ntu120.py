# MS-G3D on NTU RGB+D 120 (the authors' configs). SGD lr 0.05, momentum 0.9 (Nesterov), weight
# decay 0.0005, lr x0.1 at epochs 30, 50; 60 epochs in all; batch 32 (16 per GPU in the dataset
# configs: 2 GPU(s); --auto-scale-lr rescales lr for another total batch).
# The NTU-60 schedule (./msg3d_50e.py) with other epochs.
_base_ = ['./msg3d_50e.py']

max_epochs = 60  # the length param_scheduler is written for (see ./2sagcn_50e.py)
milestones = [30, 50]
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(_base_.param_scheduler[0], milestones=milestones, end=max_epochs)]
