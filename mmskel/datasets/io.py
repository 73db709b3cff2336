"""Annotation pickles: safe loading, validation and atomic dumping.

The format is pyskl's and mmaction2's::

    {'split': {'xsub_train': [frame_dir, ...], ...},
     'annotations': [{'frame_dir': str, 'label': int, 'total_frames': int,
                      'keypoint': float[M, T, V, C],         # C = 2 or 3, float16 accepted
                      'keypoint_score': float[M, T, V],      # optional, 2D poses
                      'img_shape': (h, w), ...}, ...]}

A bare list of annotations (older mmaction2 pickles) is accepted and gets no splits. Extra
top-level keys are kept: ``classes`` (class names) and ``layout`` (the joints' layout: a built-in
name or a custom layout dict, checked against every sample's joint count).
"""
import math
import pickle
import warnings
from numbers import Integral, Real
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils import atomic_open
from mmskel.utils.safe_pickle import UnreadablePickleError, load_pickle

# normalised x, y reach a little past 1 (OpenPose places joints just outside the frame: 1.037 in
# the Kinetics-skeleton samples); no person in pixels fits within 1.5 pixels of the origin
NORMALISED_LIMIT = 1.5
# the largest |coordinate| in real pickles is 1255 (NTU colour-camera pixels); Kinetics pixels
# reach 347, NW-UCLA and NTU metres 5.1, the synthetic set 4.2. Past a million pixels or metres a
# value is garbage (a unit error, uninitialised memory, x1e30) that makes the loss NaN or inf.
KEYPOINT_LIMIT = 1e6


class AnnotationError(ValueError):
    """An annotation pickle is malformed; the message names file, sample and field."""


def _fail(path: str, index: int, sample: Any, field: str, message: str) -> AnnotationError:
    name = sample.get('frame_dir', '?') if isinstance(sample, dict) else '?'
    return AnnotationError(f"{path}: sample {index} (frame_dir={name!r}), field '{field}': "
                           f'{message}')


def looks_normalised(keypoint: np.ndarray, img_shape: Sequence[int]) -> bool:
    """Whether x, y of ``keypoint`` [..., C >= 2] are normalised though pixels are expected.

    They are when some x or y is non-zero and all lie within ``NORMALISED_LIMIT`` (1.5) of 0,
    on a frame larger than 4 pixels: heatmaps drawn from them would be a dot in one corner, and
    pixel-based crops and flips would be wrong (mmaction2 #2445). Absent joints, at 0, do not
    count. The one rule for the annotation check and the heatmap transforms.

    Args:
        keypoint (np.ndarray): [..., C], x and y first.
        img_shape (Sequence[int]): (height, width) of the frame the pixels belong to.
    """
    largest = float(np.abs(keypoint[..., :2]).max()) if keypoint.size else 0.0
    return max(img_shape) > 4 and 0 < largest <= NORMALISED_LIMIT


def _check_pixels(path: str, index: int, sample: dict, keypoint: np.ndarray) -> None:
    """A 2D sample that declares ``img_shape`` holds pixels of that frame."""
    shape = sample['img_shape']
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(v, Real) and not isinstance(v, bool) and v > 0 for v in shape)):
        raise _fail(path, index, sample, 'img_shape',
                    f'expected (height, width), two numbers > 0, got {shape!r}')
    if keypoint.shape[-1] == 2 and looks_normalised(keypoint, shape):
        raise _fail(path, index, sample, 'keypoint',
                    f'every non-zero x, y lies in [-{NORMALISED_LIMIT}, {NORMALISED_LIMIT}] '
                    '(normalised coordinates), but '
                    f'img_shape {tuple(shape)} says they are pixels; expected pixel coordinates '
                    'of that frame (x times its width, y times its height), or no img_shape '
                    'for normalised 2D data')


def _check_array(path, index, sample, field, ndim, channels=None) -> np.ndarray:
    value = sample[field]
    if not isinstance(value, np.ndarray):
        raise _fail(path, index, sample, field,
                    f'expected a numpy array, got {type(value).__name__}')
    if value.ndim != ndim:
        raise _fail(path, index, sample, field,
                    f'expected {ndim} dimensions, got shape {tuple(value.shape)}')
    if not np.issubdtype(value.dtype, np.floating):
        raise _fail(path, index, sample, field, f'expected floats, got dtype {value.dtype}')
    if channels is not None and value.shape[-1] not in channels:
        raise _fail(path, index, sample, field,
                    f'expected last dimension in {channels}, got shape {tuple(value.shape)}')
    return value


def _position(array: np.ndarray, mask: np.ndarray) -> str:
    person, frame, joint = np.argwhere(mask)[0][:3]
    return f'person {person}, frame {frame}, joint {joint}'


