r"""Fuse the scores of several streams (joint, bone, motion, ...) tested by tools/test.py --out.

    python tools/analysis/fuse.py --results j.pkl b.pkl jm.pkl bm.pkl --weights 2 2 1 1 \
        [--softmax] [--out fused.pkl] [--search [--search-ratio 0.5] [--seed 0]]

The seed projects' ensemble style is accepted too (CTR-GCN's ensemble.py weights by default):

    python tools/analysis/fuse.py --joint-dir J --bone-dir B \
        --joint-motion-dir JM --bone-motion-dir BM
"""
import argparse
import os.path as osp
import sys
from typing import List, Sequence

import numpy as np

from mmskel.evaluation.acc_metric import dump_results
from mmskel.evaluation.fusion import (DEFAULT_GRID, ResultFileError, accuracies, align_results,
                                      fuse_scores, load_result, search_weights, split_ids)

# --<stream>-dir options and their default weights, from CTR-GCN's ensemble.py
# (arg.alpha = [0.6, 0.6, 0.4, 0.4] for joint, bone, joint motion, bone motion).
STREAM_DIRS = (('joint_dir', 0.6), ('bone_dir', 0.6), ('joint_motion_dir', 0.4),
               ('bone_motion_dir', 0.4))
RESULT_NAME = 'result.pkl'


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Fuse multi-stream results of tools/test.py')
    parser.add_argument('--results', nargs='+', metavar='PKL',
                        help='result files written by tools/test.py --out')
    for name, weight in STREAM_DIRS:
        parser.add_argument('--' + name.replace('_', '-'), metavar='PATH',
                            help=f'seed-project style: a result file, or a folder holding '
                            f'{RESULT_NAME} (default weight {weight})')
    parser.add_argument('--weights', nargs='+', type=float,
                        help='one weight per stream (default: 1 each with --results; '
                        '0.6 0.6 0.4 0.4 with the --*-dir options)')
    parser.add_argument('--softmax', action='store_true',
                        help='softmax each stream\'s scores before the weighted sum')
    parser.add_argument('--out', help='write the fused scores as a result file (.pkl)')
    parser.add_argument('--search', action='store_true',
                        help='search the weights maximising top-1 on a held-out part of the '
                        'samples and report on the rest; --out then uses the weights found')
    parser.add_argument('--search-ratio', '--search-split', type=float, default=0.5,
                        help='fraction of the samples the search sees (default 0.5)')
    parser.add_argument('--search-grid', nargs='+', type=float, default=list(DEFAULT_GRID),
                        help=f'candidate weights per stream (default {list(DEFAULT_GRID)})')
    parser.add_argument('--seed', type=int, default=0, help='seed of the search split')
    args = parser.parse_args(argv)
    dirs = [name for name, _ in STREAM_DIRS if getattr(args, name)]
    if args.results and dirs:
        parser.error('give either --results or the --*-dir options, not both')
    if not args.results and not dirs:
        parser.error('give --results FILE ... (or --joint-dir/--bone-dir/...)')
    if args.out and not args.out.endswith(('.pkl', '.pickle')):
        parser.error(f'--out must be a .pkl file, got {args.out}')
    return args


def stream_paths(args: argparse.Namespace) -> List[str]:
    """Resolve --results or the --*-dir options to result files."""
    if args.results:
        return list(args.results)
    paths = []
    for name, _ in STREAM_DIRS:
        path = getattr(args, name)
        if path and osp.isdir(path):
            path = osp.join(path, RESULT_NAME)
            if not osp.isfile(path):
                raise ResultFileError(f'--{name.replace("_", "-")}: {osp.dirname(path)} holds '
                                      f'no {RESULT_NAME} (write it with tools/test.py --out)')
        if path:
            paths.append(path)
    return paths


def default_weights(args: argparse.Namespace, count: int) -> List[float]:
    if args.results:
        return [1.0] * count
    return [weight for name, weight in STREAM_DIRS if getattr(args, name)]


def format_table(rows: Sequence[tuple]) -> str:
    """rows: (name, weight or None, metrics dict) -> an aligned text table, accuracies in %."""
    width = max(len('stream'), *(len(r[0]) for r in rows))
    lines = [f'{"stream":<{width}}  {"weight":>6}  {"top1":>6}  {"top5":>6}  {"mean1":>6}']
    for name, weight, metrics in rows:
        shown = '' if weight is None else f'{weight:g}'
        lines.append(f'{name:<{width}}  {shown:>6}  ' + '  '.join(
            f'{100 * metrics[k]:6.2f}' for k in ('top1', 'top5', 'mean1')))
    return '\n'.join(lines)


def report(title: str, names: Sequence[str], weights: Sequence[float],
           scores: Sequence[np.ndarray], fused: np.ndarray, labels: np.ndarray) -> None:
    rows = [(n, w, accuracies(s, labels)) for n, w, s in zip(names, weights, scores)]
    rows.append(('fusion', None, accuracies(fused, labels)))
    print(f'{title} ({len(labels)} samples)')
    print(format_table(rows))


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        paths = stream_paths(args)
        ids, scores, labels, classes = align_results([load_result(p) for p in paths])
    except ResultFileError as e:
        sys.exit(f'fuse.py: error: {e}')
    weights = args.weights or default_weights(args, len(paths))
    if len(weights) != len(paths):
        sys.exit(f'fuse.py: error: {len(weights)} weights for {len(paths)} result files; '
                 'give one weight per file')
    names = list(paths)
    try:
        fused = fuse_scores(scores, weights, args.softmax)
        report('given weights, all samples', names, weights, scores, fused, labels)
        if args.search:
            searched = split_ids(ids, args.search_ratio, args.seed)
            held_out = ~searched
            weights, top1 = search_weights([s[searched] for s in scores], labels[searched],
                                           args.search_grid, args.softmax)
            print(f'\nsearched weights: {" ".join(f"{w:g}" for w in weights)} (top-1 '
                  f'{100 * top1:.2f} on the {int(searched.sum())} search samples, '
                  f'seed {args.seed})')
            fused = fuse_scores(scores, weights, args.softmax)
            report('\nsearched weights, held-out samples', names, weights,
                   [s[held_out] for s in scores], fused[held_out], labels[held_out])
            report('\nsearched weights, all samples', names, weights, scores, fused, labels)
    except ValueError as e:
        sys.exit(f'fuse.py: error: {e}')
    if args.out:
        dump_results(args.out, ids, fused, labels, classes)
        print(f'\nfused results written to {args.out}')


if __name__ == '__main__':
    main()
