# PoseC3D SlowOnly-R50 (Duan et al., CVPR 2022) on NW-UCLA cross-view: the 20 Kinect joints
# projected to 2D pixels (convert_nwucla.py --pixels) as 52-frame joint heatmap volumes, 64 x 64
# at test. For a GPU: benchmarks/gpu_check.sh times an epoch of it (data pipeline against the
# GPU step); on a CPU, x3d_shallow_nwucla_xview_keypoint_cpu.py trains in hours.
# Recipe: mmaction2/pyskl's SlowOnly-R50 (SGD lr 0.2, wd 3e-4, grad clip 40, cosine over 24
# epochs of 10 repeats, batch 16 x 8 GPUs, auto_scale_lr base 128) on NW-UCLA's clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/posec3d_sgd_cosine_24e.py',
    '../../_base_/datasets/nwucla_xview_heatmap.py',
    '../../_base_/models/slowonly_r50_heatmap.py',
]

# one heatmap channel per joint of the nw-ucla layout
model = dict(backbone=dict(in_channels=20), cls_head=dict(num_classes={{_base_.num_classes}}))
