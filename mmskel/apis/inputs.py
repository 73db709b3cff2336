"""Turn what a user has (an array, a sample dict, a file) into one annotation-format sample.

Accepted inputs (see :func:`read_skeleton_input`):

* an array ``[T, V, C]`` (one person) or ``[M, T, V, C]``, C = 2 or 3, with an optional separate
  ``keypoint_score`` ``[T, V]`` / ``[M, T, V]``;
* a dict in annotation format (``keypoint``, optionally ``keypoint_score``, ``frame_dir``,
  ``img_shape``, ``label``, ``layout``);
* a file: ``.npy`` (the keypoint array), ``.npz`` (``keypoint``, optionally ``keypoint_score``
  and ``img_shape``), ``.json`` (``{"keypoint": ..., "keypoint_score": ...}`` or a bare nested
  list), ``.pkl`` (one sample dict, or an annotation file with ``sample`` naming its id or
  index; the file's ``layout`` comes with the sample), or text (``.txt``, ``.csv``: one person,
  one frame or one joint a line, read by the custom converter's reader with a
  :class:`~mmskel.datasets.converters.readers.TextFormat`; the joint count comes from the
  layout).
"""
import os.path as osp
from numbers import Integral
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np

from mmskel.datasets.converters.readers import (TEXT_EXTENSIONS, SkipSample, TextFormat,
                                                read_keypoints)
from mmskel.utils.fileio import load_json
from mmskel.utils.safe_pickle import load_pickle

SUFFIXES = ('.npy', '.npz', '.json', '.pkl') + TEXT_EXTENSIONS
Sample = Union[np.ndarray, dict, str, Path]


def _as_array(value: Any, where: str, field: str) -> np.ndarray:
    if hasattr(value, 'detach'):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise ValueError(f'{where}: {field} is not a numeric array ({e})') from e
    return array


def to_sample(keypoint: Any, keypoint_score: Any = None, where: str = '<array>',
              **extra: Any) -> dict:
    """Build a sample dict with ``keypoint`` [M, T, V, C] (float32) and, if given, a matching
    ``keypoint_score`` [M, T, V].

    Raises:
        ValueError: The shapes are not ``[T, V, C]`` / ``[M, T, V, C]`` with C in (2, 3), the
            score does not match, or values are not finite. The message starts with ``where``.
    """
    keypoint = _as_array(keypoint, where, 'keypoint')
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
    if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3):
        raise ValueError(f'{where}: keypoint must be [T, V, C] or [M, T, V, C] with C = 2 or 3, '
                         f'got shape {tuple(keypoint.shape)}')
    if 0 in keypoint.shape:
        raise ValueError(f'{where}: keypoint is empty (shape {tuple(keypoint.shape)})')
    if not np.isfinite(keypoint).all():
        raise ValueError(f'{where}: keypoint contains NaN or inf values')
    sample = dict(extra, keypoint=keypoint, total_frames=keypoint.shape[1])
    if keypoint_score is not None:
        score = _as_array(keypoint_score, where, 'keypoint_score')
        if score.ndim == 2:
            score = score[None]
        if score.shape != keypoint.shape[:3]:
            raise ValueError(f'{where}: keypoint_score must have shape {keypoint.shape[:3]} '
                             f'(or {keypoint.shape[1:3]}) to match keypoint '
                             f'{tuple(keypoint.shape)}, got {tuple(score.shape)}')
        sample['keypoint_score'] = score
    sample.setdefault('frame_dir', where)
    return sample


def _from_dict(data: dict, where: str) -> dict:
    if 'keypoint' not in data:
        raise ValueError(f"{where}: a sample dict needs a 'keypoint' array, got keys "
                         f'{sorted(map(str, data))}')
    extra = {k: v for k, v in data.items()
             if k not in ('keypoint', 'keypoint_score', 'total_frames')}
    return to_sample(data['keypoint'], data.get('keypoint_score'),
                     where=str(data.get('frame_dir', where)), **extra)


def _pick(annotations: list, sample: Optional[Union[str, int]], path: str) -> dict:
    """One sample of an annotation file, by ``frame_dir`` or by position."""
    ids = [a.get('frame_dir') if isinstance(a, dict) else None for a in annotations]
    if sample is None:
        if len(annotations) == 1:
            return annotations[0]
        raise ValueError(f'{path} holds {len(annotations)} samples: name one with '
                         f'sample=<frame_dir or index> (--sample), e.g. {ids[:3]}')
    if isinstance(sample, str) and sample in ids:
        return annotations[ids.index(sample)]
    if isinstance(sample, Integral) or (isinstance(sample, str) and sample.lstrip('-').isdigit()):
        index = int(sample)
        if not -len(annotations) <= index < len(annotations):
            raise ValueError(f'{path}: sample index {index} is out of range (the file holds '
                             f'{len(annotations)} samples)')
        return annotations[index]
    raise ValueError(f'{path}: no sample with frame_dir {sample!r} (ids look like {ids[:3]})')


