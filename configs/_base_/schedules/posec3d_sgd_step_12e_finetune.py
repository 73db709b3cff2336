# PoseC3D's fine-tuning recipe from Kinetics-400 weights (mmaction2 1.x, UCF101 and HMDB51):
# SGD lr 0.01 momentum 0.9, wd 3e-4, gradients clipped at norm 40, lr x 0.1 after epochs 9 and
# 11 of 12, batch 16 x 8 GPUs. With the dataset bases' 10x repeat, the "120e" of the names.
_base_ = ['./posec3d_sgd_cosine_24e.py']

# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 12
train_cfg = dict(max_epochs=max_epochs)
# a list replaces the base's list whole; no _delete_ in it (the scheduler would get it as an
# argument and refuse it)
param_scheduler = [
    dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True, milestones=[9, 11], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
