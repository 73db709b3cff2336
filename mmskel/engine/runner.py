"""mmengine's Runner with checkpoint loading that is safe by default and works under torch's
``weights_only`` default (see :mod:`mmskel.engine.checkpoint`), strict loading on request,
crash-safe checkpoint saving and resuming, and resumed runs that equal uninterrupted ones
(see ``docs/reliability.md``)."""
import copy
import os
import os.path as osp
from typing import Callable, Dict, Optional, Union

import torch
from mmengine.dist import get_rank, get_world_size
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop, Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from torch.utils.data import DataLoader

from mmskel.registry import RUNNERS
from mmskel.utils.fileio import commit, temp_path
from .checkpoint import load_checkpoint_file, state_dict_of
from .checkpoint_files import fit_state_dict, latest_complete_checkpoint
from .randomness import rng_state, set_rng_state
from .sync_bn import convert_sync_batchnorm
from .train_loop import ReproducibleTrainLoop


def fit_checkpoint(model, checkpoint: dict, filename: str, strict: bool, logger) -> dict:
    """Refuse (``strict``) or warn about weights of ``checkpoint`` that do not fit ``model``
    (see :func:`fit_state_dict`); log the training-only keys left out."""
    weights = checkpoint.get('state_dict', checkpoint)
    weights = {k[len('module.'):] if k.startswith('module.') else k: v
               for k, v in weights.items()}
    kept, dropped, problems = fit_state_dict(model.state_dict(), weights, filename, strict)
    if problems:
        logger.warning(f'{filename}: loading only the weights that fit the model; {problems}')
    if dropped:
        logger.info(f'{filename}: left out {len(dropped)} training-only keys that this model '
                    f'does not have: {", ".join(dropped)}')
    return dict(checkpoint, state_dict=kept) if 'state_dict' in checkpoint else kept


