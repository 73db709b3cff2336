"""Print what an annotation pickle holds and what is wrong with it.

Classes, split sizes, sequence lengths, person counts, shapes and dtypes, and problems: NaN or inf
keypoints, all-zero samples, labels outside ``classes``, ids in no split or named twice. (Not
``inspect.py``: a script of that name would shadow the standard library module ``inspect`` that
numpy and mmengine import.)

Example:
    python tools/data/inspect_pickle.py data/nwucla/nwucla_3danno.pkl
"""
import argparse
import json
from collections import Counter
from numbers import Integral
from typing import Dict, List

import numpy as np

from mmskel.datasets.io import AnnotationError, load_pickle, validate_annotations

MAX_IDS = 5  # ids listed per problem


def _stats(values: List[int]) -> Dict:
    if not values:
        return {}
    array = np.asarray(values)
    return dict(min=int(array.min()), median=float(np.median(array)),
                mean=round(float(array.mean()), 2), max=int(array.max()))


def inspect_annotations(data) -> Dict:
    """Summarise a loaded annotation object (dict or bare list) without trusting it.

    Returns:
        dict: ``num_samples``, ``classes``, ``split_sizes``, ``class_counts``, ``frames`` and
        ``persons`` (min, median, mean, max), ``persons_present`` (persons with any non-zero
        joint), ``shapes`` (V x C -> count), ``dtypes``, ``problems`` (name -> ids) and
        ``invalid`` (the validator's message, or '').
    """
    if isinstance(data, list):
        data = dict(split={}, annotations=data)
    annotations = data.get('annotations', []) if isinstance(data, dict) else []
    classes = data.get('classes') if isinstance(data, dict) else None
    split = (data.get('split') or {}) if isinstance(data, dict) else {}
    try:
        validate_annotations(data)
        invalid = ''
    except AnnotationError as e:
        invalid = str(e)
    problems: Dict[str, List[str]] = {}
    frames, persons, present = [], [], []
    shapes, dtypes, labels = Counter(), Counter(), Counter()
    ids = Counter()
    for sample in annotations:
        if not isinstance(sample, dict):
            continue
        name = str(sample.get('frame_dir', '?'))
        ids[name] += 1
        labels[sample.get('label')] += 1
        keypoint = sample.get('keypoint')
        if not isinstance(keypoint, np.ndarray) or keypoint.ndim != 4:
            problems.setdefault('no [M, T, V, C] keypoint', []).append(name)
            continue
        persons.append(keypoint.shape[0])
        frames.append(keypoint.shape[1])
        shapes[f'{keypoint.shape[2]}x{keypoint.shape[3]}'] += 1
        dtypes[str(keypoint.dtype)] += 1
        finite = np.isfinite(keypoint)
        if not finite.all():
            problems.setdefault('NaN or inf keypoint', []).append(name)
        nonzero = np.abs(np.where(finite, keypoint, 1)).reshape(len(keypoint), -1).max(1) > 0
        present.append(int(nonzero.sum()))
        if not nonzero.any():
            problems.setdefault('all-zero keypoint', []).append(name)
        label = sample.get('label')
        if classes is not None and not (isinstance(label, Integral) and 0 <= label < len(classes)):
            problems.setdefault('label outside classes', []).append(name)
    problems['id named twice'] = [i for i, n in ids.items() if n > 1]
    in_split = {i for members in split.values() for i in members}
    if split:
        problems['id in no split'] = [i for i in ids if i not in in_split]
    names = {k: (classes[k] if classes and isinstance(k, Integral) and 0 <= k < len(classes)
                 else str(k)) for k in labels}
    return dict(
        num_samples=len(annotations), classes=len(classes) if classes is not None else None,
        split_sizes={k: len(v) for k, v in split.items()},
        class_counts={names[k]: labels[k] for k in sorted(labels, key=str)},
        frames=_stats(frames), persons=_stats(persons), persons_present=_stats(present),
        shapes=dict(shapes), dtypes=dict(dtypes),
        problems={k: v for k, v in problems.items() if v}, invalid=invalid)


def format_report(report: Dict) -> str:
    """Render :func:`inspect_annotations` for the terminal."""
    def stats(s):
        return ', '.join(f'{k} {v}' for k, v in s.items()) or '-'
    classes = report['classes']
    lines = [f"samples: {report['num_samples']}",
             f"classes: {classes if classes is not None else 'no names'}, "
             f"{len(report['class_counts'])} labels present",
             'splits: ' + (', '.join(f'{k} {v}' for k, v in report['split_sizes'].items())
                           or 'none'),
             f"frames (T): {stats(report['frames'])}",
             f"persons (M): {stats(report['persons'])}",
             f"persons with any non-zero joint: {stats(report['persons_present'])}",
             'joints x channels: ' + ', '.join(f'{k} ({v})' for k, v in report['shapes'].items()),
             'dtypes: ' + ', '.join(f'{k} ({v})' for k, v in report['dtypes'].items())]
    if not report['problems'] and not report['invalid']:
        lines.append('problems: none')
    for problem, ids in report['problems'].items():
        more = f', ... {len(ids) - MAX_IDS} more' if len(ids) > MAX_IDS else ''
        lines.append(f"problem ({problem}): {len(ids)}: {', '.join(ids[:MAX_IDS])}{more}")
    if report['invalid']:
        lines.append(f"invalid: {report['invalid']}")
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pickle', help='annotation pickle')
    parser.add_argument('--json', action='store_true', help='print the report as json')
    parser.add_argument('--trusted', action='store_true',
                        help='load with the plain unpickler (only for files you trust)')
    args = parser.parse_args()
    report = inspect_annotations(load_pickle(args.pickle, trusted=args.trusted))
    print(json.dumps(report, indent=2) if args.json else format_report(report))


if __name__ == '__main__':
    main()
