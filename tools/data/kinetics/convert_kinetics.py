"""Convert Kinetics-skeleton json (the ST-GCN OpenPose-18 release) to an mmskel annotation pickle.

Example:
    python tools/data/kinetics/convert_kinetics.py --root data/kinetics-skeleton \
        --out data/kinetics/kinetics_st_2danno.pkl --workers 8
"""
import argparse

from mmskel.datasets.converters.kinetics import IMG_SHAPE, convert_kinetics, format_summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', required=True,
                        help='folder with kinetics_train/, kinetics_val/ and their label json')
    parser.add_argument('--out', default='data/kinetics/kinetics_st_2danno.pkl',
                        help='output annotation pickle (a <out>.log.json summary goes beside it)')
    parser.add_argument('--img-shape', type=int, nargs=2, default=IMG_SHAPE, metavar=('H', 'W'),
                        help='pixel frame the [0, 1] coordinates are scaled to (default: '
                        '256 340, the size ST-GCN ran OpenPose on)')
    parser.add_argument('--num-persons', type=int, default=2,
                        help='persons kept per frame, the most confident first')
    parser.add_argument('--label-names', default=None,
                        help='class names, one a line (default: <root>/label_name.txt if present)')
    parser.add_argument('--workers', type=int, default=1, help='processes reading json files')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(format_summary(convert_kinetics(
        args.root, args.out, num_persons=args.num_persons, img_shape=args.img_shape,
        label_names=args.label_names, workers=args.workers)))


if __name__ == '__main__':
    main()
