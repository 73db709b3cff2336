"""Distributed set-up that also works without a GPU (gloo on CPU).

mmengine's launchers call ``torch.cuda.set_device`` and wrap models with ``device_ids``, both of
which fail on a CPU-only machine. When no GPU is present this module starts the process group
with gloo itself (mmengine then skips its own initialisation) and configures DDP for CPU modules.
"""
import gc
import os
import subprocess

import torch
import torch.distributed as dist
from mmengine.config import Config


def _slurm_env() -> None:
    """Fill torch's env:// variables from SLURM's, as ``srun`` provides them."""
    os.environ.setdefault('RANK', os.environ['SLURM_PROCID'])
    os.environ.setdefault('WORLD_SIZE', os.environ['SLURM_NTASKS'])
    os.environ.setdefault('LOCAL_RANK', os.environ.get('SLURM_LOCALID', '0'))
    if 'MASTER_ADDR' not in os.environ:
        nodes = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {nodes} | head -n1')
    os.environ.setdefault('MASTER_PORT', '29500')


def setup_distributed(cfg: Config, launcher: str) -> None:
    """Record the launcher in ``cfg``; without CUDA, start gloo and make DDP CPU-friendly.

    Args:
        cfg (Config): The run's config, edited in place.
        launcher (str): ``'none'``, ``'pytorch'`` (torchrun) or ``'slurm'``.
    """
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher == 'slurm':
        _slurm_env()
    env_cfg = cfg.setdefault('env_cfg', {})
    env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None)
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo', init_method='env://')


def close_distributed() -> None:
    """Destroy the process group at the end of a run, as torch asks: left to interpreter exit,
    gloo's threads can abort the process ('terminate called without an active exception')
    after the work is done.

    Objects that still hold the group's backend (a DDP wrapper, a Runner, often in reference
    cycles) must be released by the caller first; this collects the cycles, so the backend's
    threads are joined here and not at exit.
    """
    if dist.is_available() and dist.is_initialized():
        gc.collect()
        dist.destroy_process_group()
