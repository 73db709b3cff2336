# PoseC3D's X3D-shallow on NW-UCLA 2D pixels, a CPU budget recipe: the config
# x3d_shallow_nwucla_xview_keypoint.py with 32-frame clips on 32 x 32 crops (2.5 CPU-s a training
# step of 16 clips, one thread, against 14.6 s at 52 x 64 x 64) and one pass over the training
# set an epoch instead of ten.
# Recipe: mmskel's CPU budget recipe for NW-UCLA heatmaps: pyskl's X3D-shallow schedule (cosine
# over 24 epochs, lr 0.4 for 256 scaled by auto_scale_lr) on batch 16.
_base_ = ['./x3d_shallow_nwucla_xview_keypoint.py']

clip_len = 32
data_vars = dict(clip_len=clip_len)  # the pipelines below are written for it
__size = dict(scale=(32, 32), keep_ratio=False)
__train = dict(sample=dict(clip_len=clip_len), scale=__size)
__eval = dict(sample=dict(clip_len=clip_len), resize=__size)  # val 1 clip, test 10 (and flipped)
train_dataloader = dict(batch_size=16, dataset=dict(repeat=1, pipeline=__train))
val_dataloader = dict(dataset=dict(pipeline=__eval))
test_dataloader = dict(dataset=dict(pipeline=__eval))
auto_scale_lr = dict(enable=True)
