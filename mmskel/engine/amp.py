"""Mixed precision on every device: bf16 autocast on the CPU, fp16 (with loss scaling) or bf16
on CUDA, for training (an optimizer wrapper), validation and testing (loops) and inference.

``--amp`` of ``tools/train.py`` and ``tools/test.py`` goes through :func:`use_amp`; the
inference API through :func:`autocast`.
"""
import contextlib
import logging
from typing import Optional

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmengine.runner import TestLoop, ValLoop

from mmskel.registry import LOOPS, OPTIM_WRAPPERS

AMP_DTYPES = {'float16': torch.float16, 'bfloat16': torch.bfloat16}


def default_device_type() -> str:
    """Where mmengine's Runner puts the model: ``'cuda'`` when available, else ``'cpu'``."""
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def cpu_supports_bf16() -> bool:
    """Whether this CPU has native bf16 arithmetic (AVX512-BF16 or AMX) for oneDNN."""
    return bool(torch.backends.mkldnn.is_available()
                and torch.ops.mkldnn._is_mkldnn_bf16_supported())


def amp_dtype(device_type: str, name: Optional[str] = None) -> Optional[torch.dtype]:
    """The autocast dtype for mixed precision on ``device_type``, or None for float32.

    ``name`` is ``'float16'`` or ``'bfloat16'``; None picks float16 on CUDA and bfloat16 on the
    CPU. Raises ValueError for a combination the device cannot run (float16 on the CPU, bf16
    on a GPU without it); returns None with a warning on a CPU without native bf16, where
    autocast would be slower than float32.
    """
    if name is not None and name not in AMP_DTYPES:
        raise ValueError(f'amp dtype must be one of {sorted(AMP_DTYPES)}, got {name!r}')
    if device_type == 'cpu':
        if name == 'float16':
            raise ValueError('float16 mixed precision needs a GPU; on the CPU use bfloat16')
        if not cpu_supports_bf16():
            print_log('this CPU has no native bfloat16 (AVX512-BF16 or AMX): running in '
                      'float32, which is faster here than emulated bf16', 'current',
                      logging.WARNING)
            return None
        return torch.bfloat16
    if name == 'bfloat16' and device_type == 'cuda' and not torch.cuda.is_bf16_supported():
        raise ValueError(f'{torch.cuda.get_device_name()} has no bfloat16; use float16')
    return AMP_DTYPES[name or 'float16']


def autocast(device_type: str, dtype: Optional[torch.dtype]):
    """``torch.autocast`` for ``dtype`` on ``device_type``; a no-op context for None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device_type, dtype=dtype)


def _model_device_type(model: torch.nn.Module) -> str:
    param = next(model.parameters(), None)
    return param.device.type if param is not None else default_device_type()


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """An optimizer wrapper that runs the forward pass under autocast without loss scaling,
    which bf16 does not need (its exponent range is float32's); on any device.

    Args:
        dtype (str): ``'bfloat16'`` (default) or ``'float16'`` (float16 without a loss scaler
            can underflow gradients: on CUDA use mmengine's ``AmpOptimWrapper`` for it).
        **kwargs: :class:`mmengine.optim.OptimWrapper`'s arguments.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        if dtype not in AMP_DTYPES:
            raise ValueError(f'dtype must be one of {sorted(AMP_DTYPES)}, got {dtype!r}')
        self.cast_dtype = AMP_DTYPES[dtype]

    @contextlib.contextmanager
    def optim_context(self, model: torch.nn.Module):
        with super().optim_context(model), autocast(_model_device_type(model), self.cast_dtype):
            yield


class _AutocastLoop:
    """Runs an evaluation loop in mmengine's ``fp16`` mode with autocast's dtype for the
    model's device set to ``amp_dtype`` for each iteration (mmengine picks the device's
    default autocast dtype)."""

    def _set_dtype(self, amp_dtype: str) -> None:
        if amp_dtype not in AMP_DTYPES:
            raise ValueError(f'amp_dtype must be one of {sorted(AMP_DTYPES)}, got {amp_dtype!r}')
        self.amp_dtype = AMP_DTYPES[amp_dtype]
        self.fp16 = True

    def run_iter(self, idx, data_batch) -> None:
        device_type = _model_device_type(self.runner.model)
        previous = torch.get_autocast_dtype(device_type)
        torch.set_autocast_dtype(device_type, self.amp_dtype)
        try:
            super().run_iter(idx, data_batch)
        finally:
            torch.set_autocast_dtype(device_type, previous)


@LOOPS.register_module()
class AutocastValLoop(_AutocastLoop, ValLoop):
    """mmengine's ValLoop under autocast (``amp_dtype='bfloat16'`` or ``'float16'``)."""

    def __init__(self, runner, dataloader, evaluator, amp_dtype: str = 'bfloat16') -> None:
        super().__init__(runner, dataloader, evaluator)
        self._set_dtype(amp_dtype)


@LOOPS.register_module()
class AutocastTestLoop(_AutocastLoop, TestLoop):
    """mmengine's TestLoop under autocast (``amp_dtype='bfloat16'`` or ``'float16'``)."""

    def __init__(self, runner, dataloader, evaluator, amp_dtype: str = 'bfloat16') -> None:
        super().__init__(runner, dataloader, evaluator)
        self._set_dtype(amp_dtype)


def _dtype_name(dtype: torch.dtype) -> str:
    return next(name for name, value in AMP_DTYPES.items() if value == dtype)


def use_amp(cfg, name: Optional[str] = None, phase: str = 'train',
            device_type: Optional[str] = None) -> Optional[torch.dtype]:
    """Turn on mixed precision in a config, in place, for ``phase`` (``'train'``: the optimizer
    wrapper and the val loop; ``'test'``: the test loop). Returns the dtype, or None where the
    device runs float32 (see :func:`amp_dtype`).

    fp16 training on CUDA uses mmengine's ``AmpOptimWrapper`` (dynamic loss scaling); bf16 on
    any device uses :class:`AutocastOptimWrapper`.
    """
    dtype = amp_dtype(device_type or default_device_type(), name)
    if dtype is None:
        return None
    loops = ['test_cfg'] if phase == 'test' else ['val_cfg']
    if phase == 'train':
        wrapper = cfg.optim_wrapper
        if dtype == torch.float16:
            wrapper.update(type='AmpOptimWrapper', dtype='float16', loss_scale='dynamic')
        else:
            wrapper.update(type='AutocastOptimWrapper', dtype='bfloat16')
    for key in loops:
        if cfg.get(key):
            loop = 'AutocastValLoop' if key == 'val_cfg' else 'AutocastTestLoop'
            settings = {k: v for k, v in cfg[key].items() if k not in ('type', 'fp16')}
            cfg[key] = dict(settings, type=loop, amp_dtype=_dtype_name(dtype))
    return dtype