@RUNNERS.register_module()
class SkeletonRunner(Runner):
    """:class:`mmengine.runner.Runner` with safe, working checkpoint loading.

    Extra config keys:

    - ``safe_checkpoint_load`` (bool): load weights (``load_from``, ``tools/test.py CKPT``) and
      resume from an explicit path or URL with ``weights_only=True`` (the default), or, when
      False (``--trust-checkpoint``), with full unpickling (only files you trust). Auto-resuming
      from the work dir's own ``last_checkpoint`` always reads the file in full.
    - ``strict_checkpoint_load`` (bool): refuse weights whose keys or shapes do not match the
      model, naming them (``tools/test.py`` sets it unless ``--load-partial``). Default False,
      mmengine's behaviour (fine-tuning loads a checkpoint with another head).
    - ``sync_bn`` (mmengine's key): ``'torch'`` in a multi-process run on the CPU (gloo) uses
      :class:`mmskel.engine.sync_bn.SyncBatchNorm`, which torch's ``SyncBatchNorm`` is not
      (it refuses CPU tensors); with CUDA, mmengine's conversion as it is.

    Checkpoints are written to a hidden temporary file and renamed into place when complete, so
    a kill during a save leaves the previous checkpoints intact.

    Resuming is exact: an ``EpochBasedTrainLoop`` runs as :class:`ReproducibleTrainLoop`
    (samples seeded by seed, epoch and index; a resume in the middle of an epoch continues
    after the batches done), checkpoints carry the random streams (``meta['rng_state']``,
    restored on resume) and data loaders draw their worker seeds from a generator of their
    own, so that making a loader's iterator (a validation) does not advance torch's stream.
    """

    def __init__(self, *args, safe_checkpoint_load: bool = True,
                 strict_checkpoint_load: bool = False, **kwargs) -> None:
        self.safe_checkpoint_load = safe_checkpoint_load
        self.strict_checkpoint_load = strict_checkpoint_load
        self._resuming = self._resume_trusted = False
        self._resumed_rng_state = None
        super().__init__(*args, **kwargs)

    @classmethod
    def from_cfg(cls, cfg) -> 'SkeletonRunner':
        runner = super().from_cfg(cfg)
        runner.safe_checkpoint_load = cfg.get('safe_checkpoint_load', True)
        runner.strict_checkpoint_load = cfg.get('strict_checkpoint_load', False)
        return runner

    def load_or_resume(self) -> None:
        """As mmengine's, but auto-resume falls back to the newest complete checkpoint when
        ``last_checkpoint`` is empty or names a missing or truncated file, and only the work
        dir's own checkpoints are trusted (unpickled in full)."""
        if self._has_loaded or not self._resume:
            return super().load_or_resume()
        if self._load_from is None:
            resume_from = latest_complete_checkpoint(self.work_dir, self.logger)
            if resume_from is None:
                return None
            self.logger.info(f'Auto resumed from the latest checkpoint {resume_from}.')
            self._resume_trusted = True
        else:
            resume_from = self._load_from
            self._resume_trusted = not self.safe_checkpoint_load
        self.resume(resume_from)
        self._has_loaded = True

    def wrap_model(self, model_wrapper_cfg: Optional[Dict], model):
        """As mmengine's; ``sync_bn`` on the CPU converts to mmskel's gloo-capable SyncBN."""
        sync_bn = self.cfg.get('sync_bn')
        if not (self.distributed and sync_bn and not torch.cuda.is_available()):
            return super().wrap_model(model_wrapper_cfg, model)
        model = convert_sync_batchnorm(model)
        self.logger.info('BatchNorm layers synchronised over the processes (CPU SyncBN)')
        self.cfg.sync_bn = None  # mmengine's own conversion would make torch's CPU-less kind
        try:
            return super().wrap_model(model_wrapper_cfg, model)
        finally:
            self.cfg.sync_bn = sync_bn

    def build_train_loop(self, loop):
        """As mmengine's, with :class:`ReproducibleTrainLoop` for an epoch-based loop."""
        if isinstance(loop, dict):
            loop = copy.deepcopy(loop)
            if loop.get('type') in ('EpochBasedTrainLoop', EpochBasedTrainLoop) or (
                    'type' not in loop and loop.get('by_epoch')):
                loop.pop('by_epoch', None)
                loop['type'] = ReproducibleTrainLoop
        return super().build_train_loop(loop)

    @staticmethod
    def build_dataloader(dataloader: Union[DataLoader, Dict], seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> DataLoader:
        """As mmengine's; a loader built here draws its iterators' base seeds from a generator
        of its own, not from torch's global one (which dropout and the like share)."""
        loader = Runner.build_dataloader(dataloader, seed, diff_rank_seed)
        if isinstance(loader, DataLoader) and loader.generator is None:
            loader.generator = torch.Generator().manual_seed(seed or 0)
        return loader

    def resume(self, filename: str, *args, **kwargs) -> None:
        """As mmengine's, and the random streams are restored as they were at the save."""
        self._resuming = True
        self._resumed_rng_state = None
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False
        states = self._resumed_rng_state
        if not states:
            self.logger.warning(f'{filename} holds no random state (saved by an older mmskel '
                                'or by mmengine): the resumed run will not repeat the '
                                'interrupted one exactly')
            return
        set_rng_state(states[get_rank()] if len(states) == get_world_size() else states[0])

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: list = [(r'^module.', '')]):
        if self._resuming:
            checkpoint = load_checkpoint_file(filename, map_location,
                                              weights_only=not self._resume_trusted,
                                              training_state=True)
            self._resumed_rng_state = checkpoint.get('meta', {}).get('rng_state')
        else:
            checkpoint = load_checkpoint_file(filename, map_location, self.safe_checkpoint_load)
        if self.safe_checkpoint_load and not self._resuming:
            # stand-ins may sit beside the weights, never among them
            weights = state_dict_of(checkpoint, filename)
            checkpoint = dict(checkpoint, state_dict=weights) if 'state_dict' in checkpoint \
                else weights
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        if not self._resuming:
            checkpoint = fit_checkpoint(model, checkpoint, filename,
                                        self.strict_checkpoint_load, self.logger)
            strict = strict or self.strict_checkpoint_load
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict,
                                               revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def rng_states(self) -> list:
        """The random streams for a checkpoint: this rank's, or every rank's when their seeds
        differ (``randomness.diff_rank_seed``; gathered, so every rank must save)."""
        if get_world_size() > 1 and self._randomness_cfg.get('diff_rank_seed'):
            from mmengine.dist import all_gather_object
            return all_gather_object(rng_state())
        return [rng_state()]

    def save_checkpoint(self, out_dir: str, filename: str, file_client_args=None,
                        save_optimizer: bool = True, save_param_scheduler: bool = True,
                        meta: Optional[dict] = None, *args, **kwargs) -> Optional[str]:
        """As mmengine's, with the random streams in ``meta['rng_state']``, but a local
        checkpoint is written to a hidden temporary file beside it, synced and renamed into
        place: a kill during the save leaves the old file (or none), never a partial one; a
        killed save's leftover is removed at the next save."""
        meta = dict(meta or {}, rng_state=self.rng_states())
        args = (file_client_args, save_optimizer, save_param_scheduler, meta, *args)
        if '://' in str(out_dir):  # another file backend: its own semantics
            return super().save_checkpoint(out_dir, filename, *args, **kwargs)
        path = osp.join(out_dir, filename)
        tmp = temp_path(path)
        try:
            super().save_checkpoint(osp.dirname(tmp), osp.basename(tmp), *args, **kwargs)
        except BaseException:
            os.remove(tmp)
            raise
        commit(tmp, path)
        return None
