r"""Reproduce a results table: train, test and fuse the streams of a model on a benchmark.

    python tools/reproduce.py --benchmark nwucla --model ctrgcn --streams j b jm bm \
        [--budget cpu|paper] [--seeds 0 1] [--work-dir work_dirs/reproduce] [--out docs/results] \
        [--cfg-options KEY=VALUE ...]

For each seed and stream it runs ``tools/train.py`` and ``tools/test.py`` as subprocesses (the
commands the docs give, recorded in the table), tests on the val split (the reported numbers)
and on the train split (the scores the fusion weights are searched on), then fuses the streams
with the paper's weights and with the searched ones. Each stream's checkpoint is published
(``publish_checkpoint``: weights only, named by its sha256) into its folder's ``published/``, and
the table lists the names, so a rerun on the same machine kind can be checked for the same
weights. The table goes to ``<out>/<benchmark>_<model>_<budget>.{md,json}``. Run it again after
an interruption: a finished stream (``done.json`` in its folder) is skipped, an unfinished one
resumes from the last checkpoint of its work dir. ``--cfg-options`` reach every train and test
command.
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import re
import shlex
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from mmskel.engine import publish_checkpoint, published_checkpoint
from mmskel.evaluation.fusion import accuracies, align_results, load_result, search_weights
from mmskel.utils import atomic_open

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BENCHMARKS = {'nwucla': 'nwucla_xview'}  # --benchmark -> the dataset_split of config names
STREAMS = {'j': 'keypoint', 'b': 'bone', 'jm': 'keypoint_motion', 'bm': 'bone_motion'}
BUDGETS = {'paper': '', 'cpu': '_cpu'}  # --budget -> the tag ending a config's name
# the fusion weights of the authors' ensemble scripts (CTR-GCN's ensemble.py, as fuse.py)
PAPER_WEIGHTS = {'j': 0.6, 'b': 0.6, 'jm': 0.4, 'bm': 0.4}
# no zero: a model fits its training samples closely, and where the train split cannot tell
# weights apart the first grid point (all equal) wins, instead of a fusion that drops streams
SEARCH_GRID = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
SPLITS = ('val', 'train')  # val: the reported numbers; train: where fusion weights are searched


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train, test and fuse streams into a table')
    parser.add_argument('--benchmark', choices=sorted(BENCHMARKS), required=True)
    parser.add_argument('--model', required=True,
                        help="the configs' name prefix (ctrgcn, 2sagcn, lst_ctrgcn) or a folder "
                        'of configs/skeleton (2s-agcn)')
    parser.add_argument('--streams', nargs='+', choices=list(STREAMS), default=['j'])
    parser.add_argument('--budget', choices=sorted(BUDGETS), default='cpu',
                        help='cpu: the *_cpu budget recipe; paper: the paper recipe')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0])
    parser.add_argument('--work-dir', default='work_dirs/reproduce',
                        help='checkpoints, logs and scores go under this folder')
    parser.add_argument('--out', default='docs/results', help='folder of the results table')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='passed to every tools/train.py and tools/test.py command')
    return parser.parse_args(argv)


def find_config(model: str, benchmark: str, stream: str, budget: str) -> str:
    """The one config of ``model`` for this benchmark, stream and budget (a repo-relative path).

    ``model`` is the name its configs start with (``ctrgcn``, ``2sagcn``, ``lst_ctrgcn``: the
    configs ``<model>_<E>e_...`` of any folder), else a folder of configs/skeleton whose configs
    start otherwise (``2s-agcn``; ``lst``, where one backbone's config fits the budget).

    Raises:
        FileNotFoundError: no such config, or several (naming them).
    """
    rest = f'{BENCHMARKS[benchmark]}_{STREAMS[stream]}_3d{BUDGETS[budget]}.py'
    tail = '_[0-9]+e_' + re.escape(rest)
    configs = sorted(glob.glob(osp.join(REPO, 'configs', 'skeleton', '*', '*.py')))
    wanted = f'configs/skeleton/*/{model}_<E>e_{rest}'
    found = [p for p in configs if re.fullmatch(re.escape(model) + tail, osp.basename(p))]
    if not found and osp.isdir(osp.join(REPO, 'configs', 'skeleton', model)):
        wanted += f' (or configs/skeleton/{model}/<name>_<E>e_{rest})'
        found = [p for p in configs if osp.basename(osp.dirname(p)) == model
                 and re.fullmatch('.+' + tail, osp.basename(p))]
    if len(found) != 1:
        raise FileNotFoundError(f'expected one config {wanted} for --budget {budget}, found '
                                f'{[osp.relpath(p, REPO) for p in found] or "none"}')
    return shown(found[0])


def shown(path: str) -> str:
    """``path`` as a command gives it: relative to the working folder when under it."""
    relative = osp.relpath(path)
    return path if relative.startswith('..') else relative


def stream_state(run_dir: str) -> str:
    """``'done'`` (tested, done.json), ``'trained'`` (trained.json), ``'interrupted'`` (a
    checkpoint, no trained.json) or ``'new'``."""
    for state in ('done', 'trained'):
        if osp.isfile(osp.join(run_dir, f'{state}.json')):
            return state
    return 'interrupted' if osp.isfile(osp.join(run_dir, 'last_checkpoint')) else 'new'


def read_json(path: str):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def write_json(path: str, data) -> None:
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with atomic_open(path, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')


def run_tool(args: List[str], log: List[dict], save=None, every: float = 60.0) -> float:
    """Run ``python tools/<args>`` and return its wall time; the command and its time go to
    ``log`` even when it is interrupted or fails, and every ``every`` seconds while it runs
    ``save()`` is called (so a kill of this process loses at most that much of the record)."""
    tool = osp.join(REPO, 'tools', args[0])
    entry = dict(command=shlex.join(['python', shown(tool)] + args[1:]), seconds=0.0)
    log.append(entry)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, tool] + args[1:])
    try:
        while True:
            try:
                code = proc.wait(timeout=every)
                break
            except subprocess.TimeoutExpired:
                entry['seconds'] = round(time.perf_counter() - start, 1)
                if save is not None:
                    save()
    except BaseException:  # as subprocess.run: the tool does not outlive an interrupted run
        proc.kill()
        proc.wait()
        raise
    finally:
        entry['seconds'] = round(time.perf_counter() - start, 1)
    if code:
        raise subprocess.CalledProcessError(code, [sys.executable, tool] + args[1:])
    return entry['seconds']


LOG_TIME = re.compile(r'^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) - ', flags=re.M)


def logged_train_seconds(run_dir: str) -> Optional[float]:
    """Training wall time from mmengine's logs in ``run_dir``: each piece of the run (a
    ``<YYYYmmdd_HHMMSS>/`` folder, named when it started) lasted until the last line of its
    ``.log``, killed pieces included. None where the run left no log."""
    total, found = 0.0, False
    for folder in sorted(glob.glob(osp.join(run_dir, '[0-9]' * 8 + '_' + '[0-9]' * 6))):
        name = osp.basename(folder)
        log_file = osp.join(folder, name + '.log')
        if not osp.isfile(log_file):
            continue
        with open(log_file, encoding='utf-8', errors='replace') as f:
            stamps = LOG_TIME.findall(f.read())
        if stamps:
            start = time.mktime(time.strptime(name, '%Y%m%d_%H%M%S'))
            total += time.mktime(time.strptime(stamps[-1], '%Y/%m/%d %H:%M:%S')) - start
            found = True
    return round(total, 1) if found else None


def train_seconds(run_dir: str, pieces: List[dict]) -> float:
    """A stream's training wall time: from its logs (every piece, killed ones included), else
    the recorded commands' times."""
    logged = logged_train_seconds(run_dir)
    return logged if logged is not None else round(sum(p['seconds'] for p in pieces), 1)