def _check_values(path: str, index: int, sample: dict, field: str, array: np.ndarray,
                  limit: Optional[float]) -> None:
    """NaN, inf and (with ``limit``) values beyond +-limit are refused, with the first place.

    One pass for each of min and max (NaN propagates through both); the slower diagnosis runs
    only for a sample that fails.
    """
    # Python floats: a float16 array compared with 1e6 would overflow the bound to inf
    low, high = float(array.min()), float(array.max())
    bound = math.inf if limit is None else limit
    if -bound <= low and high <= bound and math.isfinite(low) and math.isfinite(high):
        return
    finite = np.isfinite(array)
    if not finite.all():
        nan, inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
        raise _fail(path, index, sample, field,
                    f'contains NaN or inf values: {nan} NaN and {inf} inf (first at '
                    f'{_position(array, ~finite)}); expected finite numbers')
    beyond = np.abs(array) > bound
    raise _fail(path, index, sample, field,
                f'absurd magnitude {float(array[beyond][0]):.4g} at {_position(array, beyond)}; '
                f'expected |value| <= {bound:.0e} (real pixels and metres stay far below)')


def validate_sample(sample: Any, index: int = 0, path: str = '<memory>',
                    require_keypoint: bool = True) -> None:
    """Check one annotation; raise :class:`AnnotationError` naming the sample and field.

    Checked: ``frame_dir`` a string; ``label`` an int >= 0; ``keypoint`` a float array
    [M, T, V, C] with M, T, V >= 1, C in {2, 3}, finite and within +-``KEYPOINT_LIMIT``;
    ``total_frames`` equal to T; ``keypoint_score`` finite, of shape [M, T, V]; ``img_shape``
    (with it, 2D keypoints in pixels). Label ranges and duplicate ids need every sample: see
    :func:`validate_annotations`.
    """
    if not isinstance(sample, dict):
        raise _fail(path, index, sample, '<sample>',
                    f'expected a dict, got {type(sample).__name__}')
    for field in ('frame_dir', 'label'):
        if field not in sample:
            raise _fail(path, index, sample, field, 'missing')
    if not isinstance(sample['frame_dir'], str):
        raise _fail(path, index, sample, 'frame_dir', 'expected a string')
    label = sample['label']
    if not isinstance(label, Integral) or isinstance(label, bool) or label < 0:
        raise _fail(path, index, sample, 'label', f'expected an int >= 0, got {label!r}')
    if 'keypoint' not in sample:
        if require_keypoint:
            raise _fail(path, index, sample, 'keypoint', 'missing')
        return
    keypoint = _check_array(path, index, sample, 'keypoint', 4, channels=(2, 3))
    num_persons, num_frames, num_joints = keypoint.shape[:3]
    if keypoint.size == 0:
        # an empty sample would train as all-zero input after padding
        empty = [name for name, size in zip(('persons (M)', 'frames (T)', 'joints (V)'),
                                            keypoint.shape) if size == 0]
        raise _fail(path, index, sample, 'keypoint',
                    f'no {" and no ".join(empty)}: shape {tuple(keypoint.shape)}; expected at '
                    'least one person, frame and joint')
    total = sample.get('total_frames', num_frames)
    if not isinstance(total, Integral) or total != num_frames:
        raise _fail(path, index, sample, 'total_frames',
                    f'expected {num_frames} (keypoint has shape {tuple(keypoint.shape)}), '
                    f'got {total!r}')
    if 'keypoint_score' in sample:
        score = _check_array(path, index, sample, 'keypoint_score', 3)
        if score.shape != (num_persons, num_frames, num_joints):
            raise _fail(path, index, sample, 'keypoint_score',
                        f'expected shape {(num_persons, num_frames, num_joints)} to match '
                        f'keypoint, got {tuple(score.shape)}')
        _check_values(path, index, sample, 'keypoint_score', score, None)
    _check_values(path, index, sample, 'keypoint', keypoint, KEYPOINT_LIMIT)
    if 'img_shape' in sample:
        _check_pixels(path, index, sample, keypoint)


def check_labels(samples: Iterable[Tuple[int, dict]], num_classes: int, path: str,
                 source: str) -> None:
    """Refuse the first sample whose label is not below ``num_classes``.

    Args:
        samples (Iterable[tuple[int, dict]]): (index in the file, sample) pairs.
        num_classes (int): The number of classes; labels must lie in ``[0, num_classes)``.
        path (str): The file, for the message.
        source (str): Where ``num_classes`` comes from, for the message.
    """
    pairs = list(samples)
    labels = np.fromiter((sample['label'] for _, sample in pairs), dtype=np.int64,
                         count=len(pairs))
    outside = np.flatnonzero(labels >= num_classes)
    if outside.size:
        index, sample = pairs[outside[0]]
        raise _fail(path, index, sample, 'label',
                    f'expected a class index in [0, {num_classes}) ({source}), got '
                    f'{sample["label"]} ({outside.size} samples are outside)')


def _file_classes(data: dict, path: str) -> Optional[int]:
    """The number of classes the file's optional ``classes`` list names."""
    if 'classes' not in data or data['classes'] is None:
        return None
    classes = data['classes']
    if not isinstance(classes, (list, tuple)):
        raise AnnotationError(f"{path}: 'classes' must be a list of class names, got "
                              f'{type(classes).__name__}')
    return len(classes)


