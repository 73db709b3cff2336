"""Convert NTU RGB+D 60/120 raw ``.skeleton`` files to an annotation pickle.

The default denoising is the one CTR-GCN and SGN apply (``get_raw_denoised_data.py``), written
anew here. When a file tracks more than one body:

1. drop bodies tracked in 11 frames or fewer (``'length'``);
2. while more than one body is left, drop a body whose frames are too wide for a person
   (x-extent over 0.8 of the y-extent) in 69.754% of its frames or more (``'spread'``);
3. rank the rest by motion, the summed variance of x, y and z over all the body's joints and
   frames (recomputed without the too-wide frames if that lowers it);
4. the top body opens actor track 1; each next body joins track 1 if its frame span does not
   overlap that track's span, else track 2 on the same rule, else it is dropped
   (``'overlap'``);
5. drop frames where every actor is zero.

Two differences from the upstream scripts, both for bodies that come and go: a body's frames
are its real frame indices (upstream numbers them consecutively from its first frame), and two
spans that share one frame overlap (upstream lets the later body overwrite that frame).

``denoise=False`` is 2s-AGCN's ``ntu_gendata.py`` selection instead: the first four bodies
listed in each frame fill four slots, and the two slots with the largest energy (sum over x, y,
z of the standard deviation over non-zero frames) are kept, as [2, T, 25, 3] over all frames.

``coords='color'`` selects the same bodies and frames (both rules look at ``x y z``) but writes
the joints' ``colorX colorY`` pixels in the 1920x1080 colour frame, with ``img_shape``, as the
2D pickles that PoseC3D reads; ``keypoint_score`` is the Kinect tracking state as
``TRACKING_SCORE`` maps it.
"""
import os.path as osp
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from mmskel.datasets.converters.ntu_parse import (COLOR_SHAPE, NUM_JOINTS, Body, SkeletonSequence,
                                                  SkipSample, parse_name, read_skeleton)
from mmskel.datasets.io import dump_annotations
from .ntu_normalize import align_sequence, center_sequence
from .parallel import map_files
from .report import head_lines, tail_lines, write_log

META = Path(__file__).resolve().parents[1] / 'meta'
NOISE_LENGTH = 11
NOISE_SPREAD_WIDTH = 0.8
NOISE_SPREAD_RATIO = 0.69754
MAX_BODY_SLOTS = 4  # 2s-AGCN's max_body_kinect
# keypoint_score of a joint by its trackingState: an inferred joint (occluded, placed by the
# Kinect's body model) is drawn at half strength, a joint not tracked not at all
TRACKING_SCORE = {2: 1.0, 1: 0.5, 0: 0.0}
COORDS = ('xyz', 'color')
XSUB_TRAIN_60 = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38)
XSUB_TRAIN_120 = XSUB_TRAIN_60 + (45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74,
                                  78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97,
                                  98, 100, 103)
DATASETS = {
    'ntu60': dict(max_setup=17, num_classes=60, label_map='label_map_ntu60.txt',
                  missing='NTU_RGBD_samples_with_missing_skeletons.txt'),
    'ntu120': dict(max_setup=32, num_classes=120, label_map='label_map_ntu120.txt',
                   missing='NTU_RGBD120_samples_with_missing_skeletons.txt'),
}


def read_meta(name: str) -> List[str]:
    """Non-blank lines of a packaged list in ``mmskel/datasets/meta``."""
    with open(META / name, encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip()]


def split_names(dataset: str, meta: Dict[str, int]) -> List[str]:
    """The splits a sample belongs to under the standard protocols.

    Args:
        dataset (str): ``'ntu60'`` (cross-subject, cross-view) or ``'ntu120'`` (cross-subject,
            cross-setup).
        meta (dict): ``setup``, ``camera``, ``subject`` of the sample (see ``parse_name``).

    Returns:
        list[str]: e.g. ``['xsub_train', 'xview_val']``.
    """
    train = XSUB_TRAIN_60 if dataset == 'ntu60' else XSUB_TRAIN_120
    names = ['xsub_train' if meta['subject'] in train else 'xsub_val']
    if dataset == 'ntu60':
        names.append('xview_train' if meta['camera'] in (2, 3) else 'xview_val')
    else:
        names.append('xset_train' if meta['setup'] % 2 == 0 else 'xset_val')
    return names


