default_scope = 'mmskel'
runner_type = 'SkeletonRunner'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, save_best='auto', max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    finite_loss=dict(type='FiniteLossHook'),  # stop at a NaN/inf loss, naming the step
    # class-balanced loss weights from the training set (a no-op for other losses)
    class_counts=dict(type='ClassCountsHook'))

# tools/train.py switches the backend to gloo when no GPU is present
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
    # glibc keeps freed memory for the next step instead of faulting it in again
    # (mmskel/utils/malloc.py); no effect on other C libraries
    keep_freed_memory=True)

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
