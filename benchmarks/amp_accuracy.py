"""Does mixed precision cost accuracy? The same recipe trained in fp32 and with ``--amp`` on real
data, for several seeds, and a table of what each run reached.

Each (precision, seed) run is ``tools/train.py CONFIG --validate --seed S [--amp ...]`` in its own
work dir under ``--root``, with the schedule shortened to ``--epochs`` (linear warm-up over
``--warmup`` epochs, then cosine to the end, as the config's recipe does over its own length).
The script is resumable: run it again after an interruption and each unfinished run resumes from
its last checkpoint, finished ones are skipped; wall times add up across the pieces. The table
gives per run the last and best val top-1 and mean-class accuracy, the epochs done and the
training wall time, then per precision the mean of the seeds.

Examples (the NW-UCLA pickle made as in docs/datasets/nwucla.md):
    python benchmarks/amp_accuracy.py --root work_dirs/amp_accuracy --epochs 16 --seeds 0 1
    python benchmarks/amp_accuracy.py --precisions fp32 fp16 bf16 --parallel 6  # on a GPU
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mmskel.utils.fileio import atomic_open

REPO = Path(__file__).resolve().parents[1]
CONFIG = 'configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py'
# tools/train.py switches of each precision
PRECISIONS = {'fp32': [], 'bf16': ['--amp', '--amp-dtype', 'bfloat16'],
              'fp16': ['--amp', '--amp-dtype', 'float16']}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--root', default='work_dirs/amp_accuracy', help='one work dir a run')
    parser.add_argument('--epochs', type=int, default=16)
    parser.add_argument('--warmup', type=int, default=2, help='linear warm-up epochs')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--precisions', nargs='+', choices=sorted(PRECISIONS),
                        default=['fp32', 'bf16'])
    parser.add_argument('--parallel', type=int, default=1, help='runs at once')
    parser.add_argument('--threads', type=int, help='OMP_NUM_THREADS of each run')
    parser.add_argument('--timeout', type=float, help='stop the runs after this many seconds '
                        '(they resume next time)')
    parser.add_argument('--cfg-options', nargs='*', default=[], help='more config overrides')
    return parser.parse_args(argv)


def schedule_options(epochs: int, warmup: int) -> list:
    """``--cfg-options`` that shorten a warm-up + cosine recipe to ``epochs``."""
    if not 0 < warmup < epochs:
        raise SystemExit(f'--warmup must be between 1 and --epochs - 1, got {warmup}')
    return [f'train_cfg.max_epochs={epochs}', f'param_scheduler.0.end={warmup}',
            f'param_scheduler.1.begin={warmup}', f'param_scheduler.1.end={epochs}',
            f'param_scheduler.1.T_max={epochs - warmup}']


class Run:
    """One (precision, seed) training run and its work dir."""

    def __init__(self, args: argparse.Namespace, precision: str, seed: int):
        self.name = f'{precision}_seed{seed}'
        self.dir = Path(args.root).resolve() / self.name
        self.epochs = args.epochs
        self.command = [sys.executable, 'tools/train.py', args.config, '--validate', '--seed',
                        str(seed), *PRECISIONS[precision], '--resume', '--work-dir',
                        str(self.dir), '--cfg-options',
                        *schedule_options(args.epochs, args.warmup), *args.cfg_options]
        self.env = dict(os.environ, PYTHONUNBUFFERED='1')
        if args.threads:
            self.env['OMP_NUM_THREADS'] = str(args.threads)
        self.proc = None

    def records(self) -> list:
        """The val records of every piece of the run, one per epoch (a resumed piece's last)."""
        by_epoch = {}
        for path in sorted(self.dir.glob('*/vis_data/scalars.json')):
            for line in path.read_text().splitlines():
                record = json.loads(line)
                if 'acc/top1' in record:
                    by_epoch[record['step']] = record
        return [by_epoch[e] for e in sorted(by_epoch)]

    @property
    def wall_file(self) -> Path:
        return self.dir / 'wall_seconds.json'

    def wall(self) -> float:
        return json.loads(self.wall_file.read_text()) if self.wall_file.exists() else 0.0

    def done(self) -> bool:
        return len(self.records()) >= self.epochs

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.dir / 'train.out', 'a')
        print(f'{self.name}: {" ".join(self.command)}', flush=True)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def finish(self, stop: bool = False) -> None:
        if stop:
            self.proc.terminate()
        code = self.proc.wait()
        self.log.close()
        with atomic_open(self.wall_file, 'w') as f:
            json.dump(self.wall() + time.monotonic() - self.started, f)
        if code and not stop:
            print(f'{self.name} exited with {code}; see {self.dir / "train.out"}', flush=True)
        self.proc = None


def run_all(runs: list, parallel: int, timeout: float = None) -> None:
    """Train the unfinished runs, ``parallel`` at once, until done or ``timeout`` seconds."""
    todo = [run for run in runs if not run.done()]
    active = []
    deadline = time.monotonic() + timeout if timeout else None
    while todo or active:
        while todo and len(active) < parallel:
            active.append(todo.pop(0))
            active[-1].start()
        time.sleep(1)
        if deadline and time.monotonic() > deadline:
            for run in active:
                run.finish(stop=True)
            print('timeout: the runs resume when this command runs again', flush=True)
            return
        for run in [run for run in active if run.proc.poll() is not None]:
            run.finish()
            active.remove(run)


def percent(value: float) -> str:
    return f'{100 * value:.2f}'


def table(runs: list) -> str:
    lines = ['| run | epochs | val top-1 last | val top-1 best | val mean class last | '
             'train wall |', '|---|---|---|---|---|---|']
    last = {}
    for run in runs:
        records = run.records()
        if not records:
            lines.append(f'| {run.name} | 0 | - | - | - | - |')
            continue
        top1 = [r['acc/top1'] for r in records]
        lines.append(f'| {run.name} | {len(records)} | {percent(top1[-1])} | '
                     f'{percent(max(top1))} | {percent(records[-1]["acc/mean1"])} | '
                     f'{run.wall() / 60:.1f} min |')
        if run.done():
            last.setdefault(run.name.split('_seed')[0], []).append(top1[-1])
    lines.append('')
    for precision, values in last.items():
        spread = f' (seeds {", ".join(percent(v) for v in values)})' if len(values) > 1 else ''
        lines.append(f'{precision}: mean last val top-1 {percent(statistics.mean(values))}'
                     f'{spread}')
    return '\n'.join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    runs = [Run(args, precision, seed) for precision in args.precisions for seed in args.seeds]
    run_all(runs, args.parallel, args.timeout)
    print(table(runs))


if __name__ == '__main__':
    main()