def _points(body: Body, coords: str) -> np.ndarray:
    """float32 [n, 25, C] placed per frame: ``x y z``, then for ``'color'`` also
    ``colorX colorY trackingState`` (C = 6), so the selection rules can read ``x y z``."""
    if coords == 'xyz':
        return body.joints
    return np.concatenate([body.joints, body.color, body.tracking[..., None]], axis=-1)


def _motion(joints: np.ndarray) -> float:
    """Summed variance of x, y, z over all points of ``joints`` [n, V, 3]."""
    return float(np.var(joints.reshape(-1, 3), axis=0).sum())


def denoise_bodies(seq: SkeletonSequence, dropped: Counter, coords: str = 'xyz') -> np.ndarray:
    """CTR-GCN/SGN denoising (see the module docstring) into up to two actor tracks.

    Args:
        seq (SkeletonSequence): A parsed file.
        dropped (Counter): Dropped bodies by reason (``length``, ``spread``, ``overlap``) and
            removed all-zero frames (``empty frames``) are added here.
        coords (str): ``'xyz'``, or ``'color'`` for ``x y z colorX colorY trackingState``.
            Defaults to ``'xyz'``.

    Returns:
        np.ndarray: float32 [M, T', 25, C] (C = 3, or 6 for ``'color'``), M in {1, 2}, T' the
        frames where an actor's ``x y z`` are non-zero.

    Raises:
        SkipSample: ``'no body left'`` when denoising removes every body.
    """
    bodies = list(seq.bodies)
    motion = {id(b): _motion(b.joints) for b in bodies}
    if len(bodies) > 1:
        kept = [b for b in bodies if len(b.frames) > NOISE_LENGTH]
        dropped['length'] += len(bodies) - len(kept)
        bodies = kept
        for body in list(bodies):
            if len(bodies) == 1:
                break
            width = np.ptp(body.joints[..., 0], axis=1)
            height = np.ptp(body.joints[..., 1], axis=1)
            valid = width <= NOISE_SPREAD_WIDTH * height
            if valid.all():
                continue
            if 1 - valid.mean() >= NOISE_SPREAD_RATIO:
                bodies.remove(body)
                dropped['spread'] += 1
            else:
                motion[id(body)] = min(motion[id(body)], _motion(body.joints[valid]))
    if not bodies:
        raise SkipSample('no body left', f'{seq.name}: all {len(seq.bodies)} bodies were '
                         f'tracked {NOISE_LENGTH} frames or fewer')
    bodies.sort(key=lambda b: motion[id(b)], reverse=True)
    channels = 3 if coords == 'xyz' else 6
    tracks = np.zeros((2, seq.num_frames, NUM_JOINTS, channels), dtype=np.float32)
    spans: List[Optional[Tuple[int, int]]] = [None, None]
    for body in bodies:
        start, end = int(body.frames[0]), int(body.frames[-1])
        for actor, span in enumerate(spans):
            if span is None or end < span[0] or start > span[1]:
                tracks[actor, body.frames] = _points(body, coords)
                spans[actor] = (start, end) if span is None else (min(start, span[0]),
                                                                  max(end, span[1]))
                break
        else:
            dropped['overlap'] += 1
    tracks = tracks[:1] if spans[1] is None else tracks
    present = tracks[..., :3].any(axis=(0, 2, 3))
    dropped['empty frames'] += int((~present).sum())
    return tracks[:, present]


