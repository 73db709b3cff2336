"""Training curves from mmengine's ``vis_data/scalars.json`` logs (one json object per line).

A run of ``tools/train.py`` writes ``<work_dir>/<timestamp>/vis_data/scalars.json``. Training
records carry ``epoch``, ``iter`` and ``step`` (the global iteration) beside ``loss``, ``lr``
and ``time``; validation records carry the metrics (``acc/top1`` ...) with ``step`` = epoch.
"""
import json
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmskel.utils import atomic_open


@dataclass
class RunLog:
    """The scalars of one training run.

    Attributes:
        path (str): The ``scalars.json`` file.
        train (List[dict]): Training records, in order (each has ``epoch`` and ``step``).
        val (List[dict]): Validation records, in order (``step`` is the epoch).
    """
    path: str
    train: List[dict]
    val: List[dict]

    def series(self, key: str) -> Tuple[np.ndarray, np.ndarray, str]:
        """(x, y, x label) of ``key``: over iterations for training keys, over epochs for
        validation keys.

        Raises:
            KeyError: No record has ``key``; the message lists the keys there are.
        """
        for records, x_label in ((self.train, 'iteration'), (self.val, 'epoch')):
            points = [(r['step'], r[key]) for r in records if key in r]
            if points:
                x, y = np.array(points, dtype=np.float64).T
                return x, y, x_label
        raise KeyError(f'{self.path}: no record has {key!r}; keys logged there: '
                       f'{self.keys()}')

    def keys(self) -> List[str]:
        skip = {'epoch', 'iter', 'step'}
        return sorted({k for r in self.train + self.val for k in r} - skip)


def find_scalars(path: str) -> str:
    """The ``scalars.json`` that ``path`` names: the file itself, a run folder
    (``<timestamp>/``), or a work dir (its latest run)."""
    p = Path(path)
    if p.is_file():
        return str(p)
    if (p / 'vis_data' / 'scalars.json').is_file():
        return str(p / 'vis_data' / 'scalars.json')
    if p.is_dir():
        runs = sorted(q for q in p.iterdir() if (q / 'vis_data' / 'scalars.json').is_file())
        if runs:
            return str(runs[-1] / 'vis_data' / 'scalars.json')
    raise FileNotFoundError(f'{path}: expected a vis_data/scalars.json file, a run folder '
                            '<work_dir>/<timestamp>/ or a work dir holding one')


def load_run_log(path: str) -> RunLog:
    """Read one run's scalars (``path`` as in :func:`find_scalars`).

    Raises:
        ValueError: A line is not a json object with a ``step``; the message names the line.
    """
    file = find_scalars(path)
    train, val = [], []
    with open(file, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{file}, line {number}: not json ({e})') from e
            if not isinstance(record, dict) or 'step' not in record:
                raise ValueError(f'{file}, line {number}: expected a json object with "step", '
                                 f'got {line.strip()[:80]!r}')
            (train if 'iter' in record else val).append(record)
    if not train and not val:
        raise ValueError(f'{file}: holds no records')
    return RunLog(file, train, val)


def plot_curves(logs: Sequence[RunLog], keys: Sequence[str], out_file: str,
                legend: Optional[Sequence[str]] = None, title: Optional[str] = None,
                dpi: int = 100) -> Dict[str, Dict[str, np.ndarray]]:
    """One panel per key, one line per run; write a PNG atomically.

    Args:
        logs (Sequence[RunLog]): The runs.
        keys (Sequence[str]): Logged keys, e.g. ``['loss', 'lr', 'acc/top1']``.
        out_file (str): ``.png`` path.
        legend (Sequence[str], optional): One name per run; the run folders' names by default.
        title (str, optional): Figure title.
        dpi (int): Dots per inch of the 6 x 3.5 inch panels.

    Returns:
        dict: key -> run name -> [P] the values plotted.
    """
    if legend is not None and len(legend) != len(logs):
        raise ValueError(f'{len(legend)} legend names for {len(logs)} logs')
    names = list(legend) if legend is not None else [_run_name(log.path) for log in logs]
    series = {key: [log.series(key) for log in logs] for key in keys}  # fails before drawing

    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    fig = Figure(figsize=(6, 3.5 * len(keys)), dpi=dpi)
    axes = fig.subplots(len(keys), 1, squeeze=False)
    plotted = {}
    for ax, key in zip(axes[:, 0], keys):
        plotted[key] = {}
        for name, (x, y, x_label) in zip(names, series[key]):
            ax.plot(x, y, marker='o' if len(x) < 30 else None, ms=3, label=name)
            ax.set_xlabel(x_label)
            plotted[key][name] = y
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    with atomic_open(out_file, 'wb') as f:
        fig.savefig(f, format='png', dpi=dpi)
    return plotted


def train_time(log: RunLog) -> Dict[str, float]:
    """Iteration-time statistics of a run from its logged ``time`` (seconds per iteration).

    Returns:
        dict: ``slowest_epoch``, ``slowest_time``, ``fastest_epoch``, ``fastest_time`` (mean
        seconds per iteration of those epochs), ``std`` over epochs, ``average`` over all logged
        iterations, and ``data_time``: their mean logged ``data_time``, the part of an
        iteration spent waiting for the data loader (None where it is not logged).
    """
    by_epoch: Dict[int, List[float]] = {}
    waits = []
    for record in log.train:
        if 'time' in record:
            by_epoch.setdefault(int(record['epoch']), []).append(float(record['time']))
            if 'data_time' in record:
                waits.append(float(record['data_time']))
    if not by_epoch:
        raise ValueError(f'{log.path}: no training record has "time"')
    epochs = sorted(by_epoch)
    means = np.array([np.mean(by_epoch[e]) for e in epochs])
    return dict(slowest_epoch=epochs[int(means.argmax())], slowest_time=float(means.max()),
                fastest_epoch=epochs[int(means.argmin())], fastest_time=float(means.min()),
                std=float(means.std()),
                average=float(np.mean([t for e in epochs for t in by_epoch[e]])),
                data_time=float(np.mean(waits)) if waits else None)


def _run_name(path: str) -> str:
    """``<work_dir>/<timestamp>/vis_data/scalars.json`` -> ``<work_dir name>/<timestamp>``."""
    run = Path(path).resolve().parent.parent
    return osp.join(run.parent.name, run.name) if run.name[:8].isdigit() else str(path)
