from .fileio import atomic_open
from .setup_env import register_all_modules

__all__ = ['atomic_open', 'register_all_modules']