def select_top_energy(seq: SkeletonSequence, dropped: Counter, num_persons: int = 2,
                      coords: str = 'xyz') -> np.ndarray:
    """2s-AGCN selection: keep the ``num_persons`` body slots of largest energy.

    Args:
        seq (SkeletonSequence): A parsed file.
        dropped (Counter): Non-empty slots left out are added under ``'low energy'``.
        num_persons (int): Slots kept. Defaults to 2.
        coords (str): As :func:`denoise_bodies`. Defaults to ``'xyz'``.

    Returns:
        np.ndarray: float32 [num_persons, T, 25, C] over all ``seq.num_frames`` frames.
    """
    channels = 3 if coords == 'xyz' else 6
    slots = np.zeros((MAX_BODY_SLOTS, seq.num_frames, NUM_JOINTS, channels), dtype=np.float32)
    points = [_points(body, coords) for body in seq.bodies]
    seen = [0] * len(seq.bodies)  # how many of each body's frames were read so far
    for frame, listed in enumerate(seq.slots):
        for slot, index in enumerate(listed):
            if slot < MAX_BODY_SLOTS:
                slots[slot, frame] = points[index][seen[index]]
            seen[index] += 1
    energy = np.zeros(MAX_BODY_SLOTS)
    for slot, data in enumerate(slots):
        data = data[..., :3][data[..., :3].any(axis=(1, 2))]
        if len(data):
            energy[slot] = data.reshape(-1, 3).std(axis=0).sum()
    order = np.argsort(-energy, kind='stable')
    dropped['low energy'] += int(slots[order[num_persons:], ..., :3].any(axis=(1, 2, 3)).sum())
    return slots[order[:num_persons]]


def load_ntu_sample(path: Union[str, Path], denoise: bool = True, center: bool = False,
                    align: bool = False, dropped: Optional[Counter] = None,
                    coords: str = 'xyz') -> dict:
    """Read, denoise and (optionally) normalise one ``.skeleton`` file into a sample.

    Args:
        path (str | Path): ``SsssCcccPpppRrrrAaaa.skeleton``.
        denoise (bool): CTR-GCN/SGN denoising; else 2s-AGCN top-2 energy. Defaults to True.
        center (bool): :func:`center_sequence`. Defaults to False.
        align (bool): :func:`align_sequence`, after centring (``center`` is implied).
            Defaults to False.
        dropped (Counter, optional): Receives dropped bodies and frames by reason.
        coords (str): ``'xyz'`` (metres) or ``'color'`` (colour-frame pixels, 2D).
            Defaults to ``'xyz'``.

    Returns:
        dict: ``frame_dir``, 0-based ``label``, ``total_frames`` and ``keypoint``: for
        ``'xyz'`` float16 [M, T, 25, 3] (M <= 2); for ``'color'`` float32 [M, T, 25, 2]
        ``colorX colorY`` with ``keypoint_score`` float32 [M, T, 25] (``TRACKING_SCORE``; 0
        where an actor is absent), ``img_shape`` = ``original_shape`` = (1080, 1920).

    Raises:
        SkipSample: The file cannot become a sample.
    """
    path = Path(path)
    _check_coords(coords, center, align)
    meta = parse_name(path.stem)
    seq = read_skeleton(path)
    if not seq.bodies:
        raise SkipSample('no bodies', f'{path.name}: none of {seq.num_frames} frames has a body')
    dropped = Counter() if dropped is None else dropped
    keypoint = denoise_bodies(seq, dropped, coords=coords) if denoise else \
        select_top_energy(seq, dropped, coords=coords)
    if coords == 'color':
        return dict(frame_dir=path.stem, label=meta['action'] - 1,
                    total_frames=keypoint.shape[1], keypoint=keypoint[..., 3:5].copy(),
                    keypoint_score=_tracking_score(keypoint[..., 5], path),
                    img_shape=COLOR_SHAPE, original_shape=COLOR_SHAPE)
    if center or align:
        keypoint = center_sequence(keypoint)
    if align:
        keypoint = align_sequence(keypoint)
    return dict(frame_dir=path.stem, label=meta['action'] - 1, total_frames=keypoint.shape[1],
                keypoint=keypoint.astype(np.float16))


