# NTU RGB+D 60, cross-subject, 3D Kinect joints (25, nturgb+d layout), joint stream.
# Pipelines are dicts of named steps, so a config that inherits changes one step by name, e.g.
# the bone stream: train_dataloader = dict(dataset=dict(pipeline=dict(feats=dict(feats=['b']))))
dataset_type = 'PoseDataset'
ann_file = 'data/nturgbd/ntu60_3danno.pkl'

train_pipeline = dict(
    order=['normalize', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize=dict(type='PreNormalize3D'),
    feats=dict(type='GenSkeFeat', layout='nturgb+d', feats=['j']),
    sample=dict(type='UniformSampleFrames', clip_len=100),
    decode=dict(type='PoseDecode'),
    format=dict(type='FormatGCNInput', num_person=2),
    pack=dict(type='PackActionInputs'))
val_pipeline = dict(train_pipeline,
                    sample=dict(type='UniformSampleFrames', clip_len=100, num_clips=1))
test_pipeline = dict(train_pipeline,
                     sample=dict(type='UniformSampleFrames', clip_len=100, num_clips=10))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=train_pipeline,
                 split='xsub_train'))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=val_pipeline,
                 split='xsub_val', test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1,
                       dataset=dict(val_dataloader['dataset'], pipeline=test_pipeline))

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
