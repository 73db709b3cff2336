# PoseC3D's SlowOnly-R50 (Duan et al., CVPR 2022) as mmaction2 1.x builds it: 17 heatmap channels
# in (the coco layout's joints, or its 17 limbs), three stages without the first downsampling;
# 2.0 M parameters, 20.6 GFLOPs per 48 x 64 x 64 view. The classes come from the dataset base
# (cls_head=dict(num_classes={{_base_.num_classes}})).
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3dSlowOnly', depth=50, in_channels=17, base_channels=32,
                  num_stages=3, out_indices=(2,), stage_blocks=(4, 6, 3), conv1_stride_s=1,
                  pool1_stride_s=1, inflate=(0, 1, 1), spatial_strides=(2, 2, 2),
                  temporal_strides=(1, 1, 2), dilations=(1, 1, 1)),
    cls_head=dict(type='I3DHead', in_channels=512, dropout_ratio=0.5, average_clips='prob'))