def _check_coords(coords: str, center: bool, align: bool) -> None:
    if coords not in COORDS:
        raise ValueError(f'coords must be one of {COORDS}, got {coords!r}')
    if coords == 'color' and (center or align):
        raise ValueError('center and align move x y z in metres; they do not apply to '
                         "coords='color' (pixels of the colour frame)")


def _tracking_score(state: np.ndarray, path: Path) -> np.ndarray:
    """``TRACKING_SCORE`` of each joint's state [M, T, 25] (an absent actor's are 0)."""
    unknown = state[~np.isin(state, list(TRACKING_SCORE))]
    if unknown.size:
        raise SkipSample('bad tracking state', f'{path.name}: a joint has trackingState '
                         f'{unknown[0]:g}, expected 0, 1 or 2')
    score = np.zeros(state.shape, dtype=np.float32)
    for value, weight in TRACKING_SCORE.items():
        score[state == value] = weight
    return score


def _load_or_skip(job: Tuple[str, dict]) -> Tuple[str, Optional[dict], str, str, Counter]:
    """Worker: (file name, sample or None, skip reason, skip detail, dropped counts)."""
    path, options = job
    dropped: Counter = Counter()
    try:
        return osp.basename(path), load_ntu_sample(path, dropped=dropped, **options), '', '', \
            dropped
    except SkipSample as e:
        return osp.basename(path), None, e.reason, e.detail, dropped


def _screen(path: Path, dataset: str, missing: set) -> Tuple[str, str]:
    """Skip reason and detail for a file left out before reading it, or ('', '')."""
    try:
        meta = parse_name(path.stem)
    except SkipSample as e:
        return e.reason, e.detail
    spec = DATASETS[dataset]
    if meta['setup'] > spec['max_setup'] or meta['action'] > spec['num_classes']:
        return f'not in {dataset}', ''
    if path.stem in missing:
        return 'missing skeleton (official list)', ''
    return '', ''


