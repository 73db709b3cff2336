# NTU RGB+D 60, cross-subject, 3D Kinect joints (25, nturgb+d layout), joint stream.
# The dataset's facts are stated here once: the pipelines below read them, and a model config
# reads them as {{_base_.layout}}, {{_base_.num_persons}}, {{_base_.num_classes}} (a dataset base
# that inherits this one changes a fact and the pipeline steps that read it).
# Pipelines are dicts of named steps, so a config that inherits changes one step by name, e.g.
# the bone stream: train_dataloader = dict(dataset=dict(pipeline=dict(feats=dict(feats=['b']))))
# Helper names start with '__' so that they stay out of the built config.
dataset_type = 'PoseDataset'
ann_file = 'data/nturgbd/ntu60_3danno.pkl'
layout = 'nturgb+d'  # joints and their graph (mmskel/structures/layouts.py)
num_classes = 60
num_persons = 2  # persons per sample the model takes (padded or dropped to this)
clip_len = 100  # frames per clip
# the values the loaders below are written with: a config that inherits this one (or
# --cfg-options) and sets clip_len, ann_file, ... gets its value into every entry of that
# name that still holds this one (mmskel/utils/data_vars.py, docs/configs.md); a dataset base
# that changes a variable records its own value here too
data_vars = dict(ann_file=ann_file, layout=layout, num_classes=num_classes,
                 num_persons=num_persons, clip_len=clip_len)

__train_pipeline = dict(
    order=['normalize', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize=dict(type='PreNormalize3D', layout=layout),
    feats=dict(type='GenSkeFeat', layout=layout, feats=['j']),
    sample=dict(type='UniformSampleFrames', clip_len=clip_len),
    decode=dict(type='PoseDecode'),
    format=dict(type='FormatGCNInput', num_persons=num_persons),
    pack=dict(type='PackActionInputs'))
__val_pipeline = dict(__train_pipeline,
                      sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1))
__test_pipeline = dict(__train_pipeline,
                       sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=10))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file, pipeline=__train_pipeline,
                 split='xsub_train'))
val_dataloader = dict(
    train_dataloader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(train_dataloader['dataset'], pipeline=__val_pipeline, split='xsub_val',
                 test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1,
                       dataset=dict(val_dataloader['dataset'], pipeline=__test_pipeline))

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
