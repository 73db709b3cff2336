# NTU RGB+D 60 cross-subject heatmaps (./ntu60_xsub_heatmap.py) as pyskl feeds its light PoseC3D
# backbones (X3D-shallow, C3D-light): batch 32 per GPU; validation and test resize the pose box to
# 64 x 64 instead of cropping its centre.
_base_ = ['./ntu60_xsub_heatmap.py']

__test = dict(resize=dict(scale=(64, 64), keep_ratio=False), crop=None)
train_dataloader = dict(batch_size=32)
val_dataloader = dict(dataset=dict(pipeline=__test))
test_dataloader = dict(dataset=dict(pipeline=__test))
