"""mmengine's Runner with checkpoint loading that works under torch's ``weights_only`` default.

torch >= 2.6 loads with ``weights_only=True``, which refuses the ``HistoryBuffer`` objects that
mmengine stores in its training checkpoints (mmengine issue #1655). This Runner:

* resumes from its own checkpoints with full unpickling (they are trusted: it wrote them);
* loads weights (``load_from``, ``tools/test.py CKPT``) with ``weights_only=True`` first, and
  only for a local file that needs it (an mmengine training checkpoint) with full unpickling,
  unless ``safe_checkpoint_load=True``; remote files are always loaded with ``weights_only=True``.
"""
import os.path as osp
import pickle
from typing import Any, Callable, Union

import torch
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model

from mmskel.registry import RUNNERS


def load_checkpoint_file(filename: str, map_location: Any = 'cpu', trusted: bool = False,
                         allow_unsafe_local: bool = True) -> Any:
    """Load a checkpoint; see the module docstring for when full unpickling is used.

    Args:
        filename (str): Local path or URL.
        map_location: As for :func:`torch.load`.
        trusted (bool): Load a local file with full unpickling straight away.
        allow_unsafe_local (bool): Retry a local file that ``weights_only`` refuses with full
            unpickling.
    """
    path = osp.expanduser(filename)
    if not osp.isfile(path):
        return _load_checkpoint(filename, map_location=map_location)
    if trusted:
        return torch.load(path, map_location=map_location, weights_only=False)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if not allow_unsafe_local:
            raise pickle.UnpicklingError(
                f'{path} holds objects beyond tensors and plain containers and '
                'safe_checkpoint_load is set; load it only if you trust it') from error
        return torch.load(path, map_location=map_location, weights_only=False)


@RUNNERS.register_module()
class SkeletonRunner(Runner):
    """:class:`mmengine.runner.Runner` with safe, working checkpoint loading.

    Extra config key: ``safe_checkpoint_load`` (bool) refuses full unpickling of local weight
    files other than resumed training checkpoints. Defaults to False.
    """

    def __init__(self, *args, safe_checkpoint_load: bool = False, **kwargs) -> None:
        self.safe_checkpoint_load = safe_checkpoint_load
        self._resuming = False
        super().__init__(*args, **kwargs)

    @classmethod
    def from_cfg(cls, cfg) -> 'SkeletonRunner':
        runner = super().from_cfg(cfg)
        runner.safe_checkpoint_load = cfg.get('safe_checkpoint_load', False)
        return runner

    def resume(self, filename: str, *args, **kwargs) -> None:
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: list = [(r'^module.', '')]):
        checkpoint = load_checkpoint_file(filename, map_location, trusted=self._resuming,
                                          allow_unsafe_local=not self.safe_checkpoint_load)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict,
                                               revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
