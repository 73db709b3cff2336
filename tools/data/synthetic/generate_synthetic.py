"""Generate mmskel's synthetic quick-start dataset (NTU RGB+D 25-joint layout, 3D).

Example:
    python tools/data/synthetic/generate_synthetic.py --out data/synthetic/synthetic_3danno.pkl
"""
import argparse

from mmskel.datasets.converters.synthetic import generate_synthetic


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/synthetic/synthetic_3danno.pkl',
                        help='output annotation pickle')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--samples-per-class', type=int, default=3,
                        help='samples of each class per subject (20 subjects: 16 train, 4 val)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    summary = generate_synthetic(args.out, samples_per_class_per_subject=args.samples_per_class,
                                 seed=args.seed)
    sizes = ', '.join(f'{k} {v}' for k, v in summary['split_sizes'].items())
    print(f"{summary['num_samples']} samples of {len(summary['classes'])} classes written to "
          f"{summary['out']} in {summary['seconds']:.1f} s ({sizes})")


if __name__ == '__main__':
    main()
