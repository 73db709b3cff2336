"""Convert a folder of your own keypoint arrays to an annotation pickle and a starter config.

One file per sample, its id the file name without extension, in any of these forms:

* ``.npy``: the keypoint array;
* ``.npz``: key ``keypoint``, optionally ``keypoint_score``;
* ``.json``: ``{"keypoint": [...], "keypoint_score": [...]}`` (the score optional);
* ``.csv``: one row per frame of ``V * C`` values (joint-major: x0, y0[, z0], x1, ...), one
  person; a header row is allowed.

``keypoint`` is ``[T, V, C]`` (one person) or ``[M, T, V, C]`` with C = 2 or 3; a score is
``[T, V]`` or ``[M, T, V]``. Labels come from a csv of ``sample_id,label_name`` rows or from a
folder per class (``root/<class name>/<sample>.npy``). Classes are sorted by name.
"""
import csv
import json
import re
import time
from collections import Counter
from pathlib import Path
from pprint import pformat
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from tqdm import tqdm

from mmskel.datasets.io import NORMALISED_LIMIT, dump_annotations, looks_normalised
from mmskel.structures.layouts import LAYOUTS, Layout, get_layout
from mmskel.utils import atomic_open
from mmskel.utils.package_files import package_path
from .report import head_lines, tail_lines, write_log

EXTENSIONS = ('.npy', '.npz', '.json', '.csv')
CONFIG_BASE = package_path('configs/_base_')


class SkipSample(Exception):
    """A file that cannot become a sample; ``reason`` is the short key it is counted under."""

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason
        self.detail = detail


def load_layout(layout: Union[str, dict, Path]) -> Tuple[Layout, Union[str, dict]]:
    """A built-in layout name, or a json file holding a custom layout dict.

    Returns:
        tuple[Layout, str | dict]: The layout and what a config should say for it.
    """
    if isinstance(layout, dict):
        return get_layout(layout), layout
    if str(layout) in LAYOUTS:
        return get_layout(str(layout)), str(layout)
    path = Path(layout)
    if not path.is_file():
        raise KeyError(f'--layout {layout!r} is neither a built-in layout {sorted(LAYOUTS)} nor '
                       'a json file with a custom layout dict ("parents", "center", ...)')
    with open(path, encoding='utf-8') as f:
        spec = json.load(f)
    if not isinstance(spec, dict):
        raise ValueError(f'{path}: expected a layout dict, got {type(spec).__name__}')
    return get_layout(spec), spec


def _read_csv(path: Path, num_joints: int) -> np.ndarray:
    with open(path, newline='', encoding='utf-8') as f:
        rows = [row for row in csv.reader(f) if row]
    if rows:
        try:
            [float(v) for v in rows[0]]
        except ValueError:
            rows = rows[1:]  # a header
    try:
        values = np.asarray([[float(v) for v in row] for row in rows], dtype=np.float32)
    except ValueError as e:
        raise SkipSample('unreadable file', f'non-numeric or ragged csv ({e})') from e
    if values.ndim != 2 or not len(values) or values.shape[1] % num_joints:
        raise SkipSample('wrong joint count', f'{values.shape[-1] if values.ndim == 2 else 0} '
                         f'columns per row is not a multiple of {num_joints} joints')
    return values.reshape(len(values), num_joints, -1)


