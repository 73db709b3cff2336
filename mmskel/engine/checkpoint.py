"""Checkpoint loading that is safe by default and works under torch's ``weights_only`` default.

torch >= 2.6 loads with ``weights_only=True``, which refuses the ``HistoryBuffer`` objects and
numpy arrays that mmengine stores in its training checkpoints (mmengine issue #1655). mmskel
loads every checkpoint with ``weights_only=True`` and gives each such object an inert stand-in
(:class:`Skipped`): the weights and plain metadata load, the training state is left out, and
nothing in the file is run. A file that needs more (a call of a function, say) is refused.
``weights_only=False`` (full unpickling) is for files you trust: the Runner's own checkpoints
when it auto-resumes from its work dir, or an explicit opt-in.

Resuming from a given path or URL needs the training state as well, so
:func:`load_training_checkpoint` allow-lists exactly what mmengine's message hub, optimizer and
scheduler state hold (``HistoryBuffer``, numpy arrays, scalars and dtypes, and the look-up of a
``HistoryBuffer`` statistic method by name) and refuses everything else.
"""
import glob
import os
import os.path as osp
import pickle
import time
import zipfile
from typing import Any, Optional

import numpy as np
import torch
from mmengine.fileio import get_local_path
from mmengine.logging import HistoryBuffer

from mmskel.utils import atomic_open
from mmskel.utils.download import download, file_sha256, is_url

OPT_OUT = ('load it with weights_only=False (--trust-checkpoint for tools/train.py and '
           'tools/test.py, --cfg-options safe_checkpoint_load=False in other runs, --unsafe-load '
           'for the demo) only if you trust it')


class CorruptCheckpointError(ValueError):
    """A file that is no (complete) checkpoint; the message names the file and what is wrong."""


def checkpoint_problem(path: str) -> Optional[str]:
    """What makes ``path`` no complete torch checkpoint, or None when it looks complete.

    A torch zip checkpoint is complete when its zip end record is there (the writer finished)
    and it holds a ``data.pkl``; a legacy (non-zip) torch file is a pickle and is only checked
    for its first byte.
    """
    size = osp.getsize(path)
    if size == 0:
        return 'not a checkpoint: the file is empty'
    with open(path, 'rb') as f:
        head = f.read(4)
    if head == b'PK\x03\x04':
        if not zipfile.is_zipfile(path):
            return (f'truncated at {size} bytes: a torch zip checkpoint without its end record '
                    '(the write was cut short)')
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError) as error:
            return f'not a checkpoint: a damaged zip file ({error})'
        if not any(name.endswith('/data.pkl') or name == 'data.pkl' for name in names):
            return 'not a checkpoint: a zip file without the data.pkl of a torch checkpoint'
        return None
    if head[:1] == b'\x80':  # a pickle: torch's legacy (non-zip) format
        return None
    return f'not a checkpoint: neither a torch zip file nor a pickle (it starts with {head!r})'


def check_checkpoint_file(path: str, name: str) -> None:
    """Raise :class:`CorruptCheckpointError` naming ``name`` when ``path`` is no complete
    checkpoint (see :func:`checkpoint_problem`)."""
    problem = checkpoint_problem(path)
    if problem:
        raise CorruptCheckpointError(f'{name}: {problem}')


HISTORY_BUFFER_METHODS = ('min', 'max', 'current', 'mean')  # HistoryBuffer's defaults


def _history_buffer_method(owner: Any, name: str) -> Any:
    """``getattr`` as a pickled ``HistoryBuffer`` uses it (for its statistic methods), and only
    that: any other owner or name is refused."""
    if owner is HistoryBuffer and name in HISTORY_BUFFER_METHODS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(f'refusing getattr({getattr(owner, "__name__", owner)!r}, '
                                 f'{name!r}): only HistoryBuffer statistic methods are allowed')


# numpy is named numpy._core since numpy 2, numpy.core before
TRAINING_STATE_GLOBALS = [HistoryBuffer, np.ndarray, np.dtype,
                          (_history_buffer_method, 'builtins.getattr')] + [
    type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG'] + [
    (function, f'{module}.multiarray.{function.__name__}')
    for module in ('numpy.core', 'numpy._core')
    for function in (np._core.multiarray._reconstruct, np._core.multiarray.scalar)]


