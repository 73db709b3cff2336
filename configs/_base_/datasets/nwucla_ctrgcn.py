# NW-UCLA (./nwucla.py) as CTR-GCN's code feeds it (the authors' NW-UCLA feeder), for the models
# whose code reads NW-UCLA so (CTR-GCN, MSA-GCN): centre on the spine of the first frame (no
# turn); in training, turn about x and y by up to 60 degrees (1.047 rad); scale each axis onto
# [-1, 1] (which also undoes the feeder's random uniform scaling, left out here); repeat the
# training set 5 times an epoch.
_base_ = ['./nwucla.py']

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