def load_keypoint_file(path: Union[str, Path], layout: Layout) -> dict:
    """Read one sample file into ``keypoint`` [M, T, V, C] (and ``keypoint_score`` [M, T, V]).

    Raises:
        SkipSample: The file is not a usable sample; ``reason`` says why.
    """
    path = Path(path)
    score = None
    try:
        if path.suffix == '.npy':
            keypoint = np.load(path, allow_pickle=False)
        elif path.suffix == '.npz':
            with np.load(path, allow_pickle=False) as content:
                if 'keypoint' not in content:
                    raise SkipSample('missing keypoint', f'npz keys are {sorted(content)}')
                keypoint = content['keypoint']
                score = content['keypoint_score'] if 'keypoint_score' in content else None
        elif path.suffix == '.json':
            with open(path, encoding='utf-8') as f:
                content = json.load(f)
            if not isinstance(content, dict) or 'keypoint' not in content:
                raise SkipSample('missing keypoint', 'expected {"keypoint": [...]}')
            keypoint, score = content['keypoint'], content.get('keypoint_score')
        else:
            keypoint = _read_csv(path, layout.num_joints)
        keypoint = np.asarray(keypoint, dtype=np.float32)
        score = None if score is None else np.asarray(score, dtype=np.float32)
    except SkipSample:
        raise
    except (OSError, ValueError, TypeError, UnicodeDecodeError) as e:
        raise SkipSample('unreadable file', f'{type(e).__name__}: {e}') from e
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
        score = None if score is None else score[None]
    if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3) or 0 in keypoint.shape:
        raise SkipSample('bad shape', f'keypoint: expected [T, V, C] or [M, T, V, C] with C = 2 '
                         f'or 3, got {keypoint.shape}')
    if keypoint.shape[2] != layout.num_joints:
        raise SkipSample('wrong joint count', f'keypoint has {keypoint.shape[2]} joints, layout '
                         f'{layout.name!r} has {layout.num_joints}')
    if score is not None and score.shape != keypoint.shape[:3]:
        raise SkipSample('bad shape', f'keypoint_score: expected {keypoint.shape[:3]} to match '
                         f'keypoint, got {score.shape}')
    if not np.isfinite(keypoint).all() or (score is not None and not np.isfinite(score).all()):
        raise SkipSample('non-finite values', 'NaN or inf in keypoint or keypoint_score')
    sample = dict(frame_dir=path.stem, total_frames=keypoint.shape[1], keypoint=keypoint)
    if score is not None:
        sample['keypoint_score'] = score
    return sample


def _read_label_csv(path: Path) -> Dict[str, str]:
    labels = {}
    with open(path, newline='', encoding='utf-8') as f:
        for line, row in enumerate(csv.reader(f), 1):
            if not row or (line == 1 and row[0].strip() == 'sample_id'):
                continue
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise ValueError(f'{path}, line {line}: expected "sample_id,label_name", '
                                 f'got {row}')
            labels[row[0].strip()] = row[1].strip()
    return labels


def split_samples(ids: Sequence[str], labels: Sequence[int], split_by: str = 'ratio:0.8',
                  seed: int = 0) -> Dict[str, List[str]]:
    """``ratio:R``: a random train share R per class; ``regex:PATTERN``: matching ids are val.

    The ratio split is stratified (each class keeps its share in both splits) and depends only
    on the ids, labels and seed.
    """
    kind, _, value = split_by.partition(':')
    if kind == 'regex':
        pattern = re.compile(value)
        val = [i for i in ids if pattern.search(i)]
    elif kind == 'ratio':
        try:
            ratio = float(value)
        except ValueError:
            ratio = -1.0
        if not 0 < ratio <= 1:
            raise ValueError(f'--split-by ratio:R needs 0 < R <= 1, got {split_by!r}')
        rng = np.random.default_rng(seed)
        val = []
        for label in sorted(set(labels)):
            members = sorted(i for i, k in zip(ids, labels) if k == label)
            num_val = int(round(len(members) * (1 - ratio)))
            val += [members[j] for j in rng.permutation(len(members))[:num_val]]
    else:
        raise ValueError(f"--split-by must be 'ratio:R' or 'regex:PATTERN', got {split_by!r}")
    chosen = set(val)
    return dict(train=[i for i in ids if i not in chosen], val=[i for i in ids if i in chosen])


def _kind(sample: dict) -> Tuple[int, bool]:
    return sample['keypoint'].shape[-1], 'keypoint_score' in sample


def _describe(kind: Tuple[int, bool]) -> str:
    return f'{kind[0]} channels {"with" if kind[1] else "without"} keypoint_score'


