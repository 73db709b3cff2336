"""Animate one sample of an annotation pickle, with its label and (optionally) a prediction.

The bones come from the pickle's own layout (its top-level ``layout``) or from ``--layout``
(a built-in name or a json file of a custom layout), never from the joint count: two layouts
with the same number of joints may order them differently.

Example::

    python tools/misc/vis_skeleton.py data/nwucla/nwucla_3danno.pkl --id a01_s10_e00_v03 \
        --out sample.gif --pred result.pkl
"""
import argparse
from typing import Optional, Sequence

from mmskel.datasets.io import annotation_layout, load_annotations
from mmskel.evaluation.fusion import ResultFileError, load_result
from mmskel.structures.layouts import Layout, load_layout
from mmskel.visualization import animate_skeleton


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('pkl', help='annotation pickle')
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument('--id', help="the sample's frame_dir")
    which.add_argument('--index', type=int, help="the sample's position in 'annotations'")
    parser.add_argument('--out', default='skeleton.gif', help='.gif or .mp4 (needs ffmpeg)')
    parser.add_argument('--pred', help='a result file of tools/test.py --out holding the sample')
    parser.add_argument('--layout', help='a built-in layout name or a json file of a custom '
                        "layout (default: the pickle's own layout)")
    parser.add_argument('--fps', type=int, default=10)
    parser.add_argument('--trusted', action='store_true',
                        help='load the annotation pickle with the plain unpickler '
                        '(files you trust only)')
    return parser.parse_args(argv)


def class_name(label: int, classes: Optional[Sequence[str]]) -> str:
    return f'{classes[label]} ({label})' if classes and 0 <= label < len(classes) else str(label)


def prediction(result_file: str, frame_dir: str):
    """(predicted label, its score, class names) of ``frame_dir`` in a tools/test.py result."""
    result = load_result(result_file)
    if frame_dir not in result.ids:
        raise ResultFileError(f'{result_file}: no result for sample {frame_dir!r} '
                              f'({len(result.ids)} samples there)')
    scores = result.scores[result.ids.index(frame_dir)]
    return int(scores.argmax()), float(scores.max()), result.classes


def choose_layout(pkl: str, data: dict, layout: Optional[str]) -> Layout:
    """``--layout`` where given, else the pickle's own layout; never a guess."""
    if layout is not None:
        try:
            return load_layout(layout)[0]
        except (KeyError, ValueError) as e:
            raise SystemExit(f'--layout: {e.args[0] if e.args else e}')
    stored = annotation_layout(data, pkl)
    if stored is None:
        raise SystemExit(f'{pkl} carries no layout (top-level "layout"): pass --layout NAME or '
                         '--layout FILE.json; the joint count does not tell the joint order')
    return stored


def main(argv=None) -> None:
    args = parse_args(argv)
    data = load_annotations(args.pkl, trusted=args.trusted)
    layout = choose_layout(args.pkl, data, args.layout)
    samples = data['annotations']
    if args.id is not None:
        found = [s for s in samples if s['frame_dir'] == args.id]
        if not found:
            raise SystemExit(f'{args.pkl}: no sample with frame_dir {args.id!r}')
        sample = found[0]
    else:
        if not -len(samples) <= args.index < len(samples):
            raise SystemExit(f'{args.pkl}: --index {args.index} is out of range '
                             f'({len(samples)} samples)')
        sample = samples[args.index]
    classes = data.get('classes')
    title = f"{sample['frame_dir']}  label: {class_name(int(sample['label']), classes)}"
    if args.pred:
        try:
            label, score, pred_classes = prediction(args.pred, sample['frame_dir'])
        except ResultFileError as e:
            raise SystemExit(str(e))
        title += f"\npred: {class_name(label, pred_classes or classes)}  score {score:.2f}"
    try:
        frames = animate_skeleton(sample['keypoint'], layout, args.out, title=title,
                                  fps=args.fps, keypoint_score=sample.get('keypoint_score'))
    except (ValueError, KeyError, RuntimeError) as e:
        raise SystemExit(f"{args.pkl}: sample {sample['frame_dir']!r}: {e}")
    print(f"{sample['frame_dir']}: {frames} frames, {sample['keypoint'].shape[0]} person(s), "
          f"{sample['keypoint'].shape[-1]}D -> {args.out}")
    print(title)


if __name__ == '__main__':
    main()
