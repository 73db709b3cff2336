"""Cut continuous recordings into labelled samples from a file of start/end rows.

The segment file has ``recording, start, end, label`` rows (frame ids, both ends included). Each
row becomes ``<out>/<recording>_<start>_<end>.npz``, and ``<out>/labels.csv`` lists the labels,
ready for convert_custom.py. Rows that cannot be cut are counted and named with their line.

Example:
    python tools/data/custom/cut_segments.py --recordings data/recordings \
        --segments data/segments.csv --out data/clips --num-joints 20 --text-columns frame,x,y,z
    python tools/data/custom/convert_custom.py --root data/clips --labels data/clips/labels.csv \
        --layout nw-ucla --out data/clips.pkl
"""
import argparse

from mmskel.datasets.converters.readers import parse_with_text_arguments
from mmskel.datasets.converters.segments import cut_segments, format_cut_summary


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--recordings', required=True,
                        help='folder of recording files (npy, npz, json, csv, txt)')
    parser.add_argument('--segments', required=True,
                        help='file of recording,start,end,label rows (comma or whitespace '
                        'separated; a header line allowed)')
    parser.add_argument('--out', required=True,
                        help='output folder of segment files and labels.csv (must not exist or '
                        'be empty); <out>.log.json goes beside it')
    parser.add_argument('--num-joints', type=int, required=True,
                        help='joints per frame of the recordings')
    return parse_with_text_arguments(parser)


def main() -> None:
    args = parse_args()
    print(format_cut_summary(cut_segments(args.recordings, args.segments, args.out,
                                          args.num_joints, args.text)))


if __name__ == '__main__':
    main()
