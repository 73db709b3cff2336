# MSA-GCN on NTU RGB+D (Alowonou and Han, IEEE Access 2024; the authors' configs). SGD lr 0.1,
# momentum 0.9 (Nesterov), weight decay 0.0005, 5 linear warm-up epochs, lr x0.1 at epochs 70, 90,
# 110, 130, 150, 170; 190 epochs in all; batch 128 (16 per GPU in the dataset configs: 8 GPU(s);
# --auto-scale-lr rescales lr for another total batch).
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 190
milestones = [70, 90, 110, 130, 150, 170]
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
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0005, nesterov=True))

auto_scale_lr = dict(enable=False, base_batch_size=128)
