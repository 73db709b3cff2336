# CTR-GCN on NTU RGB+D (Chen et al., ICCV 2021; the authors' nturgbd configs). SGD lr 0.1,
# momentum 0.9 (Nesterov), weight decay 0.0004, 5 linear warm-up epochs, lr x0.1 at epochs 35, 55;
# 65 epochs in all; batch 64 (16 per GPU in the dataset configs: 4 GPU(s); --auto-scale-lr
# rescales lr for another total batch).
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 65
milestones = [35, 55]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='LinearLR', start_factor=0.2, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', milestones=milestones, gamma=0.1, by_epoch=True, begin=0,
         end=max_epochs)
]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0004, nesterov=True))

auto_scale_lr = dict(enable=False, base_batch_size=64)
