from .amp import (AutocastOptimWrapper, AutocastTestLoop, AutocastValLoop, amp_dtype, autocast,
                  use_amp)
from .build import build_runner, load_config, run
from .checkpoint import load_checkpoint_file, state_dict_of
from .class_counts_hook import ClassCountsHook
from .dist import close_distributed, setup_distributed
from .logger_hook import LoggerHook
from .runner import SkeletonRunner

__all__ = ['AutocastOptimWrapper', 'AutocastTestLoop', 'AutocastValLoop', 'ClassCountsHook',
           'LoggerHook', 'SkeletonRunner', 'amp_dtype', 'autocast', 'build_runner',
           'close_distributed', 'load_checkpoint_file', 'load_config', 'run',
           'setup_distributed', 'state_dict_of', 'use_amp']
