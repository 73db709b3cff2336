# ST-GCN on NW-UCLA cross-view (train views 1+2, test view 3), 3D joints, 10 classes
_base_ = [
    '../../_base_/default_runtime.py', '../../_base_/schedules/sgd_cosine_80e.py',
    '../../_base_/datasets/nwucla.py'
]

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, num_person=1,
                  graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=256))

max_epochs = 50
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs - 5, by_epoch=True, begin=5,
         end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=16)
