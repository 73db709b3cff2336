# ST-GCN on mmskel's generated synthetic actions: the `make demo` model. Half-width ST-GCN
# (base_channels=32: 64 -> 128 channels, same 10 blocks and graph) so that training and testing
# take a few minutes on a 2-core CPU.
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/synthetic.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, base_channels=32, num_persons={{_base_.num_persons}},
                  graph_cfg=dict(layout={{_base_.layout}}, mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes={{_base_.num_classes}}, in_channels=128))

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs - 1, by_epoch=True, begin=1,
         end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(max_keep_ckpts=1))
