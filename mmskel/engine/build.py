"""Shared steps of tools/train.py and tools/test.py."""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.runner import Runner

from mmskel.registry import RUNNERS
from mmskel.utils import register_all_modules
from .dist import setup_distributed


def load_config(path: str, cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    """Read a config, apply ``--cfg-options`` and pick the work dir.

    The work dir is, in order: ``work_dir``, the config's own ``work_dir``, or
    ``./work_dirs/<config name>``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def build_runner(cfg: Config, launcher: str = 'none') -> Runner:
    """Register mmskel's modules, set up (CPU-capable) distribution and build the Runner."""
    register_all_modules(init_default_scope=False)
    setup_distributed(cfg, launcher)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)
