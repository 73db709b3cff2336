"""Convert a folder of your own keypoints (npy, npz, json, csv, txt) to an annotation pickle.

Also writes a starter ST-GCN config beside the pickle (<out>.config.py).

Example:
    python tools/data/custom/convert_custom.py --root data/my_actions --layout coco \
        --out data/my_actions/my_actions.pkl --split-by ratio:0.8
"""
import argparse

from mmskel.datasets.converters.custom import convert_custom, format_summary
from mmskel.datasets.converters.readers import parse_with_text_arguments


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', required=True,
                        help='folder of per-sample files (one sub-folder per class without '
                        '--labels)')
    parser.add_argument('--out', required=True,
                        help='output annotation pickle (<out>.log.json and <out>.config.py go '
                        'beside it)')
    parser.add_argument('--layout', required=True,
                        help='a built-in layout name (nturgb+d, coco, openpose, nw-ucla, handmp) '
                        'or a json file with a custom layout dict')
    parser.add_argument('--labels', default=None,
                        help='csv of sample_id,label_name rows (default: folder per class)')
    parser.add_argument('--split-by', default='ratio:0.8',
                        help='ratio:R (stratified random train share) or regex:PATTERN (ids '
                        'matching PATTERN go to val)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the ratio split')
    parser.add_argument('--img-shape', type=int, nargs=2, default=None, metavar=('H', 'W'),
                        help='frame size of 2D pixel coordinates (then the config normalises '
                        'by it)')
    parser.add_argument('--classes', default=None,
                        help='file of one class name a line: fixes the class order (label k is '
                        'line k); labels not in it are skipped (default: the names in natural '
                        'order, "2" before "10")')
    parser.add_argument('--keep-degenerate', action='store_true',
                        help='keep all-zero and single-frame samples (skipped by default)')
    return parse_with_text_arguments(parser)


def main() -> None:
    args = parse_args()
    print(format_summary(convert_custom(
        args.root, args.out, args.layout, labels=args.labels, split_by=args.split_by,
        seed=args.seed, img_shape=args.img_shape,
        text=args.text, classes=args.classes,
        keep_degenerate=args.keep_degenerate)))


if __name__ == '__main__':
    main()
