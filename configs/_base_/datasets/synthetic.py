# mmskel's own synthetic skeleton actions (nturgb+d layout, 3D, up to 2 persons), split by
# subject like NTU's xsub. Make the pickle with:
#   python tools/data/synthetic/generate_synthetic.py --out data/synthetic/synthetic_3danno.pkl
_base_ = ['./ntu60_xsub_3d.py']

ann_file = 'data/synthetic/synthetic_3danno.pkl'
num_classes = 15
clip_len = 24
data_vars = dict(ann_file=ann_file, num_classes=num_classes, clip_len=clip_len)  # see ntu60_xsub_3d
# in-process loading: the samples are small, and on a 2-core machine a worker process only
# takes time from the model
__loader = dict(num_workers=0, persistent_workers=False)

train_dataloader = dict(
    **__loader,
    dataset=dict(ann_file=ann_file, pipeline=dict(sample=dict(clip_len=clip_len))))
val_dataloader = dict(
    **__loader, batch_size=32,
    dataset=dict(ann_file=ann_file, pipeline=dict(sample=dict(clip_len=clip_len))))
test_dataloader = dict(
    **__loader, batch_size=32,
    dataset=dict(ann_file=ann_file, pipeline=dict(sample=dict(clip_len=clip_len, num_clips=1))))
