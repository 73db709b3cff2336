"""mmengine's Runner with checkpoint loading that is safe by default and works under torch's
``weights_only`` default (see :mod:`mmskel.engine.checkpoint`)."""
from typing import Callable, Union

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from mmskel.registry import RUNNERS
from .checkpoint import load_checkpoint_file, state_dict_of


@RUNNERS.register_module()
class SkeletonRunner(Runner):
    """:class:`mmengine.runner.Runner` with safe, working checkpoint loading.

    Extra config key: ``safe_checkpoint_load`` (bool): load weights (``load_from``,
    ``tools/test.py CKPT``) with ``weights_only=True`` (the default), or, when False, with full
    unpickling (only files you trust). Resuming reads the run's own checkpoints in full.
    """

    def __init__(self, *args, safe_checkpoint_load: bool = True, **kwargs) -> None:
        self.safe_checkpoint_load = safe_checkpoint_load
        self._resuming = False
        super().__init__(*args, **kwargs)

    @classmethod
    def from_cfg(cls, cfg) -> 'SkeletonRunner':
        runner = super().from_cfg(cfg)
        runner.safe_checkpoint_load = cfg.get('safe_checkpoint_load', True)
        return runner

    def resume(self, filename: str, *args, **kwargs) -> None:
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: list = [(r'^module.', '')]):
        weights_only = self.safe_checkpoint_load and not self._resuming
        checkpoint = load_checkpoint_file(filename, map_location, weights_only)
        if weights_only:  # stand-ins may sit beside the weights, never among them
            weights = state_dict_of(checkpoint, filename)
            checkpoint = dict(checkpoint, state_dict=weights) if 'state_dict' in checkpoint \
                else weights
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict,
                                               revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
