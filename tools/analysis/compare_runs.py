r"""Compare arms of an experiment from the results tables of ``tools/reproduce.py``.

    python tools/analysis/compare_runs.py --arm ce CE_SEED0.json CE_SEED1.json \
        --arm lst LST_SEED0.json LST_SEED1.json [--arm NAME TABLE ...] [--out comparison.md]

An arm is a name and the tables (``<benchmark>_<model>_<budget>.json``) of its runs, one per seed
or one holding several seeds. For each arm and stream it lists top-1 and mean-class accuracy per
seed, their means over the seeds, and the difference in top-1 from the first arm (the baseline)
on the seeds both ran (seed for seed, so that an arm with more seeds is not compared on other
draws). The commands and commits that measured each table follow, so the page says how every
figure was made. Fusion rows of the tables are left out: arms are compared stream by stream.
"""
import argparse
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmskel.utils import atomic_open
from mmskel.utils.fileio import load_json

RUN_FIELDS = ('seed', 'stream', 'top1', 'mean1', 'train_seconds')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Compare arms of reproduce.py results tables')
    parser.add_argument('--arm', nargs='+', action='append', required=True,
                        metavar=('NAME', 'TABLE'),
                        help='an arm: its name, then the .json tables of its runs')
    parser.add_argument('--out', help='also write the comparison to this markdown file')
    args = parser.parse_args(argv)
    for arm in args.arm:
        if len(arm) < 2:
            parser.error(f'--arm {arm[0]}: expected a name and at least one table')
    names = [arm[0] for arm in args.arm]
    if len(set(names)) != len(names):
        parser.error(f'arm names must differ, got {names}')
    return args


def load_table(path: str) -> dict:
    """A reproduce.py table, checked for the fields compared here.

    Raises:
        FileNotFoundError: no such file.
        ValueError: not JSON, or a run misses a field (naming the file, the run and the field).
    """
    table = load_json(path, dict, "a reproduce.py results table (a dict with 'streams')")
    if not isinstance(table.get('streams'), list):
        raise ValueError(f"{path}: expected a reproduce.py results table with a 'streams' list")
    for i, run in enumerate(table['streams']):
        missing = [k for k in RUN_FIELDS if k not in run]
        if missing:
            raise ValueError(f"{path}: run {i} of 'streams' has no field {missing[0]!r} "
                             f'(expected the fields {list(RUN_FIELDS)})')
    return table


Arms = List[Tuple[str, List[Tuple[str, dict]]]]


def load_arms(arms: List[List[str]]) -> Arms:
    """``[(name, [(path, table), ...]), ...]`` from ``--arm NAME TABLE ...`` lists, each table
    read once."""
    return [(name, [(path, load_table(path)) for path in paths]) for name, *paths in arms]


def collect(arms: Arms) -> Dict[Tuple[str, str], Dict[int, dict]]:
    """``{(arm, stream): {seed: run}}`` in the order given, each run with its ``table`` path.

    Raises:
        ValueError: one arm holds the same stream and seed twice (naming both tables).
    """
    found: Dict[Tuple[str, str], Dict[int, dict]] = {}
    for name, tables in arms:
        for path, source in tables:
            for run in source['streams']:
                seeds = found.setdefault((name, run['stream']), {})
                if run['seed'] in seeds:
                    raise ValueError(f"arm {name}: stream {run['stream']} seed {run['seed']} is "
                                     f"in both {seeds[run['seed']]['table']} and {path}")
                seeds[run['seed']] = dict(run, table=path)
    return found


def rows(found: Dict[Tuple[str, str], Dict[int, dict]]) -> List[dict]:
    """One row per arm and stream: seeds, accuracies (%) per seed and their means, the mean
    training minutes, and ``delta``: the mean over the seeds it shares with the first arm's row
    of its top-1 minus that row's (``None`` for the first arm or without shared seeds), with
    those seeds in ``delta_seeds``."""
    table: List[dict] = []
    baseline: Dict[str, Dict[int, dict]] = {}
    for (arm, stream), seeds in found.items():
        runs = [seeds[s] for s in sorted(seeds)]
        row = dict(arm=arm, stream=stream, seeds=sorted(seeds),
                   top1=[100 * r['top1'] for r in runs], mean1=[100 * r['mean1'] for r in runs],
                   train_minutes=float(np.mean([r['train_seconds'] for r in runs])) / 60)
        row.update(top1_mean=float(np.mean(row['top1'])), mean1_mean=float(np.mean(row['mean1'])))
        first = baseline.setdefault(stream, seeds)  # the first arm's runs of this stream
        shared = [] if first is seeds else [s for s in sorted(seeds) if s in first]
        row['delta_seeds'] = shared
        row['delta'] = float(np.mean([100 * (seeds[s]['top1'] - first[s]['top1'])
                                      for s in shared])) if shared else None
        table.append(row)
    return table


def markdown(table: List[dict], arms: Arms) -> str:
    """The comparison as markdown: the table, then each source table's command and commit."""
    def values(xs):
        return ' / '.join(f'{x:.2f}' for x in xs)

    first = arms[0][0]
    lines = ['| arm | stream | seeds | top-1 per seed | top-1 mean | mean-class per seed | '
             f'mean-class mean | top-1 vs {first} (on seeds) | train min (mean) |',
             '|---|---|---|---|---|---|---|---|---|']
    for r in table:
        delta = '' if r['delta'] is None else \
            f"{r['delta']:+.2f} ({' '.join(map(str, r['delta_seeds']))})"
        lines.append(f"| {r['arm']} | {r['stream']} | {' '.join(map(str, r['seeds']))} | "
                     f"{values(r['top1'])} | {r['top1_mean']:.2f} | {values(r['mean1'])} | "
                     f"{r['mean1_mean']:.2f} | {delta} | {r['train_minutes']:.1f} |")
    lines += ['', 'Tables compared, with the commands that measured them:', '', '```text']
    for name, tables in arms:
        for path, source in tables:
            lines += [f'# {name}: {path} (commit {source.get("git_commit", "unknown")})',
                      source.get('command', '(no command recorded)')]
    return '\n'.join(lines + ['```', ''])


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        arms = load_arms(args.arm)
        text = markdown(rows(collect(arms)), arms)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(f'compare_runs.py: error: {error}')
    print(text, end='')
    if args.out:
        with atomic_open(args.out, 'w') as f:
            f.write(text)
        print(f'wrote {osp.normpath(args.out)}')


if __name__ == '__main__':
    main()
