# NW-UCLA, cross-view, the 20 Kinect v1 joints projected to 2D pixels with scores (the pickle of
# convert_nwucla.py --pixels, as nwucla_xview_heatmap.py reads it), for 2D GCNs: nwucla.py's
# pipeline with the 2D normalisation.
_base_ = ['./nwucla.py']

ann_file = 'data/nwucla/nwucla_2danno.pkl'
data_vars = dict(ann_file=ann_file)  # see ntu60_xsub_3d
__steps = dict(normalize=dict(_delete_=True, type='PreNormalize2D'))

train_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
val_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
test_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=__steps))
