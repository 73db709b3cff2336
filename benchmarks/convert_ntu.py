"""Files per second of the NTU converter for 1 and 2 workers, on the real sample files.

The five ``.skeleton`` samples in ``../shared/data/NTU-RGBD-skeleton-samples/LevelCA`` are
symlinked into a temporary folder under new performer ids until there are ``--num-files``
of them (none on the official missing-skeleton list), then converted once per worker count.

Example:
    python benchmarks/convert_ntu.py --num-files 300 --workers 1 2
"""
import argparse
import os
import tempfile
import time
from pathlib import Path

from mmskel.datasets.converters.ntu import DATASETS, convert_ntu, read_meta
from mmskel.datasets.converters.ntu_parse import parse_name

SAMPLES = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / \
    'NTU-RGBD-skeleton-samples' / 'LevelCA'


def make_root(folder: Path, num_files: int, samples: Path = SAMPLES) -> int:
    """Symlink the samples under new names into ``folder``; return the number linked."""
    sources = sorted(samples.glob('*.skeleton'))
    if not sources:
        raise FileNotFoundError(f'no .skeleton samples in {samples.resolve()}')
    missing = set(read_meta(DATASETS['ntu60']['missing']))
    count, performer = 0, 0
    while count < num_files:
        performer += 1
        for source in sources:
            meta = parse_name(source.stem)
            name = (f"S{meta['setup']:03d}C{meta['camera']:03d}P{performer:03d}"
                    f"R{meta['replication']:03d}A{meta['action']:03d}")
            if name in missing or count >= num_files:
                continue
            os.symlink(source.resolve(), folder / f'{name}.skeleton')
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--num-files', type=int, default=300)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--no-denoise', action='store_true')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / 'raw'
        root.mkdir()
        num = make_root(root, args.num_files)
        rates = {}
        for workers in args.workers:
            start = time.perf_counter()
            summary = convert_ntu(root, Path(tmp) / f'ntu60_{workers}.pkl', workers=workers,
                                  denoise=not args.no_denoise, progress=False)
            seconds = time.perf_counter() - start
            assert summary['num_samples'] == num, summary['num_skipped']
            rates[workers] = num / seconds
            print(f'workers={workers}: {num} files in {seconds:.2f} s = '
                  f'{rates[workers]:.0f} files/s')
        base = rates[args.workers[0]]
        print('speed-up vs workers=%d: ' % args.workers[0]
              + ', '.join(f'{w}: {r / base:.2f}x' for w, r in rates.items()))
    print(f'({os.cpu_count()} CPU cores visible)')


if __name__ == '__main__':
    main()
