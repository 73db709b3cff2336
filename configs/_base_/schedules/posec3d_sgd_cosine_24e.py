# PoseC3D's recipe (mmaction2 1.x, pyskl): SGD lr 0.2 momentum 0.9, wd 3e-4, gradients clipped at
# norm 40, cosine decay over 24 epochs, batch 16 x 8 GPUs. The heatmap dataset bases show each
# training sample 10 times per epoch (PoseDataset(repeat=10), upstream's RepeatDataset), so the
# 24 epochs are the "240e" of the config names.
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 24
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs, by_epoch=True,
         convert_to_iter_based=True)
]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=0.0003),
    clip_grad=dict(max_norm=40, norm_type=2))

# --auto-scale-lr scales lr by (total batch) / base_batch_size
auto_scale_lr = dict(enable=False, base_batch_size=128)