def convert_custom(root: Union[str, Path], out: Union[str, Path],
                   layout: Union[str, dict, Path], labels: Union[str, Path, None] = None,
                   split_by: str = 'ratio:0.8', seed: int = 0,
                   img_shape: Optional[Sequence[int]] = None, progress: bool = True) -> Dict:
    """Convert a folder of keypoint files into an annotation pickle and ``<out>.config.py``.

    Bad files (unreadable, wrong shape, a joint count that is not the layout's, NaN, no label,
    an id seen twice, channels or scores unlike most samples, normalised 2D coordinates with
    ``img_shape``) are skipped, counted and named; they never stop the conversion. If no file
    converts, a ValueError names the first failures. The summary also goes to
    ``<out>.log.json``.

    Args:
        root (str | Path): Folder of sample files (searched recursively).
        out (str | Path): Output ``.pkl`` path.
        layout (str | dict | Path): Built-in layout name or json file of a custom layout dict.
        labels (str | Path, optional): csv of ``sample_id,label_name``; without it the label is
            the name of the folder under ``root`` that holds the file.
        split_by (str): ``'ratio:R'`` or ``'regex:PATTERN'``. Defaults to ``'ratio:0.8'``.
        seed (int): Seed of the ratio split. Defaults to 0.
        img_shape (Sequence[int], optional): (h, w) of 2D pixel coordinates; stored per sample
            and normalised by ``PreNormalize2D`` in the config.
        progress (bool): Show a tqdm progress bar. Defaults to True.

    Returns:
        dict: ``num_files``, ``num_samples``, ``classes``, ``split_sizes``, ``class_counts``,
        ``num_skipped``, ``skipped``, ``details``, ``config``, ``seconds``.
    """
    start = time.perf_counter()
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f'keypoint folder {root} does not exist')
    layout_obj, layout_cfg = load_layout(layout)
    paths = sorted(p for p in root.rglob('*') if p.suffix in EXTENSIONS and p.is_file()
                   and (labels is None or Path(labels).resolve() != p.resolve()))
    if not paths:
        raise FileNotFoundError(f'no {"/".join(EXTENSIONS)} files under {root}')
    label_of = _read_label_csv(Path(labels)) if labels is not None else None

    samples: List[dict] = []
    seen = set()
    names: Dict[str, str] = {}  # sample id -> file name
    skipped: Dict[str, List[str]] = {}
    details: Dict[str, str] = {}
    for path in tqdm(paths, desc='custom', unit='file', disable=not progress):
        name = path.relative_to(root).as_posix()
        try:
            if label_of is not None:
                if path.stem not in label_of:
                    raise SkipSample('no label', f'{path.stem} is not in {labels}')
                label_name = label_of[path.stem]
            elif path.parent == root:
                raise SkipSample('no label', 'not in a class folder and no --labels file')
            else:
                label_name = path.relative_to(root).parts[0]
            if path.stem in seen:
                raise SkipSample('duplicate id', f'another file is already sample {path.stem}')
            sample = load_keypoint_file(path, layout_obj)
            if (img_shape is not None and sample['keypoint'].shape[-1] == 2
                    and looks_normalised(sample['keypoint'], img_shape)):
                raise SkipSample('normalised coordinates', f'every non-zero x, y lies in '
                                 f'[-{NORMALISED_LIMIT}, {NORMALISED_LIMIT}], but --img-shape '
                                 'asks for pixels (leave it out for normalised coordinates)')
        except SkipSample as e:
            skipped.setdefault(e.reason, []).append(name)
            if e.detail:
                details[name] = e.detail
            continue
        sample['label_name'] = label_name
        if img_shape is not None:
            sample['img_shape'] = sample['original_shape'] = tuple(int(v) for v in img_shape)
        seen.add(path.stem)
        names[path.stem] = name
        samples.append(sample)
    if not samples:
        first = ', '.join(f'{n} ({details.get(n, r)})' for r, ns in skipped.items()
                          for n in ns[:2])
        raise ValueError(f'none of {len(paths)} files under {root} converted: {first}')

    # one channel count for the model: keep the most common kind, skip the others
    kinds = Counter(_kind(s) for s in samples)
    kind = kinds.most_common(1)[0][0]
    for sample in [s for s in samples if _kind(s) != kind]:
        name = names[sample['frame_dir']]
        skipped.setdefault('inconsistent channels', []).append(name)
        details[name] = f'{_describe(_kind(sample))}, but most samples have {_describe(kind)}'
    samples = [s for s in samples if _kind(s) == kind]
    classes = sorted({s['label_name'] for s in samples})
    for sample in samples:
        sample['label'] = classes.index(sample.pop('label_name'))
    split = split_samples([s['frame_dir'] for s in samples], [s['label'] for s in samples],
                          split_by, seed)
    dump_annotations(samples, str(out), split=split, classes=classes)
    config = write_starter_config(out, layout_cfg, samples, len(classes), img_shape)
    counts = Counter(s['label'] for s in samples)
    summary = dict(
        root=str(root), out=str(out), num_files=len(paths), num_samples=len(samples),
        classes=classes, split_sizes={k: len(v) for k, v in split.items()},
        class_counts={c: counts[k] for k, c in enumerate(classes)},
        num_skipped={r: len(n) for r, n in skipped.items()}, skipped=skipped, details=details,
        config=config, seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def write_starter_config(out: Path, layout: Union[str, dict], samples: List[dict],
                         num_classes: int, img_shape: Optional[Sequence[int]]) -> str:
    """Write ``<out>.config.py``: ST-GCN on the pickle, sized from the data; returns its path."""
    keypoint = samples[0]['keypoint']
    in_channels = keypoint.shape[-1] + ('keypoint_score' in samples[0])
    num_persons = max(s['keypoint'].shape[0] for s in samples)
    layout_obj = get_layout(layout)
    if keypoint.shape[-1] == 2 and img_shape is not None:
        why = 'pixels -> [-1, 1] by each sample\'s img_shape'
        normalize = "dict(type='PreNormalize2D')"
    else:
        why = ('centre on the layout\'s centre joint; no rotation, which needs layout-specific '
               'joints')
        normalize = (f"dict(type='PreNormalize3D', center_joint={layout_obj.center}, "
                     'align_spine=False)')
    path = f'{out}.config.py'
    scores = ' + scores' if in_channels > keypoint.shape[-1] else ''
    text = f'''# Starter config written by tools/data/custom/convert_custom.py for {Path(out).name}:
# ST-GCN, {num_classes} classes, {keypoint.shape[-1]}D keypoints{scores},
# up to {num_persons} person(s).
_base_ = [{str(CONFIG_BASE / 'default_runtime.py')!r},
          {str(CONFIG_BASE / 'schedules' / 'sgd_cosine_80e.py')!r}]

# the data's facts, stated once: the model and the pipelines below read them
ann_file = {str(Path(out).resolve())!r}
layout = {pformat(layout, width=80, compact=True)}
num_classes = {num_classes}
num_persons = {num_persons}
clip_len = 100  # frames sampled per clip; shorter samples are looped

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels={in_channels}, num_persons=num_persons,
                  graph_cfg=dict(layout=layout, mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=num_classes, in_channels=256))

# normalize: {why}
# (names starting with '__' are helpers that stay out of the built config)
__train_pipeline = dict(
    order=['normalize', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize={normalize},
    feats=dict(type='GenSkeFeat', layout=layout, feats=['j']),
    sample=dict(type='UniformSampleFrames', clip_len=clip_len),
    decode=dict(type='PoseDecode'),
    format=dict(type='FormatGCNInput', num_persons=num_persons),
    pack=dict(type='PackActionInputs'))
__val_pipeline = dict(__train_pipeline,
                      sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1))
__test_pipeline = dict(__train_pipeline,
                       sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=10))

train_dataloader = dict(
    batch_size=16, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='PoseDataset', ann_file=ann_file, pipeline=__train_pipeline,
                 split='train'))
val_dataloader = dict(
    batch_size=16, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', ann_file=ann_file, pipeline=__val_pipeline, split='val',
                 test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1,
                       dataset=dict(val_dataloader['dataset'], pipeline=__test_pipeline))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
'''
    with atomic_open(path, 'w') as f:
        f.write(text)
    return path


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_custom` summary for the terminal."""
    classes = 'classes: ' + ', '.join(f'{k} {v}' for k, v in summary['class_counts'].items())
    tail = tail_lines(summary)
    return '\n'.join(head_lines(summary) + [classes] + tail[:-1]
                     + [f"config: {summary['config']}", tail[-1]])