def _check_unique_ids(annotations: List[dict], path: str) -> None:
    """A ``frame_dir`` twice with two labels is refused; twice with one label, warned about.

    Splits select samples by ``frame_dir``, so copies cannot be told apart: with two labels the
    truth is unknown; with one, each copy is kept and counts as a sample of its own in training
    and evaluation (oversampling by copying is allowed, but said).
    """
    first: Dict[str, int] = {}
    repeated = []
    for index, sample in enumerate(annotations):
        seen = first.setdefault(sample['frame_dir'], index)
        if seen == index:
            continue
        if annotations[seen]['label'] != sample['label']:
            raise _fail(path, index, sample, 'frame_dir',
                        f'also the id of sample {seen}, which has label '
                        f'{annotations[seen]["label"]} where this one has {sample["label"]}; '
                        'expected unique ids (a split selects samples by frame_dir)')
        repeated.append(sample['frame_dir'])
    if repeated:
        warnings.warn(f'{path}: {len(repeated)} samples repeat the frame_dir of an earlier '
                      f'sample with the same label (e.g. {repeated[:3]}); each copy is kept and '
                      'counts as its own sample in training and evaluation', stacklevel=3)


def validate_annotations(data: Any, path: str = '<memory>',
                         require_keypoint: bool = True) -> Dict[str, Any]:
    """Validate a loaded annotation object and return it in ``{split, annotations}`` form."""
    if isinstance(data, list):
        data = dict(split={}, annotations=data)
    if not isinstance(data, dict) or 'annotations' not in data:
        raise AnnotationError(f"{path}: expected a dict with keys 'split' and 'annotations' "
                              f'(or a list of annotations), got {type(data).__name__}'
                              + (f' with keys {sorted(data)}' if isinstance(data, dict) else ''))
    annotations = data['annotations']
    if not isinstance(annotations, list):
        raise AnnotationError(f"{path}: 'annotations' must be a list, got "
                              f'{type(annotations).__name__}')
    for index, sample in enumerate(annotations):
        validate_sample(sample, index, path, require_keypoint)
    num_classes = _file_classes(data, path)
    if num_classes is not None:
        check_labels(enumerate(annotations), num_classes, path,
                     f"the file's 'classes' names {num_classes}")
    _check_unique_ids(annotations, path)
    if data.get('layout') is not None:
        check_layout(data, path)
    split = data.get('split', {}) or {}
    if not isinstance(split, dict):
        raise AnnotationError(f"{path}: 'split' must be a dict of name -> ids")
    known = {sample['frame_dir'] for sample in annotations}
    for name, ids in split.items():
        missing = [i for i in ids if i not in known]
        if missing:
            raise AnnotationError(f"{path}: split '{name}' names {len(missing)} ids with no "
                                  f'annotation, e.g. {missing[:3]}')
    return dict(data, split=split)


def annotation_layout(data: Dict[str, Any], path: str = '<memory>') -> Optional[Layout]:
    """The layout an annotation object carries (top-level ``layout``), or None."""
    if not isinstance(data, dict) or data.get('layout') is None:
        return None
    try:
        return get_layout(data['layout'])
    except (KeyError, ValueError, TypeError) as e:
        raise AnnotationError(f"{path}: top-level 'layout': expected a built-in layout name or "
                              f'a layout dict ("parents", "center", ...): '
                              f'{e.args[0] if e.args else e}') from e


def check_layout(data: Dict[str, Any], path: str = '<memory>') -> None:
    """A pickle's top-level ``layout`` is a valid layout and every sample has its joints."""
    layout = annotation_layout(data, path)
    for index, sample in enumerate(data['annotations']):
        keypoint = sample.get('keypoint')
        if keypoint is not None and keypoint.shape[2] != layout.num_joints:
            raise _fail(path, index, sample, 'keypoint',
                        f'{keypoint.shape[2]} joints (shape {tuple(keypoint.shape)}), but the '
                        f"file's layout {layout.name!r} has {layout.num_joints}")


def load_annotations(path: str, trusted: bool = False,
                     require_keypoint: bool = True) -> Dict[str, Any]:
    """Load and validate an annotation pickle.

    Args:
        path (str): The ``.pkl`` file.
        trusted (bool): Use the plain unpickler (only for files you trust). Defaults to False.
        require_keypoint (bool): Every sample must carry ``keypoint``. Defaults to True.

    Returns:
        dict: ``{'split': {name: [ids]}, 'annotations': [...]}``.
    """
    try:
        data = load_pickle(path, trusted)
    except UnreadablePickleError as error:
        raise AnnotationError(str(error)) from error
    return validate_annotations(data, path, require_keypoint)


def dump_annotations(annotations: List[dict], path: str,
                     split: Optional[Dict[str, List[str]]] = None, **extra: Any) -> None:
    """Validate and atomically write an annotation pickle.

    Args:
        annotations (list[dict]): Samples in the annotation format.
        path (str): Output ``.pkl`` path.
        split (dict, optional): Split name -> list of ``frame_dir`` ids.
        **extra: Further top-level keys (e.g. ``classes``).
    """
    data = dict(split=split or {}, annotations=annotations, **extra)
    validate_annotations(data, path)
    with atomic_open(path, 'wb') as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
