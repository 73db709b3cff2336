"""Shared steps of tools/train.py and tools/test.py."""
import argparse
import os.path as osp
import pickle
from typing import Any, Optional

from mmengine.config import Config
from mmengine.runner import Runner

from mmskel.datasets.pose_dataset import pass_layout, pass_num_classes
from mmskel.registry import RUNNERS
from mmskel.utils import register_all_modules
from mmskel.utils.data_vars import apply_data_vars
from mmskel.utils.malloc import keep_freed_memory
from mmskel.utils.pipeline import pipeline_steps
from .checkpoint import CorruptCheckpointError
from .checkpoint_files import CheckpointMismatchError
from .dist import close_distributed, setup_distributed
from .schedule import fit_schedule

# checkpoint errors whose message (naming the file) is all a tool user needs
CHECKPOINT_ERRORS = (pickle.UnpicklingError, CorruptCheckpointError, CheckpointMismatchError)


def add_trust_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--trust-checkpoint``: unpickle ``what`` in full; see :func:`apply_trust`."""
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help=f'unpickle {what} in full (it can run code: only for files you '
                        'trust)')


def apply_trust(cfg: Config, args: argparse.Namespace) -> None:
    """``--trust-checkpoint`` turns safe checkpoint loading off (see SkeletonRunner)."""
    if args.trust_checkpoint:
        cfg.safe_checkpoint_load = False


def load_config(path: str, cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    """Read a config, apply ``--cfg-options`` and pick the work dir.

    Dataset variables that the config or ``--cfg-options`` changed (``clip_len = 64``) reach
    the entries the dataset base wrote with the old value (:func:`apply_data_vars`). The work
    dir is, in order: ``work_dir``, the config's own ``work_dir``, or
    ``./work_dirs/<config name>``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    apply_data_vars(cfg)
    freeze_pipelines(cfg)
    pass_num_classes(cfg)  # labels the model cannot predict are refused when the data loads
    pass_layout(cfg)  # so is a pickle whose joints are in another order than the config's
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def freeze_pipelines(cfg: Config) -> Config:
    """Turn every pipeline written as a dict of named steps into the list it stands for.

    The work-dir copy of the config and a checkpoint's ``meta`` then hold the plain list that
    ran (mmengine writes configs with sorted keys; the list needs no ``order`` to read back).
    Applies to keys named ``pipeline`` or ending in ``_pipeline``, after ``--cfg-options`` have
    changed steps by name; a dict without a valid ``order`` is refused, naming the key.
    """
    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if (key == 'pipeline' or key.endswith('_pipeline')) and isinstance(value, dict):
                    node[key] = pipeline_steps(value, f'{cfg.filename}: {where}{key}')
                else:
                    visit(value, f'{where}{key}.')
        elif isinstance(node, (list, tuple)):
            for index, item in enumerate(node):
                visit(item, f'{where[:-1]}[{index}].')

    visit(cfg._cfg_dict, '')
    return cfg


def build_runner(cfg: Config, launcher: str = 'none') -> Runner:
    """Register mmskel's modules, set up (CPU-capable) distribution and build the Runner.

    Before the Runner is built, changed dataset variables reach their entries
    (:func:`apply_data_vars`) and the lr schedule is scaled to ``train_cfg.max_epochs``
    (:func:`fit_schedule`); the Runner's log says what each changed.
    """
    register_all_modules(init_default_scope=False)
    setup_distributed(cfg, launcher)
    notes = apply_data_vars(cfg)
    notes += [note for note in [fit_schedule(cfg)] if note]
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    for note in notes:
        runner.logger.info(note)
    return runner


def run(cfg: Config, launcher: str, phase: str) -> None:
    """Build the Runner, run ``phase`` (``'train'`` or ``'test'``), then close distribution.

    The Runner is dropped before the process group is destroyed: its DDP wrapper holds the
    group's C++ backend, and a gloo backend that outlives ``destroy_process_group`` is torn down
    during interpreter exit, where it can abort the process ('terminate called without an
    active exception') after the work is done.
    """
    if cfg.get('env_cfg', {}).get('keep_freed_memory'):
        keep_freed_memory()
    runner = build_runner(cfg, launcher)
    getattr(runner, phase)()
    del runner
    close_distributed()