def train(config: str, run_dir: str, seed: int, options: List[str]) -> dict:
    """Train (or resume) one stream; the marker trained.json records the checkpoint."""
    pieces_file = osp.join(run_dir, 'pieces.json')
    pieces = read_json(pieces_file) if osp.isfile(pieces_file) else []
    args = ['train.py', config, '--work-dir', run_dir, '--seed', str(seed)]
    if stream_state(run_dir) == 'interrupted':
        args.append('--resume')
    try:
        run_tool(args + (['--cfg-options'] + options if options else []), pieces,
                 save=lambda: write_json(pieces_file, pieces))
    finally:
        write_json(pieces_file, pieces)
    with open(osp.join(run_dir, 'last_checkpoint'), encoding='utf-8') as f:
        checkpoint = f.read().strip()
    epoch = re.search(r'epoch_(\d+)\.pth$', checkpoint)
    trained = dict(checkpoint=checkpoint, epochs=int(epoch.group(1)) if epoch else None,
                   train_seconds=train_seconds(run_dir, pieces), commands=pieces)
    write_json(osp.join(run_dir, 'trained.json'), trained)
    return trained


def test(config: str, run_dir: str, trained: dict, options: List[str]) -> dict:
    """Test the trained checkpoint on the val and train splits; the marker done.json records
    the val metrics, computed from the ``--out`` file as fuse.py reads it."""
    commands: List[dict] = []
    for split in SPLITS:
        split_options = options + ([f'test_dataloader.dataset.split={split}']
                                   if split != 'val' else [])
        run_tool(['test.py', config, trained['checkpoint'], '--work-dir',
                  osp.join(run_dir, f'test_{split}'), '--out', osp.join(run_dir, f'{split}.pkl')]
                 + (['--cfg-options'] + split_options if split_options else []), commands)
    result = load_result(osp.join(run_dir, 'val.pkl'))
    metrics = accuracies(result.scores, result.labels)
    done = dict(trained, config=config, top1=metrics['top1'], mean1=metrics['mean1'],
                test_seconds=round(sum(c['seconds'] for c in commands), 1),
                commands=trained['commands'] + commands)
    write_json(osp.join(run_dir, 'done.json'), done)
    return done


