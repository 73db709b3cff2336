# MS-G3D on NTU RGB+D 60 (Liu et al., CVPR 2020; the authors' configs). SGD lr 0.05, momentum 0.9
# (Nesterov), weight decay 0.0005, lr x0.1 at epochs 30, 40; 50 epochs in all; batch 32 (16 per
# GPU in the dataset configs: 2 GPU(s); --auto-scale-lr rescales lr for another total batch).
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 50
milestones = [30, 40]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='MultiStepLR', milestones=milestones, gamma=0.1, by_epoch=True, begin=0,
         end=max_epochs)
]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=0.0005, nesterov=True))

auto_scale_lr = dict(enable=False, base_batch_size=32)