class Skipped:
    """Stands in for every non-tensor object of a checkpoint under ``weights_only`` loading
    (mmengine's ``HistoryBuffer``, numpy arrays of the message hub): it accepts any arguments
    and state and runs nothing, so such checkpoints load safely with those parts left out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


def _refused(error: pickle.UnpicklingError, name: str) -> pickle.UnpicklingError:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = next((line for line in lines if 'GLOBAL' in line or line.startswith('Trying to')),
                  None)
    if reason is None:  # torch names the refused object on the line after this one
        after = [i + 1 for i, line in enumerate(lines) if line.endswith('WeightsUnpickler error:')]
        reason = lines[after[0]] if after and after[0] < len(lines) else 'unsafe content'
    return pickle.UnpicklingError(
        f'{name}: refused by weights_only loading ({reason}); {OPT_OUT}')


def _load_weights_only(path: str, map_location: Any, name: str) -> Any:
    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except (RuntimeError, ValueError):  # legacy (non-zip) format: torch's own check only
        unsafe = []
    try:
        with torch.serialization.safe_globals([(Skipped, global_) for global_ in unsafe]):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise _refused(error, name) from None


def _load_training_state(path: str, map_location: Any, name: str) -> Any:
    try:
        with torch.serialization.safe_globals(TRAINING_STATE_GLOBALS):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise _refused(error, name) from None


def load_checkpoint_file(filename: str, map_location: Any = 'cpu',
                         weights_only: bool = True, training_state: bool = False) -> Any:
    """Load a checkpoint from a path or URL (zoo model names are resolved to URLs above this
    layer, by :func:`mmskel.apis.zoo.resolve_checkpoint`).

    Args:
        filename (str): Local path, http(s)/ftp/file URL (downloaded into the mmskel cache and
            hash-checked, see :func:`mmskel.utils.download.download`), or a path of another
            mmengine file backend.
        map_location: As for :func:`torch.load`.
        weights_only (bool): Load with ``torch.load(weights_only=True)`` and inert stand-ins
            (the default), or unpickle in full (only files you trust).
        training_state (bool): With ``weights_only``, also load the training state that
            resuming needs (see :data:`TRAINING_STATE_GLOBALS`) instead of inert stand-ins.

    Raises:
        CorruptCheckpointError: the file is empty, truncated or no checkpoint at all.
        pickle.UnpicklingError: safe loading refused the file's content.
    """
    path = osp.expanduser(filename)
    if is_url(path):
        path = download(path)
    with get_local_path(path) as local:
        check_checkpoint_file(local, filename)
        try:
            if not weights_only:
                return torch.load(local, map_location=map_location, weights_only=False)
            if training_state:
                return _load_training_state(local, map_location, filename)
            return _load_weights_only(local, map_location, filename)
        except (EOFError, RuntimeError) as error:
            if isinstance(error, RuntimeError) and 'zip' not in str(error).lower():
                raise
            raise CorruptCheckpointError(f'{filename}: not a readable checkpoint '
                                         f'({type(error).__name__}: {error})') from None


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


# meta keys of an mmengine training checkpoint that hold plain values only; not the run's
# time-stamped experiment_name, so that a rerun that learns the same weights publishes the same
# bytes, under the same hash
PUBLISHED_META = ('epoch', 'iter', 'seed', 'mmengine_version', 'dataset_meta')


def publish_checkpoint(in_file: str, out_file: str) -> str:
    """Write a training checkpoint's weights and plain metadata, named the OpenMMLab way.

    The optimizer, schedulers and message hub are dropped (their pickled objects are refused
    by ``torch.load(weights_only=True)``). ``<stem>.pth`` is renamed
    ``<stem>_YYYYMMDD-<first 8 hex of its sha256>.pth``, the name downloads are verified
    against.

    Args:
        in_file (str): A training checkpoint, read with the safe loader.
        out_file (str): ``<stem>.pth``; the date and hash are appended.

    Returns:
        str: The path of the published file.
    """
    checkpoint = load_checkpoint_file(in_file)
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise ValueError(f'{in_file}: expected an mmengine checkpoint (a dict with '
                         f'"state_dict"), got {type(checkpoint).__name__}'
                         + (f' with keys {sorted(checkpoint)}' if isinstance(checkpoint, dict)
                            else ''))
    meta = checkpoint.get('meta') or {}
    stripped = dict(state_dict=state_dict_of(checkpoint, in_file),
                    meta={key: meta[key] for key in PUBLISHED_META if key in meta})
    stem = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    with atomic_open(stem + '.pth') as f:
        torch.save(stripped, f)
    final = f'{stem}_{time.strftime("%Y%m%d")}-{file_sha256(stem + ".pth")[:8]}.pth'
    os.replace(stem + '.pth', final)
    return final


def published_checkpoint(stem: str) -> Optional[str]:
    """The newest file that :func:`publish_checkpoint` wrote for ``<stem>.pth``, if any."""
    found = sorted(glob.glob(glob.escape(stem) + '_[0-9]*-[0-9a-f]*.pth'), key=osp.getmtime)
    return found[-1] if found else None
