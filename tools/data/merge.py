"""Merge annotation pickles into one, matching classes by name and splits by name.

Labels are remapped through the class names (``classes``) of each input, so two datasets that
number the same classes differently merge correctly. ``--classes`` keeps only those classes, in
that order; ``--split IN[:OUT]`` keeps only the named splits (renamed to OUT). An id found in
two inputs is an error: the merged pickle could not tell the two samples apart.

Example:
    python tools/data/merge.py data/both.pkl data/a.pkl data/b.pkl --split train val:test
"""
import argparse
from typing import Dict, List, Optional, Sequence

from mmskel.datasets.io import annotation_layout, dump_annotations, load_annotations


def common_layout(inputs: Sequence[str], datasets: Sequence[dict]):
    """The layout the inputs state (a name or dict), None when none does; inputs whose joints
    follow different layouts cannot merge, whatever their joint counts."""
    stated = [(path, data['layout']) for path, data in zip(inputs, datasets)
              if data.get('layout') is not None]
    for path, layout in stated[1:]:
        first = annotation_layout(dict(layout=stated[0][1]), stated[0][0])
        if not annotation_layout(dict(layout=layout), path).same_joints(first):
            raise ValueError(f'{stated[0][0]} and {path} have different layouts ({first.name!r} '
                             f'and {annotation_layout(dict(layout=layout)).name!r}): their '
                             'joints are not in the same order')
    return stated[0][1] if stated else None


def merge_annotations(inputs: Sequence[str], out: str, classes: Optional[Sequence[str]] = None,
                      splits: Optional[Sequence[str]] = None, trusted: bool = False) -> Dict:
    """Merge annotation pickles and write ``out``.

    Args:
        inputs (Sequence[str]): Input pickles, in order.
        out (str): Output pickle.
        classes (Sequence[str], optional): Class names to keep, in output label order. Defaults
            to every input class, in order of first appearance.
        splits (Sequence[str], optional): ``IN`` or ``IN:OUT`` split names to keep (renamed).
            Defaults to every split, merged by name.
        trusted (bool): Load inputs with the plain unpickler. Defaults to False.

    Returns:
        dict: ``num_samples``, ``classes``, ``split_sizes``, ``dropped`` (samples left out by
        ``--classes`` or ``--split``, per input).
    """
    datasets = [load_annotations(path, trusted=trusted) for path in inputs]
    common_layout(inputs, datasets)  # refuse before any work
    named = [('classes' in d) for d in datasets]
    if any(named) and not all(named):
        raise ValueError('some inputs have class names and some have not: '
                         f'{[p for p, n in zip(inputs, named) if not n]} lack "classes", so '
                         'their labels cannot be matched to the others')
    if classes is None and all(named):
        classes = []
        for data in datasets:
            classes += [c for c in data['classes'] if c not in classes]
    if classes is not None and not all(named):
        raise ValueError('--classes needs inputs with class names')
    rename = None
    if splits is not None:
        rename = {}
        for entry in splits:
            name, _, new_name = entry.partition(':')
            rename[name] = new_name or name

    annotations: List[dict] = []
    merged: Dict[str, List[str]] = {}
    source: Dict[str, str] = {}
    dropped: Dict[str, int] = {}
    for path, data in zip(inputs, datasets):
        membership: Dict[str, List[str]] = {}
        for name, ids in data['split'].items():
            if rename is None or name in rename:
                for i in ids:
                    membership.setdefault(i, []).append(rename[name] if rename else name)
        for sample in data['annotations']:
            frame_dir = sample['frame_dir']
            if rename is not None and frame_dir not in membership:
                dropped[path] = dropped.get(path, 0) + 1
                continue
            if classes is not None:
                if sample['label'] >= len(data['classes']):
                    raise ValueError(f"{path}: sample {frame_dir!r} has label {sample['label']} "
                                     f"but only {len(data['classes'])} classes")
                name = data['classes'][sample['label']]
                if name not in classes:
                    dropped[path] = dropped.get(path, 0) + 1
                    continue
                sample = dict(sample, label=classes.index(name))
            if frame_dir in source:
                raise ValueError(f'id {frame_dir!r} is in both {source[frame_dir]} and {path}')
            source[frame_dir] = path
            annotations.append(sample)
            for split_name in membership.get(frame_dir, []):
                merged.setdefault(split_name, []).append(frame_dir)
    extra = dict(classes=list(classes)) if classes is not None else {}
    layout = common_layout(inputs, datasets)
    if layout is not None:
        extra['layout'] = layout
    dump_annotations(annotations, out, split=merged, **extra)
    return dict(out=out, num_samples=len(annotations), classes=extra.get('classes'),
                split_sizes={k: len(v) for k, v in merged.items()}, dropped=dropped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='output annotation pickle')
    parser.add_argument('inputs', nargs='+', help='input annotation pickles')
    parser.add_argument('--classes', nargs='+', default=None,
                        help='class names to keep, in output label order')
    parser.add_argument('--split', nargs='+', default=None, metavar='IN[:OUT]',
                        help='splits to keep, optionally renamed')
    parser.add_argument('--trusted', action='store_true',
                        help='load inputs with the plain unpickler (only for files you trust)')
    args = parser.parse_args()
    summary = merge_annotations(args.inputs, args.out, args.classes, args.split, args.trusted)
    print(f"{summary['num_samples']} samples from {len(args.inputs)} file(s) written to "
          f"{summary['out']}")
    print('splits: ' + (', '.join(f'{k} {v}' for k, v in summary['split_sizes'].items())
                        or 'none'))
    classes = summary['classes']
    print(f"classes: {len(classes)}: {', '.join(classes)}" if classes else 'classes: no names')
    for path, count in summary['dropped'].items():
        print(f'dropped from {path}: {count} (not in the kept classes or splits)')


if __name__ == '__main__':
    main()
