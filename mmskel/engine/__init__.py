from .amp import (AutocastOptimWrapper, AutocastTestLoop, AutocastValLoop, amp_dtype, autocast,
                  use_amp)
from .build import (CHECKPOINT_ERRORS, add_trust_argument, apply_trust, build_runner, load_config,
                    run)
from .checkpoint import (CorruptCheckpointError, load_checkpoint_file, publish_checkpoint,
                         published_checkpoint, state_dict_of)
from .checkpoint_files import CheckpointMismatchError
from .checkpoint_hook import CheckpointHook
from .class_counts_hook import ClassCountsHook
from .dist import close_distributed, setup_distributed
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .logger_hook import LoggerHook
from .runner import SkeletonRunner

__all__ = ['CHECKPOINT_ERRORS', 'AutocastOptimWrapper', 'AutocastTestLoop', 'AutocastValLoop',
           'CheckpointHook', 'CheckpointMismatchError', 'ClassCountsHook', 'CorruptCheckpointError',
           'FiniteLossHook', 'NonFiniteLossError',
           'LoggerHook', 'SkeletonRunner', 'add_trust_argument', 'amp_dtype', 'apply_trust',
           'autocast', 'build_runner', 'close_distributed', 'load_checkpoint_file', 'load_config',
           'publish_checkpoint', 'published_checkpoint', 'run', 'setup_distributed',
           'state_dict_of', 'use_amp']
