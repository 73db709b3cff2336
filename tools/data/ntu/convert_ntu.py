"""Convert NTU RGB+D 60/120 raw .skeleton files to an mmskel annotation pickle.

Example:
    python tools/data/ntu/convert_ntu.py --root data/nturgbd_raw --out data/ntu60_3danno.pkl \
        --dataset ntu60 --workers 8
    python tools/data/ntu/convert_ntu.py --root data/nturgbd_raw --out data/ntu60_2danno.pkl \
        --coords color
"""
import argparse

from mmskel.datasets.converters.ntu import convert_ntu, format_summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', required=True,
                        help='folder of SsssCcccPpppRrrrAaaa.skeleton files (searched recursively)')
    parser.add_argument('--out', required=True,
                        help='output annotation pickle (a <out>.log.json summary goes beside it)')
    parser.add_argument('--dataset', choices=('ntu60', 'ntu120'), default='ntu60',
                        help='ntu60: xsub + xview splits; ntu120: xsub + xset splits')
    parser.add_argument('--workers', type=int, default=1, help='processes reading files')
    parser.add_argument('--no-denoise', action='store_true',
                        help="2s-AGCN's top-2 energy selection instead of CTR-GCN/SGN denoising")
    parser.add_argument('--center', action='store_true',
                        help="centre on actor 1's spine-mid in its first frame")
    parser.add_argument('--align', action='store_true',
                        help="MSA-GCN's alignment: centre, then turn each actor into its "
                        'body frame (spine +z, hips +x)')
    parser.add_argument('--coords', choices=('xyz', 'color'), default='xyz',
                        help='xyz: 3D joints in metres; color: 2D pixels of the 1920x1080 colour '
                        'frame (colorX, colorY) with keypoint_score from the tracking state and '
                        'img_shape, for PoseC3D and 2D GCNs')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    summary = convert_ntu(args.root, args.out, dataset=args.dataset, workers=args.workers,
                          denoise=not args.no_denoise, center=args.center, align=args.align,
                          coords=args.coords)
    print(format_summary(summary))


if __name__ == '__main__':
    main()
