"""Checkpoint loading that is safe by default and works under torch's ``weights_only`` default.

torch >= 2.6 loads with ``weights_only=True``, which refuses the ``HistoryBuffer`` objects and
numpy arrays that mmengine stores in its training checkpoints (mmengine issue #1655). mmskel
loads every checkpoint with ``weights_only=True`` and gives each such object an inert stand-in
(:class:`Skipped`): the weights and plain metadata load, the training state is left out, and
nothing in the file is run. A file that needs more (a call of a function, say) is refused.
``weights_only=False`` (full unpickling) is for files you trust: the Runner's own checkpoints
when it resumes, or an explicit opt-out.
"""
import os.path as osp
import pickle
from typing import Any

import torch
from mmengine.fileio import get_local_path

from mmskel.utils.download import download, is_url

OPT_OUT = ('load it with weights_only=False (--cfg-options safe_checkpoint_load=False for '
           'tools/train.py and tools/test.py, --unsafe-load for the demo) only if you trust it')


class Skipped:
    """Stands in for every non-tensor object of a checkpoint under ``weights_only`` loading
    (mmengine's ``HistoryBuffer``, numpy arrays of the message hub): it accepts any arguments
    and state and runs nothing, so such checkpoints load safely with those parts left out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


def _load_weights_only(path: str, map_location: Any, name: str) -> Any:
    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except (RuntimeError, ValueError):  # legacy (non-zip) format: torch's own check only
        unsafe = []
    try:
        with torch.serialization.safe_globals([(Skipped, global_) for global_ in unsafe]):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        reason = next((line for line in str(error).splitlines()
                       if 'GLOBAL' in line or line.startswith('Trying to')), 'unsafe content')
        raise pickle.UnpicklingError(
            f'{name}: refused by weights_only loading ({reason.strip()}); {OPT_OUT}') from None


def load_checkpoint_file(filename: str, map_location: Any = 'cpu',
                         weights_only: bool = True) -> Any:
    """Load a checkpoint from a path or URL (zoo model names are resolved to URLs above this
    layer, by :func:`mmskel.apis.zoo.resolve_checkpoint`).

    Args:
        filename (str): Local path, http(s)/ftp/file URL (downloaded into the mmskel cache and
            hash-checked, see :func:`mmskel.utils.download.download`), or a path of another
            mmengine file backend.
        map_location: As for :func:`torch.load`.
        weights_only (bool): Load with ``torch.load(weights_only=True)`` and inert stand-ins
            (the default), or unpickle in full (only files you trust).
    """
    path = osp.expanduser(filename)
    if is_url(path):
        path = download(path)
    with get_local_path(path) as local:
        if weights_only:
            return _load_weights_only(local, map_location, filename)
        return torch.load(local, map_location=map_location, weights_only=False)


def state_dict_of(checkpoint: Any, name: str) -> dict:
    """The tensors of a loaded checkpoint (its ``state_dict``, or the checkpoint itself), with
    a DDP ``module.`` prefix removed; refuses anything else with an error naming ``name``."""
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{name}: expected a dict (a state dict or a checkpoint with '
                         f"'state_dict'), got {type(checkpoint).__name__}")
    state_dict = checkpoint.get('state_dict', checkpoint)
    odd = [k for k, v in state_dict.items() if not isinstance(v, torch.Tensor)]
    if odd:
        raise ValueError(f'{name}: the state dict holds non-tensor entries {odd[:3]}; {OPT_OUT}')
    return {k[len('module.'):] if k.startswith('module.') else k: v
            for k, v in state_dict.items()}
