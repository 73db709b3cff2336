# PoseC3D's fine-tuning recipe from Kinetics-400 weights (mmaction2 1.x, UCF101 and HMDB51):
# SGD lr 0.01 momentum 0.9, wd 3e-4, gradients clipped at norm 40, lr x 0.1 after epochs 9 and
# 11 of 12, batch 16 x 8 GPUs. With the dataset bases' 10x repeat, the "120e" of the names.
_base_ = ['./posec3d_sgd_cosine_24e.py']

max_epochs = 12
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(_delete_=True, type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True,
         milestones=[9, 11], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
