"""How far is a 2-process (DDP, gloo) training from a 1-process one with the same global batch?

``tools/train.py`` trains a tiny ST-GCN on mmskel's synthetic actions with ``--seed``
``--deterministic`` for ``--epochs`` epochs of ``--iters-per-epoch`` iterations of a global batch
of 8: once in one process (batch 8), and with ``torchrun --nproc_per_node 2`` (batch 4 each),
without and with ``sync_bn='torch'`` (mmskel's CPU SyncBN). Each run's final weights are compared
with the one-process run's: the largest absolute difference over the learned parameters and over
the BatchNorm running statistics, and the parameters' difference relative to their size
(``||w - w_1|| / ||w_1||`` over all of them).

Prints one table row per run; see ``docs/training_and_testing.md`` (Distributed).

Example:
    python benchmarks/ddp_equivalence.py --epochs 2 --iters-per-epoch 3
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASE_CONFIG = REPO / 'configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py'
TINY_CONFIG = """_base_ = [{base!r}]
model = dict(backbone=dict(base_channels=8, num_stages=4, inflate_stages=[3], down_stages=[3]),
             cls_head=dict(in_channels=16, dropout={dropout}))
train_dataloader = dict(
    batch_size={batch_size},
    dataset=dict(ann_file={ann_file!r}, indices={samples},
                 pipeline=dict(order=['normalize', 'rotate', 'feats', 'sample', 'decode',
                                      'format', 'pack'],
                               rotate=dict(type='RandomRot', theta=0.3))))
train_cfg = dict(max_epochs={epochs})
default_hooks = dict(checkpoint=dict(interval={epochs}, save_best=None),
                     logger=dict(interval=1))
env_cfg = dict(keep_freed_memory=False)
"""
GLOBAL_BATCH = 8
# name: (processes, extra tools/train.py arguments)
RUNS = {'1 process, batch 8': (1, []),
        '2 processes, batch 4 each': (2, []),
        '2 processes, batch 4 each, sync_bn': (2, ['--cfg-options', 'sync_bn=torch'])}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--iters-per-epoch', type=int, default=3)
    parser.add_argument('--dropout', type=float, default=0.0, help="the head's dropout")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--work-dir', default='work_dirs/ddp_equivalence')
    return parser.parse_args(argv)


def write_config(args: argparse.Namespace, root: Path, processes: int) -> Path:
    from mmskel.datasets.converters.synthetic import generate_synthetic
    ann_file = root / 'synthetic_3danno.pkl'
    if not ann_file.exists():
        generate_synthetic(str(ann_file), num_subjects=4, num_train_subjects=3,
                           samples_per_class_per_subject=1, min_frames=30, max_frames=40)
    config = root / f'tiny_config_{processes}.py'
    config.write_text(TINY_CONFIG.format(
        base=str(BASE_CONFIG), ann_file=str(ann_file), dropout=args.dropout,
        batch_size=GLOBAL_BATCH // processes, samples=GLOBAL_BATCH * args.iters_per_epoch,
        epochs=args.epochs))
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def train(config: Path, work_dir: Path, processes: int, extra: list, seed: int) -> Path:
    """Run tools/train.py; the final checkpoint."""
    shutil.rmtree(work_dir, ignore_errors=True)
    train_args = [str(config), '--work-dir', str(work_dir), '--seed', str(seed),
                  '--deterministic', *extra]
    if processes == 1:
        command = [sys.executable, str(REPO / 'tools/train.py'), *train_args]
    else:
        command = [sys.executable, '-m', 'torch.distributed.run', f'--nproc_per_node={processes}',
                   '--master_addr=127.0.0.1', f'--master_port={free_port()}',
                   str(REPO / 'tools/train.py'), *train_args, '--launcher', 'pytorch']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(REPO))
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f'{" ".join(command)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}')
    return Path((work_dir / 'last_checkpoint').read_text().strip())


def differences(weights: dict, reference: dict) -> dict:
    """Largest absolute difference over the learned parameters and over the BN running
    statistics, and the parameters' difference relative to their size (L2 norms over all of
    them: tensors of tiny values, such as BN biases near 0, do not dominate it)."""
    params, stats, squares, sizes = [0.0], [0.0], 0.0, 0.0
    for key, ref in reference.items():
        if not ref.is_floating_point():
            continue
        delta = weights[key].double() - ref.double()
        if key.endswith(('running_mean', 'running_var')):
            stats.append(delta.abs().max().item())
        else:
            params.append(delta.abs().max().item())
            squares += delta.square().sum().item()
            sizes += ref.double().square().sum().item()
    return dict(params=max(params), stats=max(stats), relative=(squares / sizes) ** 0.5)


def main(argv=None) -> None:
    args = parse_args(argv)
    from mmskel.engine import load_checkpoint_file
    root = Path(args.work_dir).resolve()
    root.mkdir(parents=True, exist_ok=True)
    finals = {}
    for name, (processes, extra) in RUNS.items():
        config = write_config(args, root, processes)
        work_dir = root / name.replace(' ', '_').replace(',', '')
        path = train(config, work_dir, processes, extra, args.seed)
        checkpoint = load_checkpoint_file(str(path), weights_only=True, training_state=True)
        finals[name] = checkpoint['state_dict']
    reference = finals['1 process, batch 8']
    print(f'{args.epochs} epochs x {args.iters_per_epoch} iterations, global batch '
          f'{GLOBAL_BATCH}, head dropout {args.dropout}, seed {args.seed}\n')
    print('| run | max abs diff, parameters | relative diff, parameters '
          '| max abs diff, BN running stats |')
    print('|---|---|---|---|')
    for name, weights in finals.items():
        diff = differences(weights, reference)
        print(f'| {name} | {diff["params"]:.2e} | {diff["relative"]:.2e} | '
              f'{diff["stats"]:.2e} |')


if __name__ == '__main__':
    main()
