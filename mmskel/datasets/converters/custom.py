"""Convert a folder of your own keypoint files to an annotation pickle and a starter config.

One file per sample, its id the file name without extension, in any of these forms:

* ``.npy``: the keypoint array;
* ``.npz``: key ``keypoint``, optionally ``keypoint_score``;
* ``.json``: ``{"keypoint": [...], "keypoint_score": [...]}`` (the score optional);
* ``.csv``, ``.txt``: text of one person, one frame or one joint a line, comma or whitespace
  separated, a header line allowed (see :class:`~.readers.TextFormat`).

``keypoint`` is ``[T, V, C]`` (one person) or ``[M, T, V, C]`` with C = 2 or 3; a score is
``[T, V]`` or ``[M, T, V]``. Labels come from a csv of ``sample_id,label_name`` rows or from a
folder per class (``root/<class name>/<sample>.npy``). Classes are sorted naturally ("2" before
"10") unless a class file gives their order.
"""
import re
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from tqdm import tqdm

from mmskel.datasets.io import NORMALISED_LIMIT, dump_annotations, looks_normalised
from mmskel.structures.layouts import load_layout
from .labels import label_warnings, read_class_file, read_label_csv, sort_classes, unknown_class
from .readers import SkipSample, TextFormat, check_extension, load_keypoint_file
from .report import head_lines, tail_lines, write_log
from .starter_config import write_starter_config

__all__ = ['convert_custom', 'format_summary', 'load_keypoint_file', 'load_layout',
           'split_samples', 'SkipSample', 'TextFormat']


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


class _Skips:
    """Skipped files by reason, and what was wrong with each."""

    def __init__(self):
        self.skipped: Dict[str, List[str]] = {}
        self.details: Dict[str, str] = {}

    def add(self, name: str, reason: str, detail: str = '') -> None:
        self.skipped.setdefault(reason, []).append(name)
        if detail:
            self.details[name] = detail


def _sample_files(root: Path, out: Path, own: Sequence[Union[str, Path, None]]) -> List[Path]:
    """Every file under ``root`` but the converter's own inputs and outputs."""
    own_files = {Path(p).resolve() for p in own if p is not None and Path(p).is_file()}
    out = out.resolve()

    def is_output(path: Path) -> bool:  # the pickle, its log and config, their temp files
        return path.parent == out.parent and path.name.lstrip('.').startswith(out.name)

    return sorted(p for p in root.rglob('*') if p.is_file() and p.resolve() not in own_files
                  and not is_output(p.resolve()))


def _label_name(path: Path, root: Path, labels: Optional[Path], label_of: Dict[str, str],
                conflicts: Dict[str, str], class_list: Optional[List[str]],
                classes: Optional[Path]) -> str:
    if path.stem in conflicts:
        raise SkipSample('conflicting labels', conflicts[path.stem])
    if labels is not None:
        if path.stem not in label_of:
            raise SkipSample('no label', f'{path.stem} is not in {labels}')
        name = label_of[path.stem]
    elif path.parent == root:
        raise SkipSample('no label', 'not in a class folder and no --labels file')
    else:
        name = path.relative_to(root).parts[0]
    if class_list is not None and name not in class_list:
        raise SkipSample('unknown class', unknown_class(name, class_list, classes))
    return name


