# ST-GCN on mmskel's generated synthetic actions: the `make demo` model (minutes on a CPU)
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_16e.py',
    '../../_base_/datasets/synthetic.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3,
                  graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=12, in_channels=256))

max_epochs = 6
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs, by_epoch=True,
         convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(max_keep_ckpts=1))
