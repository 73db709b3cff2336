# NTU RGB+D 60, cross-subject, 2D HRNet keypoints (17, coco layout) in pixels with scores, drawn
# as pose heatmap volumes for PoseC3D (docs/heatmaps.md). The pickle is the one the 2D GCN
# configs read (pyskl's ntu60_hrnet.pkl, mmaction2's ntu60_2d.pkl); the pipelines are the
# upstream PoseC3D configs' (mmaction2 1.x, pyskl), with Flip's and the flipped copy's left and
# right from the layout. A variant changes one step by name, e.g. the limb heatmaps:
#   pipeline=dict(heatmap=dict(with_kp=False, with_limb=True))
_base_ = ['./ntu60_xsub_2d.py']

clip_len = 48
data_vars = dict(clip_len=clip_len)  # see ntu60_xsub_3d
__heatmap = dict(type='GeneratePoseTarget', sigma=0.6, use_score=True, with_kp=True,
                 with_limb=False, layout={{_base_.layout}})
__train_pipeline = dict(
    _delete_=True,
    order=['sample', 'decode', 'compact', 'resize', 'crop', 'scale', 'flip', 'heatmap', 'format',
           'pack'],
    sample=dict(type='UniformSampleFrames', clip_len=clip_len),
    decode=dict(type='PoseDecode'),
    compact=dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
    resize=dict(type='Resize', scale=(-1, 64)),
    crop=dict(type='RandomResizedCrop', area_range=(0.56, 1.0)),
    scale=dict(type='Resize', scale=(56, 56), keep_ratio=False),
    flip=dict(type='Flip', flip_ratio=0.5, layout={{_base_.layout}}),
    heatmap=__heatmap,
    format=dict(type='FormatShape', input_format='NCTHW_Heatmap'),
    pack=dict(type='PackActionInputs'))
# validation: one clip, centre crop; test: ten clips and their mirror images (double)
__val_pipeline = dict(__train_pipeline,
                      sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1),
                      crop=dict(type='CenterCrop', crop_size=64), scale=None, flip=None)
__test_pipeline = dict(__val_pipeline,
                       sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=10),
                       heatmap=dict(__heatmap, double=True))

# each epoch shows every training sample 10 times (upstream's RepeatDataset(times=10))
train_dataloader = dict(dataset=dict(pipeline=__train_pipeline, repeat=10))
val_dataloader = dict(dataset=dict(pipeline=__val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=__test_pipeline))
