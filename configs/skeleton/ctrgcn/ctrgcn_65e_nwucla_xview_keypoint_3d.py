# CTR-GCN (Chen et al., ICCV 2021) on NW-UCLA cross-view, 3D joints, joint stream.
# Recipe: the authors' (config/ucla/default.yaml): SGD lr 0.1 Nesterov, wd 1e-4, 5 warm-up epochs,
# lr x0.1 at 50; 65 epochs in all of the training set repeated 5 times, batch 16, 52-frame clips,
# random rotation about x and y, coordinates scaled onto [-1, 1].
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/ctrgcn_65e_nwucla.py',
    '../../_base_/datasets/nwucla.py',
    '../../_base_/models/ctrgcn.py',
]

# the authors' NW-UCLA feeder: centre on the spine of the first frame (no turn); in training, turn
# about x and y by up to 60 degrees (1.047 rad); scale each axis onto [-1, 1] (which also undoes
# the feeder's random uniform scaling, left out here); repeat the training set 5 times an epoch
train_dataloader = dict(dataset=dict(repeat=5, pipeline=dict(
    order=['normalize', 'rotate', 'minmax', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize=dict(align_spine=False),
    rotate=dict(type='RandomRot', theta=(1.0471975511965976, 1.0471975511965976, 0.)),
    minmax=dict(type='MinMaxNormalize'))))
__eval_steps = dict(
    order=['normalize', 'minmax', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize=dict(align_spine=False),
    minmax=dict(type='MinMaxNormalize'))
val_dataloader = dict(dataset=dict(pipeline=__eval_steps))
test_dataloader = dict(dataset=dict(pipeline=__eval_steps))
model = dict(
    backbone=dict(graph_cfg=dict(layout={{_base_.layout}}), num_persons={{_base_.num_persons}}),
    cls_head=dict(num_classes={{_base_.num_classes}}))
