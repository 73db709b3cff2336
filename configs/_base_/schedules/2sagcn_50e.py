# 2s-AGCN / MS-AAGCN on NTU RGB+D (Shi et al.; the authors' train_joint_aagcn.yaml). SGD lr 0.1,
# momentum 0.9 (Nesterov), weight decay 0.0001, 5 linear warm-up epochs, lr x0.1 at epochs 30, 40;
# 50 epochs in all; batch 64 (16 per GPU in the dataset configs: 4 GPU(s); --auto-scale-lr
# rescales lr for another total batch).
# The step schedules of the codebases that descend from 2s-AGCN's (CTR-GCN, MSA-GCN, MS-G3D,
# MST-GCN) inherit this one and change its numbers; a list replaces a base's list whole, so they
# build theirs from these entries as _base_.param_scheduler[i] (mmengine runs a config with
# _base_ bound to its bases' merged values).
# the length param_scheduler is written for: a run of another train_cfg.max_epochs gets its
# epochs rescaled to that length (mmskel/engine/schedule.py, docs/configs.md)
max_epochs = 50
milestones = [30, 40]
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
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001, nesterov=True))

auto_scale_lr = dict(enable=False, base_batch_size=64)
