# pyskl's C3D-light for PoseC3D: 17 heatmap channels in, base width 32, three stages, no temporal
# downsampling; 3.4 M parameters.
model = dict(
    type='Recognizer3D',
    backbone=dict(type='C3D', in_channels=17, base_channels=32, num_stages=3,
                  temporal_downsample=False),
    cls_head=dict(type='I3DHead', in_channels=256, dropout_ratio=0.5, average_clips='prob'))
