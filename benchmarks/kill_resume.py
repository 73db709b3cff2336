"""Soak test of resuming: kill training (SIGKILL) at random moments, resume it each time, and
check that the final weights equal those of an uninterrupted run.

``tools/train.py`` trains a tiny ST-GCN (dropout in the head, random clips and rotations) on
mmskel's synthetic actions with ``--seed`` ``--deterministic`` and a checkpoint after every
iteration, keeping only the newest (``max_keep_ckpts=1``, the case where a badly timed kill
used to leave nothing to resume from). First an uninterrupted run is timed; then a second run
is started with ``--resume`` again and again, each time killed at a random moment after it has
written at least one new checkpoint (within 1.5 iterations' time of it, so kills land in
training steps and in checkpoint writes alike), until ``--kills`` kills are done; a last
``--resume`` finishes it. A resume is counted when the resumed process logs where it
resumed. The final checkpoints' weights (and buffers) are compared exactly.

Prints ``N kills, N resumed, final weights equal: True`` and exits with status 1 when they
differ (or when a resumed run fails).

Example:
    python benchmarks/kill_resume.py --kills 10 --seed 0
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
BASE_CONFIG = REPO / 'configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py'
TINY_CONFIG = """_base_ = [{base!r}]
model = dict(backbone=dict(base_channels=8, num_stages=4, inflate_stages=[3], down_stages=[3]),
             cls_head=dict(in_channels=16, dropout=0.5))
train_dataloader = dict(
    batch_size=4, dataset=dict(ann_file={ann_file!r}, indices={samples},
                               pipeline=dict(order=['normalize', 'rotate', 'feats', 'sample',
                                                    'decode', 'format', 'pack'],
                                             rotate=dict(type='RandomRot', theta=0.3))))
train_cfg = dict(max_epochs={epochs})
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=1, max_keep_ckpts=1,
                                     save_best=None),
                     logger=dict(interval=1))
env_cfg = dict(keep_freed_memory=False)
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--kills', type=int, default=10, help='how many times to kill')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the kill moments and of the training')
    parser.add_argument('--epochs', type=int, default=6)
    parser.add_argument('--iters-per-epoch', type=int, default=4,
                        help='batches of 4 samples per epoch')
    parser.add_argument('--work-dir', default='work_dirs/kill_resume')
    parser.add_argument('--timeout', type=float, default=600,
                        help='seconds one training process may take')
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> Path:
    """Write the synthetic data and the tiny config into the work dir; the config's path."""
    from mmskel.datasets.converters.synthetic import generate_synthetic
    root = Path(args.work_dir).resolve()
    root.mkdir(parents=True, exist_ok=True)
    ann_file = root / 'synthetic_3danno.pkl'
    if not ann_file.exists():
        generate_synthetic(str(ann_file), num_subjects=4, num_train_subjects=3,
                           samples_per_class_per_subject=1, min_frames=30, max_frames=40)
    config = root / 'tiny_config.py'
    config.write_text(TINY_CONFIG.format(base=str(BASE_CONFIG), ann_file=str(ann_file),
                                         samples=4 * args.iters_per_epoch, epochs=args.epochs))
    return config


def start(config: Path, work_dir: Path, seed: int, resume: bool) -> subprocess.Popen:
    work_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(REPO / 'tools/train.py'), str(config), '--work-dir',
               str(work_dir), '--seed', str(seed), '--deterministic']
    if resume:
        command.append('--resume')
    log = open(work_dir / 'runs.log', 'a')
    log.write(f'$ {" ".join(command)}\n')
    log.flush()
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(REPO))
    return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)


def finish(process: subprocess.Popen, timeout: float, work_dir: Path) -> None:
    if process.wait(timeout=timeout) != 0:
        sys.exit(f'training failed with status {process.returncode}; see '
                 f'{work_dir / "runs.log"}')


def last_checkpoint(work_dir: Path) -> Optional[str]:
    try:
        return (work_dir / 'last_checkpoint').read_text().strip() or None
    except FileNotFoundError:
        return None


def kill_after_progress(process: subprocess.Popen, work_dir: Path, window: float,
                        rng: random.Random, timeout: float) -> Optional[float]:
    """SIGKILL ``process`` within ``window`` s after it writes a new checkpoint; the seconds
    it ran, or None when it finished first."""
    begin, before = time.monotonic(), last_checkpoint(work_dir)
    while last_checkpoint(work_dir) == before:
        if process.poll() is not None:
            return None
        if time.monotonic() - begin > timeout:
            process.kill()
            sys.exit(f'no checkpoint within {timeout} s; see {work_dir / "runs.log"}')
        time.sleep(0.01)
    time.sleep(rng.uniform(0, window))
    if process.poll() is not None:
        return None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return time.monotonic() - begin


def final_weights(work_dir: Path) -> dict:
    from mmskel.engine import load_checkpoint_file
    path = last_checkpoint(work_dir)
    checkpoint = load_checkpoint_file(path, weights_only=True, training_state=True)
    return dict(iter=checkpoint['meta']['iter'], state_dict=checkpoint['state_dict'])


def same_weights(first: dict, second: dict) -> bool:
    import torch
    a, b = first['state_dict'], second['state_dict']
    return first['iter'] == second['iter'] and list(a) == list(b) and all(
        torch.equal(a[k], b[k]) for k in a)


def iteration_time(config: Path, work_dir: Path, args: argparse.Namespace) -> float:
    """Train the uninterrupted run; its seconds per iteration, from the times at which its
    checkpoints (one per iteration) appeared."""
    began = time.monotonic()
    process = start(config, work_dir, args.seed, resume=False)
    seen, times = None, []
    while process.poll() is None:
        if last_checkpoint(work_dir) != seen:
            seen = last_checkpoint(work_dir)
            times.append(time.monotonic())
        time.sleep(0.01)
    finish(process, args.timeout, work_dir)
    if len(times) < 2:
        sys.exit(f'the uninterrupted run wrote {len(times)} checkpoints: give it more '
                 '--epochs or --iters-per-epoch')
    seconds = (times[-1] - times[0]) / (len(times) - 1)
    print(f'uninterrupted run: {args.epochs * args.iters_per_epoch} iterations in '
          f'{time.monotonic() - began:.1f} s ({times[0] - began:.1f} s to the first '
          f'checkpoint, then {seconds:.2f} s an iteration)')
    return seconds


def main(argv=None) -> None:
    args = parse_args(argv)
    config = prepare(args)
    straight, killed = config.parent / 'uninterrupted', config.parent / 'killed'
    for folder in (straight, killed):  # a fresh soak each time
        shutil.rmtree(folder, ignore_errors=True)
    window = 1.5 * iteration_time(config, straight, args)

    rng = random.Random(args.seed)
    kills = 0
    process = start(config, killed, args.seed, resume=True)
    while kills < args.kills:
        seconds = kill_after_progress(process, killed, window, rng, args.timeout)
        if seconds is None:
            break
        kills += 1
        print(f'kill {kills}: after {seconds:.2f} s, last checkpoint '
              f'{Path(last_checkpoint(killed)).name}')
        process = start(config, killed, args.seed, resume=True)
    finish(process, args.timeout, killed)
    if kills < args.kills:
        print(f'the training finished after {kills} of {args.kills} kills: give it more '
              '--epochs')
    resumed = (killed / 'runs.log').read_text().count('resumed epoch:')
    equal = same_weights(final_weights(killed), final_weights(straight))
    print(f'{kills} kills, {resumed} resumed, final weights equal: {equal}')
    sys.exit(0 if equal else 1)


if __name__ == '__main__':
    main()
