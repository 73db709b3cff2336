"""Convert a folder of your own keypoint arrays (npy, npz, json, csv) to an annotation pickle.

Also writes a starter ST-GCN config beside the pickle (<out>.config.py).

Example:
    python tools/data/custom/convert_custom.py --root data/my_actions --layout coco \
        --out data/my_actions/my_actions.pkl --split-by ratio:0.8
"""
import argparse

from mmskel.datasets.converters.custom import convert_custom, format_summary


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
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(format_summary(convert_custom(
        args.root, args.out, args.layout, labels=args.labels, split_by=args.split_by,
        seed=args.seed, img_shape=args.img_shape)))


if __name__ == '__main__':
    main()
