"""Convert NW-UCLA skeletons (CTR-GCN's ``all_sqe`` json form) to an annotation pickle.

Each input file ``aAA_sSS_eEE_vVV.json`` (action, subject, repetition, view) holds
``{"file_name": str, "skeletons": [T][20][3], "label": int}`` with a 1-based label over the
10 classes. The standard cross-view protocol trains on views 1 and 2 and validates on view 3.

``pixels=True`` writes 2D data instead, for PoseC3D and 2D GCNs: the joints (Kinect v1 camera
space, metres) projected by :func:`~.projection.project_pinhole` into a 1920x1080 frame with a
focal length of 1000 px. The json holds no camera calibration, so this is a synthetic view from
the depth camera's position, not the pixels of the RGB videos.
"""
import json
import os.path as osp
import re
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

from mmskel.datasets.io import dump_annotations
from mmskel.structures.layouts import get_layout
from .parallel import map_files
from .projection import IMG_SHAPE, project_pinhole
from .report import head_lines, tail_lines, write_log

NWUCLA_CLASSES = ('pick up with one hand', 'pick up with two hands', 'drop trash', 'walk around',
                  'sit down', 'stand up', 'donning', 'doffing', 'throw', 'carry')
NAME_PATTERN = re.compile(r'a(\d{2})_s(\d{2})_e(\d{2})_v(\d{2})')
SPLIT_VIEWS = {'train': (1, 2), 'val': (3, )}
NUM_JOINTS = get_layout('nw-ucla').num_joints


class SkipSample(Exception):
    """A file that cannot become a sample; ``reason`` is the short key it is counted under."""

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason


def load_nwucla_json(path: Union[str, Path], num_joints: int = NUM_JOINTS,
                     pixels: bool = False) -> Tuple[dict, int]:
    """Read one NW-UCLA json into a sample.

    Args:
        path (str | Path): ``aAA_sSS_eEE_vVV.json``.
        num_joints (int): Joints expected per frame. Defaults to 20.
        pixels (bool): Project to 2D pixels (see the module docstring). Defaults to False.

    Returns:
        tuple[dict, int]: The sample (``keypoint`` float32 [1, T, V, 3], 0-based ``label``;
        with ``pixels``, ``keypoint`` float32 [1, T, V, 2] in pixels, ``keypoint_score``
        [1, T, V] 1 where the joint has a depth z > 0, else 0 with the joint at (0, 0), and
        ``img_shape`` = ``original_shape`` = (1080, 1920)) and its camera view.

    Raises:
        SkipSample: The file is not a usable sample; ``reason`` says why.
    """
    path = Path(path)
    match = NAME_PATTERN.fullmatch(path.stem)
    if match is None:
        raise SkipSample('bad file name', 'expected aAA_sSS_eEE_vVV.json')
    view = int(match.group(4))
    if not any(view in views for views in SPLIT_VIEWS.values()):
        raise SkipSample('unknown view', f'view {view} is in no split')
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SkipSample('unreadable json', str(e)) from e
    if not isinstance(content, dict) or 'skeletons' not in content:
        raise SkipSample('missing skeletons')
    label = content.get('label')
    if (not isinstance(label, int) or isinstance(label, bool)
            or not 1 <= label <= len(NWUCLA_CLASSES)):
        raise SkipSample('bad label', f'expected an int in 1..{len(NWUCLA_CLASSES)}, '
                         f'got {label!r}')
    frames = content['skeletons']
    if not isinstance(frames, list) or not frames:
        raise SkipSample('empty sequence')
    if any(not isinstance(frame, list) or len(frame) != num_joints for frame in frames):
        counts = sorted({len(f) if isinstance(f, list) else -1 for f in frames})
        raise SkipSample('wrong joint count', f'expected {num_joints}, got {counts}')
    try:
        keypoint = np.asarray(frames, dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise SkipSample('bad shape', str(e)) from e
    if keypoint.shape[1:] != (num_joints, 3):
        raise SkipSample('bad shape', f'expected [T, {num_joints}, 3], got {keypoint.shape}')
    if not np.isfinite(keypoint).all():
        raise SkipSample('non-finite values')
    sample = dict(frame_dir=path.stem, label=label - 1, total_frames=len(keypoint),
                  keypoint=keypoint[None])
    if pixels:
        sample.update(keypoint=project_pinhole(keypoint[None]),
                      keypoint_score=(keypoint[None, ..., 2] > 0).astype(np.float32),
                      img_shape=IMG_SHAPE, original_shape=IMG_SHAPE)
    return sample, view


def _load_or_skip(job: Tuple[str, bool]) -> Tuple[str, Optional[dict], int, str]:
    """Worker: (file name, sample or None, view, skip reason or '')."""
    path, pixels = job
    try:
        sample, view = load_nwucla_json(path, pixels=pixels)
        return osp.basename(path), sample, view, ''
    except SkipSample as e:
        return osp.basename(path), None, 0, e.reason


def convert_nwucla(root: Union[str, Path], out: Union[str, Path], workers: int = 1,
                   progress: bool = True, pixels: bool = False) -> Dict:
    """Convert a folder of NW-UCLA json files into one annotation pickle.

    Bad files (unreadable json, no ``skeletons``, wrong joint count, empty sequence, a name not
    matching ``aAA_sSS_eEE_vVV``) are skipped and counted, so one broken file costs one sample,
    not the whole conversion. The summary is also written to ``<out>.log.json``.

    Args:
        root (str | Path): Folder of ``*.json`` files.
        out (str | Path): Output ``.pkl`` path.
        workers (int): Processes reading files. Defaults to 1.
        progress (bool): Show a tqdm progress bar. Defaults to True.
        pixels (bool): Write 2D pixels of a pinhole projection (see the module docstring)
            instead of 3D metres. Defaults to False.

    Returns:
        dict: ``num_files``, ``num_samples``, ``split_sizes``, ``class_counts``,
        ``num_skipped`` (reason -> count), ``skipped`` (reason -> file names), ``pixels``,
        ``seconds``.

    Example:
        >>> summary = convert_nwucla('../shared/data/NW-UCLA/all_sqe', 'data/nwucla/a.pkl')
        >>> summary['split_sizes']
        {'train': 1020, 'val': 464}
    """
    start = time.perf_counter()
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f'NW-UCLA folder {root} does not exist; expected a folder of '
                                'aAA_sSS_eEE_vVV.json files (all_sqe)')
    paths = sorted(str(p) for p in root.glob('*.json'))
    if not paths:
        raise FileNotFoundError(f'no *.json files in {root}')
    results = map_files(_load_or_skip, [(path, pixels) for path in paths], workers, 'NW-UCLA',
                        progress, chunksize=32)

    annotations: List[dict] = []
    split: Dict[str, List[str]] = {name: [] for name in SPLIT_VIEWS}
    skipped: Dict[str, List[str]] = {}
    for file_name, sample, view, reason in results:
        if sample is None:
            skipped.setdefault(reason, []).append(file_name)
            continue
        annotations.append(sample)
        split[next(n for n, views in SPLIT_VIEWS.items() if view in views)].append(
            sample['frame_dir'])
    dump_annotations(annotations, str(out), split=split, classes=list(NWUCLA_CLASSES),
                     layout='nw-ucla')
    counts = Counter(sample['label'] for sample in annotations)
    summary = dict(
        root=str(root), out=str(out), num_files=len(paths), num_samples=len(annotations),
        split_sizes={name: len(ids) for name, ids in split.items()},
        class_counts={NWUCLA_CLASSES[k]: counts[k] for k in range(len(NWUCLA_CLASSES))},
        num_skipped={reason: len(names) for reason, names in skipped.items()},
        skipped=skipped, pixels=pixels, seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_nwucla` summary for the terminal."""
    classes = 'classes: ' + ', '.join(f'{k} {v}' for k, v in summary['class_counts'].items())
    return '\n'.join(head_lines(summary) + [classes] + tail_lines(summary))