def convert_custom(root: Union[str, Path], out: Union[str, Path],
                   layout: Union[str, dict, Path], labels: Union[str, Path, None] = None,
                   split_by: str = 'ratio:0.8', seed: int = 0,
                   img_shape: Optional[Sequence[int]] = None, progress: bool = True,
                   text: TextFormat = TextFormat(), classes: Union[str, Path, None] = None,
                   keep_degenerate: bool = False) -> Dict:
    """Convert a folder of keypoint files into an annotation pickle and ``<out>.config.py``.

    Bad files (not a supported type, empty, unreadable, a non-numeric value or a wrong width on a
    text line, wrong shape, a joint count that is not the layout's, NaN, all zeros or a single
    frame, no label, conflicting labels, a label not in ``classes``, an id seen twice, channels
    or scores unlike most samples, normalised 2D coordinates with ``img_shape``) are skipped,
    counted and named with the cause (for text, the line); they never stop the conversion. If no
    file converts, a ValueError names the first failures and nothing is written. Doubtful labels
    (ids without a file, one-sample classes, class names that look alike) are warned about. The
    summary also goes to ``<out>.log.json``.

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
        text (TextFormat): How ``.csv`` and ``.txt`` rows are laid out. Defaults to one frame a
            line of x, y[, z] per joint.
        classes (str | Path, optional): File of one class name a line, in label order; labels
            not in it are skipped. Defaults to the label names in natural order.
        keep_degenerate (bool): Keep all-zero and single-frame samples. Defaults to False.

    Returns:
        dict: ``num_files``, ``num_samples``, ``classes``, ``split_sizes``, ``class_counts``,
        ``num_skipped``, ``skipped``, ``details``, ``warnings``, ``config``, ``seconds``.
    """
    start = time.perf_counter()
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f'keypoint folder {root} does not exist')
    layout_obj, layout_cfg = load_layout(layout)
    labels = None if labels is None else Path(labels)
    classes_file = None if classes is None else Path(classes)
    paths = _sample_files(root, out, [labels, classes_file,
                                      None if isinstance(layout, dict) else layout])
    if not paths:
        raise FileNotFoundError(f'no files under {root}')
    label_of, conflicts = read_label_csv(labels) if labels is not None else ({}, {})
    class_list = read_class_file(classes_file) if classes_file is not None else None

    samples: List[dict] = []
    names: Dict[str, str] = {}  # sample id -> file name
    skips = _Skips()
    for path in tqdm(paths, desc='custom', unit='file', disable=not progress):
        name = path.relative_to(root).as_posix()
        try:
            check_extension(path)  # before the label: a stray file is not a sample
            label_name = _label_name(path, root, labels, label_of, conflicts, class_list,
                                     classes_file)
            if path.stem in names:
                raise SkipSample('duplicate id', f'{names[path.stem]} is already sample '
                                 f'{path.stem}')
            sample = load_keypoint_file(path, layout_obj, text, keep_degenerate)
            if (img_shape is not None and sample['keypoint'].shape[-1] == 2
                    and looks_normalised(sample['keypoint'], img_shape)):
                raise SkipSample('normalised coordinates', f'every non-zero x, y lies in '
                                 f'[-{NORMALISED_LIMIT}, {NORMALISED_LIMIT}], but --img-shape '
                                 'asks for pixels (leave it out for normalised coordinates)')
        except SkipSample as e:
            skips.add(name, e.reason, e.detail)
            continue
        sample['label_name'] = label_name
        if img_shape is not None:
            sample['img_shape'] = sample['original_shape'] = tuple(int(v) for v in img_shape)
        names[path.stem] = name
        samples.append(sample)
    skipped, details = skips.skipped, skips.details
    if not samples:
        first = ', '.join(f'{n} ({details.get(n, r)})' for r, ns in skipped.items()
                          for n in ns[:2])
        raise ValueError(f'none of {len(paths)} files under {root} converted: {first}')

    # one channel count for the model: keep the most common kind, skip the others
    kinds = Counter(_kind(s) for s in samples)
    kind = kinds.most_common(1)[0][0]
    for sample in [s for s in samples if _kind(s) != kind]:
        skips.add(names[sample['frame_dir']], 'inconsistent channels',
                  f'{_describe(_kind(sample))}, but most samples have {_describe(kind)}')
    samples = [s for s in samples if _kind(s) == kind]
    sample_labels = {s['frame_dir']: s['label_name'] for s in samples}
    classes = class_list or sort_classes(sample_labels.values())
    warnings = label_warnings(label_of, [p.stem for p in paths], sample_labels, classes, labels,
                              classes_file)
    for sample in samples:
        sample['label'] = classes.index(sample.pop('label_name'))
    split = split_samples([s['frame_dir'] for s in samples], [s['label'] for s in samples],
                          split_by, seed)
    # the layout travels with the data: every tool reads it from the pickle
    dump_annotations(samples, str(out), split=split, classes=classes, layout=layout_cfg)
    configs = write_starter_config(out)
    counts = Counter(s['label'] for s in samples)
    summary = dict(
        root=str(root), out=str(out), num_files=len(paths), num_samples=len(samples),
        classes=classes, split_sizes={k: len(v) for k, v in split.items()},
        class_counts={c: counts[k] for k, c in enumerate(classes)},
        num_skipped={r: len(n) for r, n in skipped.items()}, skipped=skipped, details=details,
        warnings=warnings, config=configs['full'], cpu_config=configs['cpu'],
        seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_custom` summary for the terminal."""
    classes = 'classes: ' + ', '.join(f'{k} {v}' for k, v in summary['class_counts'].items())
    tail = tail_lines(summary)
    warnings = [f'warning: {w}' for w in summary.get('warnings', [])]
    return '\n'.join(head_lines(summary) + [classes] + tail[:-1] + warnings
                     + [f"config: {summary['config']}",
                        f"cpu config: {summary['cpu_config']}", tail[-1]])
