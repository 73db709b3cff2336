# mmskel's own synthetic skeleton actions (nturgb+d layout, 3D, up to 2 persons), split by subject.
# Make the pickle with: python tools/data/synthetic/generate_synthetic.py --out <ann_file>
dataset_type = 'PoseDataset'
ann_file = 'data/synthetic/synthetic_3danno.pkl'
layout = 'nturgb+d'
feats = ['j']
clip_len = 32

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', layout=layout, feats=feats),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', layout=layout, feats=feats),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=train_pipeline,
                 split='xsub_train'))
val_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=val_pipeline, split='xsub_val',
                 test_mode=True))
test_dataloader = val_dataloader

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
