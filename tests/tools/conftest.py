"""Fixtures for the tool tests: real NW-UCLA data, tiny runs of tools/*.py and tools/*.sh as a
user types them, and readers for what those runs leave in their work dirs.

Every run trains the NW-UCLA ST-GCN config shrunk by ``--cfg-options``: a class-balanced subset
of real samples (4 per class for training, 2 per class plus one for validation, an odd count so
that a 2-process run needs sampler padding), batch 8, ST-GCN with 16 base channels.
"""
import json
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest
from conftest import shared_path  # tests/conftest.py (tests/tools is a package)

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'
TRAIN_PER_CLASS, VAL_PER_CLASS = 4, 2
BATCH_SIZE = 8
TIMEOUT = 300  # seconds for one tool run; a tiny run takes 5-25 s on 2 cores


@dataclass
class NWUCLAData:
    """A converted NW-UCLA pickle, and the ids and labels of each split in dataset order."""
    ann_file: Path
    ids: Dict[str, List[str]]
    labels: Dict[str, List[int]]

    def balanced(self, split: str, per_class: int, extra: int = 0) -> List[int]:
        """Dataset positions of ``per_class`` samples of each class, spread over the split
        (so over subjects and views), plus ``extra`` more of the last class; sorted."""
        by_class: Dict[int, List[int]] = {}
        for i, label in enumerate(self.labels[split]):
            by_class.setdefault(label, []).append(i)
        chosen = []
        for label, positions in sorted(by_class.items()):
            count = per_class + (extra if label == max(by_class) else 0)
            step = max(len(positions) // count, 1)
            chosen += positions[::step][:count]
        return sorted(chosen)

    @property
    def val_indices(self) -> List[int]:
        return self.balanced('val', VAL_PER_CLASS, extra=1)


class WorkDir:
    """What one work dir holds after tools/train.py or tools/test.py runs in it.

    Each run writes ``<work_dir>/<timestamp>/``: ``<timestamp>.log`` (text), for training
    ``vis_data/scalars.json`` (one json per logged step), for testing ``<timestamp>.json``.
    ``run=-1`` picks the latest run.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def runs(self) -> List[Path]:
        return sorted(p for p in self.path.iterdir() if p.is_dir() and p.name[:8].isdigit())

    def log(self, run: int = -1) -> str:
        folder = self.runs()[run]
        return (folder / f'{folder.name}.log').read_text()

    def scalars(self, run: int = -1) -> List[dict]:
        lines = (self.runs()[run] / 'vis_data' / 'scalars.json').read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def train_records(self, run: int = -1) -> List[dict]:
        return [r for r in self.scalars(run) if 'loss' in r]

    def val_top1(self, run: int = -1) -> Dict[int, float]:
        """Epoch -> logged val ``acc/top1`` (a val record's ``step`` is its epoch)."""
        return {r['step']: r['acc/top1'] for r in self.scalars(run) if 'acc/top1' in r}

    def test_metrics(self, run: int = -1) -> dict:
        folder = self.runs()[run]
        return json.loads((folder / f'{folder.name}.json').read_text())


class Tools:
    """Runs the repository's tools in subprocesses, the way a user runs them."""

    def __init__(self, data: Optional[NWUCLAData] = None) -> None:
        self.data = data

    @staticmethod
    def env() -> Dict[str, str]:
        env = dict(os.environ)
        # the venv's python first, as in an activated venv (the shell scripts call `python`)
        env['PATH'] = f'{Path(sys.executable).parent}{os.pathsep}{env.get("PATH", "")}'
        env['PYTHONPATH'] = str(REPO)
        # One thread per process: on 2 shared cores OpenMP's spinning threads make a training
        # step several times slower whenever another process is busy (torchrun sets this too).
        env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = '1'
        for name in ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
            env.pop(name, None)
        return env

    def run(self, args: Sequence, cwd: Path, check: bool = True,
            env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        """Run ``args``: a ``.py`` tool with the venv's python, a ``.sh`` one with bash."""
        args = [str(a) for a in args]
        if args[0].endswith('.py'):
            args = [sys.executable, str(REPO / args[0])] + args[1:]
        elif args[0].endswith('.sh'):
            args = ['bash', str(REPO / args[0])] + args[1:]
        Path(cwd).mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(args, cwd=cwd, env=env or self.env(), capture_output=True,
                              text=True, timeout=TIMEOUT)
        if check and proc.returncode != 0:
            pytest.fail(f'{" ".join(args)} exited with {proc.returncode}:\n'
                        f'{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}')
        return proc

    def options(self, max_epochs: int = 2, train_per_class: int = TRAIN_PER_CLASS) -> List[str]:
        """``--cfg-options`` values that shrink the NW-UCLA ST-GCN run to seconds."""
        def indices(positions: List[int]) -> str:
            return '[' + ','.join(map(str, positions)) + ']'

        train = indices(self.data.balanced('train', train_per_class))
        val = indices(self.data.val_indices)
        opts = [f'train_cfg.max_epochs={max_epochs}', 'default_hooks.logger.interval=1',
                'model.backbone.base_channels=16', 'model.cls_head.in_channels=64',
                f'train_dataloader.dataset.indices={train}',
                f'val_dataloader.dataset.indices={val}', f'test_dataloader.dataset.indices={val}']
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            opts += [f'{loader}.dataset.ann_file={self.data.ann_file}',
                     f'{loader}.batch_size={BATCH_SIZE}', f'{loader}.num_workers=0',
                     f'{loader}.persistent_workers=False']
        return opts

    def train(self, work_dir: Path, *args: str, max_epochs: int = 2,
              train_per_class: int = TRAIN_PER_CLASS,
              options: Sequence[str] = ()) -> subprocess.CompletedProcess:
        """``python tools/train.py CONFIG --work-dir WORK_DIR ARGS --cfg-options ...``."""
        return self.run(['tools/train.py', CONFIG, '--work-dir', work_dir, *args,
                         '--cfg-options', *self.options(max_epochs, train_per_class), *options],
                        cwd=Path(work_dir).parent)

    def test(self, checkpoint: Path, work_dir: Path, *args: str,
             check: bool = True) -> subprocess.CompletedProcess:
        """``python tools/test.py CONFIG CHECKPOINT --work-dir WORK_DIR ARGS --cfg-options ...``."""
        return self.run(['tools/test.py', CONFIG, checkpoint, '--work-dir', work_dir, *args,
                         '--cfg-options', *self.options()], cwd=Path(work_dir).parent,
                        check=check)


@pytest.fixture(scope='session')
def nwucla(tmp_path_factory) -> NWUCLAData:
    """The real NW-UCLA data, converted once by the converter tool."""
    root = shared_path('NW-UCLA', 'all_sqe')
    out = tmp_path_factory.mktemp('nwucla') / 'nwucla_3danno.pkl'
    Tools().run(['tools/data/nwucla/convert_nwucla.py', '--root', root, '--out', out],
                cwd=out.parent)
    with open(out, 'rb') as f:
        ann = pickle.load(f)
    ids, labels = {}, {}
    for split in ('train', 'val'):
        keep = set(ann['split'][split])
        samples = [s for s in ann['annotations'] if s['frame_dir'] in keep]
        ids[split] = [s['frame_dir'] for s in samples]
        labels[split] = [int(s['label']) for s in samples]
    return NWUCLAData(out, ids, labels)


@pytest.fixture(scope='session')
def tools(nwucla) -> Tools:
    return Tools(nwucla)


@pytest.fixture(scope='session')
def trained(tools, tmp_path_factory) -> WorkDir:
    """One 2-epoch run with validation and seed 0, shared by the train, test and dist tests."""
    work_dir = tmp_path_factory.mktemp('trained') / 'work_dir'
    tools.train(work_dir, '--validate', '--seed', '0', '--deterministic')
    return WorkDir(work_dir)
