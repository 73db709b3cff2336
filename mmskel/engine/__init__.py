from .build import build_runner, load_config
from .dist import setup_distributed
from .logger_hook import LoggerHook
from .runner import SkeletonRunner, load_checkpoint_file

__all__ = ['LoggerHook', 'SkeletonRunner', 'build_runner', 'load_checkpoint_file', 'load_config',
           'setup_distributed']
