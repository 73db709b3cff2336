"""mmengine's Runner with checkpoint loading that is safe by default and works under torch's
``weights_only`` default (see :mod:`mmskel.engine.checkpoint`), strict loading on request, and
crash-safe checkpoint saving and resuming (see ``docs/reliability.md``)."""
import os
import os.path as osp
from typing import Callable, Optional, Union

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from mmskel.registry import RUNNERS
from mmskel.utils.fileio import commit, temp_path
from .checkpoint import load_checkpoint_file, state_dict_of
from .checkpoint_files import fit_state_dict, latest_complete_checkpoint


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

    Checkpoints are written to a hidden temporary file and renamed into place when complete, so
    a kill during a save leaves the previous checkpoints intact.
    """

    def __init__(self, *args, safe_checkpoint_load: bool = True,
                 strict_checkpoint_load: bool = False, **kwargs) -> None:
        self.safe_checkpoint_load = safe_checkpoint_load
        self.strict_checkpoint_load = strict_checkpoint_load
        self._resuming = self._resume_trusted = False
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

    def resume(self, filename: str, *args, **kwargs) -> None:
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: list = [(r'^module.', '')]):
        if self._resuming:
            checkpoint = load_checkpoint_file(filename, map_location,
                                              weights_only=not self._resume_trusted,
                                              training_state=True)
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

    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> Optional[str]:
        """As mmengine's, but a local checkpoint is written to a hidden temporary file beside
        it, synced and renamed into place: a kill during the save leaves the old file (or
        none), never a partial one; a killed save's leftover is removed at the next save."""
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