def publish(run: dict) -> str:
    """The published file of a done stream's checkpoint (written once, then found again)."""
    stem = osp.join(run['run_dir'], 'published',
                    f"{osp.splitext(osp.basename(run['config']))[0]}_seed{run['seed']}")
    os.makedirs(osp.dirname(stem), exist_ok=True)
    return published_checkpoint(stem) or publish_checkpoint(run['checkpoint'], stem + '.pth')


def run_stream(args: argparse.Namespace, seed: int, stream: str) -> dict:
    """Bring one stream of one seed to done.json, resuming or skipping what is there, and
    publish its checkpoint."""
    run_dir = osp.join(args.work_dir, f'{args.benchmark}_{args.model}_{args.budget}',
                       f'seed{seed}', stream)
    state = stream_state(run_dir)
    print(f'reproduce: seed {seed} stream {stream}: {state}', flush=True)
    if state == 'done':
        run = read_json(osp.join(run_dir, 'done.json'))
        logged = logged_train_seconds(run_dir)  # again: an older done.json missed killed pieces
        if logged is not None:
            run['train_seconds'] = logged
    else:
        config = find_config(args.model, args.benchmark, stream, args.budget)
        trained = (read_json(osp.join(run_dir, 'trained.json')) if state == 'trained'
                   else train(config, run_dir, seed, args.cfg_options))
        run = test(config, run_dir, trained, args.cfg_options)
    run.update(seed=seed, stream=stream, run_dir=run_dir)
    return dict(run, published=publish(run))


def fuse(runs: List[dict]) -> List[dict]:
    """The fusions of one seed's streams: the paper's weights, then weights searched on the
    train split's scores; each with val top-1 and mean-class accuracy."""
    streams = [r['stream'] for r in runs]
    val_ids, val, labels, _ = align_results(
        [load_result(osp.join(r['run_dir'], 'val.pkl')) for r in runs])
    _, train_scores, train_labels, _ = align_results(
        [load_result(osp.join(r['run_dir'], 'train.pkl')) for r in runs])
    searched, _ = search_weights(train_scores, train_labels, SEARCH_GRID)
    fusions = []
    for name, weights in (('paper weights', [PAPER_WEIGHTS[s] for s in streams]),
                          ('weights searched on train', searched)):
        metrics = accuracies(sum(w * s for w, s in zip(weights, val)), labels)
        fusions.append(dict(seed=runs[0]['seed'], stream='+'.join(streams), weights_from=name,
                            weights=[round(w, 4) for w in weights], top1=metrics['top1'],
                            mean1=metrics['mean1'], samples=len(val_ids)))
    return fusions


def machine() -> Dict[str, object]:
    """CPU model, cores, torch and python versions of this machine, and its GPU where CUDA is
    available (the tools train there then)."""
    cpu = platform.processor() or platform.machine()
    if osp.isfile('/proc/cpuinfo'):
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            names = re.findall(r'^model name\s*:\s*(.+)$', f.read(), flags=re.M)
        cpu = names[0] if names else cpu
    info = dict(cpu=cpu, cores=os.cpu_count(), torch_threads=torch.get_num_threads(),
                torch=torch.__version__, python=platform.python_version())
    if torch.cuda.is_available():
        info['gpu'] = torch.cuda.get_device_name()
    return info


