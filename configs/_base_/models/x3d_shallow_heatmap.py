# pyskl's X3D-shallow for PoseC3D: 17 heatmap channels in, three stages of (2, 5, 3) blocks, no
# squeeze-excitation, ReLU; 0.25 M parameters, 0.74 GFLOPs per 48 x 64 x 64 view.
model = dict(
    type='Recognizer3D',
    backbone=dict(type='X3D', gamma_d=1, in_channels=17, base_channels=24, num_stages=3,
                  se_ratio=None, use_swish=False, stage_blocks=(2, 5, 3),
                  spatial_strides=(2, 2, 2)),
    cls_head=dict(type='I3DHead', in_channels=216, dropout_ratio=0.5, average_clips='prob'))
