"""Convert NW-UCLA json skeletons (CTR-GCN ``all_sqe``) to an mmskel annotation pickle.

Example:
    python tools/data/nwucla/convert_nwucla.py --root ../shared/data/NW-UCLA/all_sqe \
        --out data/nwucla/nwucla_3danno.pkl
    python tools/data/nwucla/convert_nwucla.py --root ../shared/data/NW-UCLA/all_sqe \
        --out data/nwucla/nwucla_2danno.pkl --pixels
"""
import argparse

from mmskel.datasets.converters.nwucla import convert_nwucla, format_summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', required=True, help='folder of aAA_sSS_eEE_vVV.json files')
    parser.add_argument('--out', default='data/nwucla/nwucla_3danno.pkl',
                        help='output annotation pickle (a <out>.log.json summary goes beside it)')
    parser.add_argument('--workers', type=int, default=1, help='processes reading json files')
    parser.add_argument('--pixels', action='store_true',
                        help='2D pixels instead of 3D metres: a pinhole projection (focal length '
                        '1000 px) into a 1920x1080 frame, with keypoint_score and img_shape')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(format_summary(convert_nwucla(args.root, args.out, workers=args.workers,
                                        pixels=args.pixels)))


if __name__ == '__main__':
    main()