def git_commit(out_dir: str = '') -> str:
    """HEAD of the repository, with ``+dirty`` when tracked files other than the tables under
    ``out_dir`` (which runs of this tool rewrite) have changed."""
    def git(*args: str) -> str:
        return subprocess.run(['git', '-C', REPO, *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    out = osp.relpath(osp.abspath(out_dir), REPO) if out_dir else '..'
    outside = ['--', '.', f':(exclude){out}'] if not out.startswith('..') else []
    try:
        dirty = git('status', '--porcelain', '--untracked-files=no', *outside)
        return git('rev-parse', 'HEAD') + ('+dirty' if dirty else '')
    except (OSError, subprocess.CalledProcessError):
        return 'unknown (not a git checkout)'


def markdown(table: dict) -> str:
    """The results table as a markdown page (accuracies in %, times in minutes)."""
    lines = [f'# {table["model"]} on {table["benchmark"]}, {table["budget"]} budget', '',
             '| stream | seed | top-1 | mean-class | epochs | train min | test min | config | '
             'published weights |', '|---|---|---|---|---|---|---|---|---|']
    for r in table['streams']:
        lines.append(f'| {r["stream"]} | {r["seed"]} | {100 * r["top1"]:.2f} | '
                     f'{100 * r["mean1"]:.2f} | {r["epochs"]} | {r["train_seconds"] / 60:.1f} | '
                     f'{r["test_seconds"] / 60:.1f} | `{r["config"]}` | '
                     f'`{osp.basename(r["published"])}` |')
    for f in table['fusions']:
        weights = ' '.join(f'{w:g}' for w in f['weights'])
        lines.append(f'| {f["stream"]} fused ({f["weights_from"]}: {weights}) | {f["seed"]} | '
                     f'{100 * f["top1"]:.2f} | {100 * f["mean1"]:.2f} | | | | | |')
    info = table['machine']
    gpu = f', GPU {info["gpu"]}' if info.get('gpu') else ''
    lines += ['', f'Machine: {info["cpu"]}, {info["cores"]} cores ({info["torch_threads"]} torch '
              f'threads){gpu}, torch {info["torch"]}, python {info["python"]}.',
              f'Commit: `{table["git_commit"]}`.', '', 'Command:', '', '```text',
              table['command'], '```', '', 'Commands run, with their wall times:', '', '```text']
    for r in table['streams']:
        lines += [f'{c["command"]}  # {c["seconds"]:.0f} s' for c in r['commands']]
    return '\n'.join(lines + ['```', ''])


def write_table(table: dict, out_dir: str) -> List[str]:
    """Write ``<benchmark>_<model>_<budget>.json`` and ``.md`` atomically; return the paths."""
    stem = osp.join(out_dir, f'{table["benchmark"]}_{table["model"]}_{table["budget"]}')
    write_json(stem + '.json', table)
    with atomic_open(stem + '.md', 'w') as f:
        f.write(markdown(table))
    return [stem + '.md', stem + '.json']


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        for stream in args.streams:  # every config exists before hours of training start
            find_config(args.model, args.benchmark, stream, args.budget)
    except FileNotFoundError as error:
        sys.exit(f'reproduce.py: error: {error}')
    runs, fusions = [], []
    try:
        for seed in args.seeds:
            seed_runs = [run_stream(args, seed, stream) for stream in args.streams]
            runs += seed_runs
            if len(seed_runs) > 1:
                fusions += fuse(seed_runs)
    except subprocess.CalledProcessError as error:
        sys.exit(f'reproduce.py: error: {shlex.join(error.cmd)} exited with {error.returncode}; '
                 'run tools/reproduce.py again to resume')
    keep = ('seed', 'stream', 'config', 'top1', 'mean1', 'epochs', 'train_seconds',
            'test_seconds', 'checkpoint', 'published', 'commands')
    table = dict(benchmark=args.benchmark, model=args.model, budget=args.budget,
                 command=shlex.join(['python', shown(osp.abspath(__file__))] + list(
                     argv if argv is not None else sys.argv[1:])),
                 machine=machine(), git_commit=git_commit(args.out),
                 streams=[{k: r[k] for k in keep} for r in runs], fusions=fusions,
                 mean_top1={s: float(np.mean([r['top1'] for r in runs if r['stream'] == s]))
                            for s in args.streams})
    for path in write_table(table, args.out):
        print(f'reproduce: wrote {path}')


if __name__ == '__main__':
    main()
