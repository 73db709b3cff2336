# PoseC3D SlowOnly-R50 (Duan et al., CVPR 2022), stages (3, 4, 6), fine-tuned from mmaction2's
# Kinetics-400 keypoint PoseC3D on HMDB51 split 1, 2D HRNet keypoints as 48-frame joint heatmaps.
# Recipe: mmaction2: SGD lr 0.01, wd 3e-4, grad clip 40, lr x 0.1 at epochs 9 and 11 of 12 of 10
# repeats (120e), batch 16 x 8 GPUs; 48 x 48 train crops, 56 x 56 test crops, 10 test clips.
_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/posec3d_sgd_step_12e_finetune.py',
    '../../_base_/datasets/hmdb51_split1_heatmap.py',
    '../../_base_/models/slowonly_r50_heatmap.py',
]

model = dict(backbone=dict(stage_blocks=(3, 4, 6)),
             cls_head=dict(num_classes={{_base_.num_classes}}))
load_from = ('https://download.openmmlab.com/mmaction/v1.0/skeleton/posec3d/'
             'k400_posec3d-041f49c6.pth')