def convert_ntu(root: Union[str, Path], out: Union[str, Path], dataset: str = 'ntu60',
                workers: int = 1, denoise: bool = True, center: bool = False,
                align: bool = False, progress: bool = True, coords: str = 'xyz') -> Dict:
    """Convert a folder of NTU RGB+D ``.skeleton`` files into one annotation pickle.

    Splits: ``xsub_train/xsub_val`` (training subjects as the NTU papers list them) and
    ``xview_train/xview_val`` (cameras 2, 3 / camera 1) for NTU60; ``xsub_train/xsub_val`` and
    ``xset_train/xset_val`` (even / odd setup) for NTU120. Samples on the official
    missing-skeleton list (packaged in ``mmskel/datasets/meta``) are skipped, as are files of the
    other dataset. A malformed file is skipped and counted with its file and line; it never
    stops the conversion. The summary is also written to ``<out>.log.json``.

    Args:
        root (str | Path): Folder of ``*.skeleton`` files (searched recursively).
        out (str | Path): Output ``.pkl`` path.
        dataset (str): ``'ntu60'`` or ``'ntu120'``. Defaults to ``'ntu60'``.
        workers (int): Processes reading files. Defaults to 1.
        denoise (bool): CTR-GCN/SGN denoising, else 2s-AGCN top-2 energy. Defaults to True.
        center (bool): Centre on the first frame's spine-mid. Defaults to False.
        align (bool): Centre, then :func:`align_sequence`. Defaults to False.
        progress (bool): Show a tqdm progress bar. Defaults to True.
        coords (str): ``'xyz'`` (3D, metres) or ``'color'`` (2D pixels of the colour frame,
            with ``keypoint_score`` and ``img_shape``; see :func:`load_ntu_sample`).
            Defaults to ``'xyz'``.

    Returns:
        dict: ``num_files``, ``num_samples``, ``split_sizes``, ``class_counts``,
        ``num_skipped`` (reason -> count), ``skipped`` (reason -> ``file`` or
        ``file:line: message``), ``dropped`` (reason -> bodies, plus ``empty frames``),
        ``two_person_samples``, ``seconds``.

    Example:
        >>> summary = convert_ntu('data/nturgbd_raw', 'data/ntu60_3danno.pkl', workers=8)
        >>> sorted(summary['split_sizes'])
        ['xsub_train', 'xsub_val', 'xview_train', 'xview_val']
    """
    start = time.perf_counter()
    if dataset not in DATASETS:
        raise ValueError(f'dataset must be one of {sorted(DATASETS)}, got {dataset!r}')
    _check_coords(coords, center, align)
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f'NTU folder {root} does not exist; expected a folder of '
                                'SsssCcccPpppRrrrAaaa.skeleton files')
    paths = sorted(root.rglob('*.skeleton'), key=lambda p: (p.name, str(p)))
    if not paths:
        raise FileNotFoundError(f'no *.skeleton files in {root}')
    spec = DATASETS[dataset]
    classes = read_meta(spec['label_map'])
    missing = set(read_meta(spec['missing']))
    options = dict(denoise=denoise, center=center, align=align, coords=coords)
    skipped: Dict[str, List[str]] = {}
    jobs = []
    for path in paths:
        reason, detail = _screen(path, dataset, missing)
        if reason:
            skipped.setdefault(reason, []).append(detail or path.name)
        else:
            jobs.append((str(path), options))
    results = map_files(_load_or_skip, jobs, workers, dataset.upper(), progress, chunksize=16)

    annotations: List[dict] = []
    split: Dict[str, List[str]] = {}
    seen = set()
    reasons = ('length', 'spread', 'overlap', 'empty frames') if denoise else ('low energy', )
    dropped: Counter = Counter(dict.fromkeys(reasons, 0))
    for file_name, sample, reason, detail, counts in results:
        dropped.update(counts)
        if sample is None:
            skipped.setdefault(reason, []).append(detail or file_name)
            continue
        if sample['frame_dir'] in seen:
            skipped.setdefault('duplicate name', []).append(file_name)
            continue
        seen.add(sample['frame_dir'])
        annotations.append(sample)
        for name in split_names(dataset, parse_name(sample['frame_dir'])):
            split.setdefault(name, []).append(sample['frame_dir'])
    split = {name: split.get(name, []) for name in _split_order(dataset)}
    dump_annotations(annotations, str(out), split=split, classes=classes, layout='nturgb+d')
    counts = Counter(sample['label'] for sample in annotations)
    summary = dict(
        root=str(root), out=str(out), dataset=dataset, options=options, num_files=len(paths),
        num_samples=len(annotations), split_sizes={k: len(v) for k, v in split.items()},
        class_counts={classes[k]: counts[k] for k in sorted(counts)},
        two_person_samples=sum(len(s['keypoint']) == 2 and bool(s['keypoint'][1].any())
                               for s in annotations),
        num_skipped={reason: len(entries) for reason, entries in skipped.items()},
        skipped=skipped, dropped=dict(dropped),
        seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def _split_order(dataset: str) -> Sequence[str]:
    second = 'xview' if dataset == 'ntu60' else 'xset'
    return ('xsub_train', 'xsub_val', f'{second}_train', f'{second}_val')


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_ntu` summary for the terminal."""
    note = f"{summary['dataset']}, " + ', '.join(f'{k}={v}' for k, v in summary['options'].items())
    return '\n'.join(head_lines(summary, note) + [
        f"classes present: {len(summary['class_counts'])}, two-person samples: "
        f"{summary['two_person_samples']}",
        'dropped: ' + (', '.join(f'{k} {v}' for k, v in summary['dropped'].items()) or 'none')
    ] + tail_lines(summary))
