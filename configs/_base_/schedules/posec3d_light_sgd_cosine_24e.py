# pyskl's recipe for the light PoseC3D backbones (X3D-shallow, C3D-light): PoseC3D's schedule
# with lr 0.4 for batch 32 x 8 GPUs.
_base_ = ['./posec3d_sgd_cosine_24e.py']

optim_wrapper = dict(optimizer=dict(lr=0.4))
auto_scale_lr = dict(base_batch_size=256)
