# pyskl's and mmaction2's GCN recipe: SGD with Nesterov momentum and cosine decay over 80 epochs,
# batch 16 x 8 GPUs. (They run 16 epochs of a 5x RepeatDataset; 80 plain epochs with validation
# every 5 is the same schedule.)
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 80
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs, by_epoch=True,
         convert_to_iter_based=True)
]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0005, nesterov=True))

# --auto-scale-lr scales lr by (total batch) / base_batch_size
auto_scale_lr = dict(enable=False, base_batch_size=128)
