"""Convert the BABEL action-recognition release (BABEL-60/120) to an annotation pickle.

Example:
    python tools/data/babel/convert_babel.py --root data/babel_v1.0_release \
        --out data/babel/babel60_3danno.pkl --num-classes 60
"""
import argparse
import json

from mmskel.datasets.converters.babel import convert_babel, format_summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', required=True,
                        help='folder with {train,val}_ntu_sk_N.npy and {train,val}_label_N.pkl')
    parser.add_argument('--out', required=True, help='output annotation pickle')
    parser.add_argument('--num-classes', type=int, choices=(60, 120), default=60)
    parser.add_argument('--label-map', help="BABEL's action_label_2_idx.json (name -> index), "
                        'to store class names')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    names = None
    if args.label_map:
        with open(args.label_map, encoding='utf-8') as f:
            index = {int(i): name for name, i in json.load(f).items()}
        names = [index.get(i, f'class {i}') for i in range(args.num_classes)]
    print(format_summary(convert_babel(args.root, args.out, args.num_classes, names)))


if __name__ == '__main__':
    main()