def read_text_input(path: str, num_joints: Optional[int], text: Optional[TextFormat] = None,
                    layout_name: Optional[str] = None) -> dict:
    """Read a ``.txt``/``.csv`` skeleton file as the custom converter does.

    Args:
        path (str): The text file (one person).
        num_joints (int): V, the joints a frame has (the layout's).
        text (TextFormat, optional): How its lines are laid out; defaults to one frame a line of
            x, y[, z] values.
        layout_name (str, optional): The layout asking for ``num_joints``, for messages.

    Raises:
        ValueError: No joint count was given, or the file cannot be read; the message names
            the file, the cause and, where there is one, the line.
    """
    if num_joints is None:
        raise ValueError(f'{path}: a text file needs the number of joints per frame: give the '
                         'layout (or read it through a model, whose config states it)')
    try:
        keypoint, score, _ = read_keypoints(path, num_joints, text or TextFormat(), layout_name)
    except SkipSample as e:
        raise ValueError(f'{path}: {e}') from e
    return to_sample(keypoint, score, where=path, frame_dir=Path(path).stem)


def read_skeleton_input(source: Sample, keypoint_score: Any = None,
                        sample: Optional[Union[str, int]] = None,
                        trusted: bool = False, text: Optional[TextFormat] = None,
                        num_joints: Optional[int] = None,
                        layout_name: Optional[str] = None) -> dict:
    """Read any accepted input (see the module docstring) into a sample dict.

    Args:
        source (np.ndarray | Tensor | dict | str | Path): The skeletons.
        keypoint_score (array, optional): Scores for a raw array input.
        sample (str | int, optional): ``frame_dir`` or index of the sample in an annotation
            ``.pkl`` that holds several.
        trusted (bool): Load a ``.pkl`` with the plain unpickler. Defaults to False.
        text (TextFormat, optional): How the lines of a ``.txt``/``.csv`` file are laid out
            (``--text-rows``/``--text-columns`` of the converter); defaults to one frame a line.
        num_joints (int, optional): Joints per frame of a text file (the layout's); needed for
            text only.
        layout_name (str, optional): The layout that gives ``num_joints``, for messages.

    Returns:
        dict: ``keypoint`` float32 [M, T, V, C], ``total_frames``, ``frame_dir`` and, when
        present, ``keypoint_score`` [M, T, V], ``img_shape``, ``label``.
    """
    if isinstance(source, dict):
        return _from_dict(source, '<dict>')
    if not isinstance(source, (str, Path)):
        return to_sample(source, keypoint_score)
    path = str(source)
    suffix = osp.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        raise ValueError(f'{path}: unsupported input file type {suffix!r}; use one of {SUFFIXES}')
    if not osp.isfile(path):
        raise FileNotFoundError(f'input file not found: {path}')
    stem = Path(path).stem
    if suffix in TEXT_EXTENSIONS:
        return read_text_input(path, num_joints, text, layout_name)
    if suffix == '.npy':
        return to_sample(np.load(path, allow_pickle=False), keypoint_score, where=path,
                         frame_dir=stem)
    if suffix == '.npz':
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        if 'keypoint' not in arrays:
            if len(arrays) != 1:
                raise ValueError(f"{path}: expected an array named 'keypoint', got "
                                 f'{sorted(arrays)}')
            arrays = dict(keypoint=next(iter(arrays.values())))
        extra = {'img_shape': tuple(int(s) for s in arrays['img_shape'])} \
            if 'img_shape' in arrays else {}
        return to_sample(arrays['keypoint'], arrays.get('keypoint_score', keypoint_score),
                         where=path, frame_dir=stem, **extra)
    if suffix == '.json':
        content = load_json(path, (list, dict), "a list or a dict with 'keypoint'",
                            unreadable='not readable json')
        if isinstance(content, list):
            return to_sample(content, keypoint_score, where=path, frame_dir=stem)
        return _from_dict(dict(content, frame_dir=content.get('frame_dir', stem)), path)
    data = load_pickle(path, trusted=trusted)
    if isinstance(data, dict) and 'keypoint' in data:
        return _from_dict(dict(data, frame_dir=data.get('frame_dir', stem)), path)
    # an annotation file's layout travels with its sample (the model checks it)
    layout = data.get('layout') if isinstance(data, dict) else None
    if isinstance(data, dict) and 'annotations' in data:
        data = data['annotations']
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a sample dict with 'keypoint' or an annotation file, "
                         f'got {type(data).__name__}')
    chosen = _pick(data, sample, path)
    if not isinstance(chosen, dict):
        raise ValueError(f'{path}: sample {sample!r} is a {type(chosen).__name__}, not a dict')
    if layout is not None:
        chosen = dict(chosen, layout=layout)
    return _from_dict(chosen, f'{path}:{chosen.get("frame_dir", sample)}')
