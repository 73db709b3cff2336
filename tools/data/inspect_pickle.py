"""Print what an annotation pickle holds and what is wrong with it.

Classes, split sizes, sequence lengths, person counts, shapes and dtypes, and problems: NaN or inf
keypoints, all-zero samples, labels outside ``classes``, ids in no split or named twice. With a
layout (the pickle's own ``layout``, or ``--layout NAME|FILE.json``), an anatomy check says
whether the joints are in the layout's order (:mod:`mmskel.datasets.anatomy`). (Not
``inspect.py``: a script of that name would shadow the standard library module ``inspect`` that
numpy and mmengine import.)

Example:
    python tools/data/inspect_pickle.py data/nwucla/nwucla_3danno.pkl
    python tools/data/inspect_pickle.py mine.pkl --layout my_layout.json --up=-y
"""
import argparse
import json
from collections import Counter
from numbers import Integral
from typing import Dict, List, Optional, Union

import numpy as np

from mmskel.datasets.anatomy import UP_AXES, check_anatomy
from mmskel.datasets.io import AnnotationError, annotation_layout, load_pickle, validate_annotations
from mmskel.structures.layouts import Layout, load_layout

MAX_IDS = 5  # ids listed per problem


def _stats(values: List[int]) -> Dict:
    if not values:
        return {}
    array = np.asarray(values)
    return dict(min=int(array.min()), median=float(np.median(array)),
                mean=round(float(array.mean()), 2), max=int(array.max()))


def _anatomy(data, layout: Union[str, dict, Layout, None], up: Optional[str],
             invalid: str) -> Dict:
    """The anatomy check of a valid pickle against ``layout``, else the pickle's own layout;
    ``{'skipped': why}`` when there is none or the data is invalid."""
    if invalid:
        return dict(skipped='the pickle is invalid')
    if layout is None:
        layout = annotation_layout(data)
        if layout is None:
            return dict(skipped='the pickle carries no layout; pass --layout NAME|FILE.json '
                        '(the joint count does not tell the joint order)')
    else:
        layout = load_layout(layout)[0]
    wrong = [s['frame_dir'] for s in data['annotations']
             if s['keypoint'].shape[2] != layout.num_joints]
    if wrong:
        return dict(skipped=f'{len(wrong)} samples (e.g. {wrong[0]!r}) do not have the '
                    f'{layout.num_joints} joints of layout {layout.name!r}')
    return check_anatomy(data['annotations'], layout, up)


def inspect_annotations(data, layout: Union[str, dict, Layout, None] = None,
                        up: Optional[str] = None) -> Dict:
    """Summarise a loaded annotation object (dict or bare list) without trusting it.

    Args:
        data: The loaded pickle.
        layout (str | dict | Layout, optional): Layout for the anatomy check (a name, a dict,
            or a json file); defaults to the pickle's own ``layout``.
        up (str, optional): Up axis of the data for the anatomy check (``'+y'``, ``'-y'``,
            ...); defaults to +y for 3D and -y (image rows) for 2D.

    Returns:
        dict: ``num_samples``, ``classes``, ``split_sizes``, ``class_counts``, ``frames`` and
        ``persons`` (min, median, mean, max), ``persons_present`` (persons with any non-zero
        joint), ``shapes`` (V x C -> count), ``dtypes``, ``problems`` (name -> ids),
        ``invalid`` (the validator's message, or '') and ``anatomy``
        (:func:`~mmskel.datasets.anatomy.check_anatomy`, or ``{'skipped': why}``).
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
        problems={k: v for k, v in problems.items() if v}, invalid=invalid,
        anatomy=_anatomy(data, layout, up, invalid))


def _anatomy_lines(anatomy: Dict) -> List[str]:
    if 'skipped' in anatomy:
        return [f"anatomy: not checked: {anatomy['skipped']}"]
    on_top = anatomy['head_on_top']
    head = (f"head {anatomy['head']!r} highest (along {anatomy['up']}) in {on_top:.0%} of "
            'frames' if on_top is not None else 'no head joint')
    bones = ', '.join(f'{b} {v:.2f}' for b, v in anatomy['worst_bones'].items())
    lines = [f"anatomy (layout {anatomy['layout']!r}, {anatomy['frames']} frames): {head}; "
             f'most variable bones (coefficient of variation): {bones or "-"}']
    return lines + [f'problem (anatomy): {warning}' for warning in anatomy['warnings']]


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
    anatomy = report.get('anatomy') or dict(skipped='-')
    lines += _anatomy_lines(anatomy)
    if not report['problems'] and not report['invalid'] and not anatomy.get('warnings'):
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
    parser.add_argument('--layout', help='layout of the joints for the anatomy check: a '
                        "built-in name or a json file (default: the pickle's own layout)")
    parser.add_argument('--up', choices=UP_AXES, help='up axis of the data for the anatomy '
                        'check (default: +y for 3D, -y for 2D image coordinates)')
    parser.add_argument('--trusted', action='store_true',
                        help='load with the plain unpickler (only for files you trust)')
    args = parser.parse_args()
    try:
        layout = load_layout(args.layout)[0] if args.layout else None
    except (KeyError, ValueError) as e:
        raise SystemExit(f'--layout: {e.args[0] if e.args else e}')
    report = inspect_annotations(load_pickle(args.pickle, trusted=args.trusted), layout,
                                 args.up)
    print(json.dumps(report, indent=2) if args.json else format_report(report))


if __name__ == '__main__':
    main()
