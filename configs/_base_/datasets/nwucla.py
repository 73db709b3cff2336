# NW-UCLA, cross-view (train: views 1+2, val: view 3), 3D Kinect v1 joints (20, nw-ucla layout).
# Make the pickle with: python tools/data/nwucla/convert_nwucla.py --root <all_sqe> --out <ann_file>
dataset_type = 'PoseDataset'
ann_file = 'data/nwucla/nwucla_3danno.pkl'
layout = 'nw-ucla'
feats = ['j']
clip_len = 52  # CTR-GCN's NW-UCLA window
normalize = dict(type='PreNormalize3D', center_joint=1)  # centre on the spine

train_pipeline = [
    normalize,
    dict(type='GenSkeFeat', layout=layout, feats=feats),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
val_pipeline = [
    normalize,
    dict(type='GenSkeFeat', layout=layout, feats=feats),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=train_pipeline, split='train'))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=val_pipeline, split='val',
                 test_mode=True))
test_dataloader = val_dataloader

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
