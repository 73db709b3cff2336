"""Learning-rate (and momentum) schedules that follow the run's length.

A schedule base writes its ``param_scheduler`` in absolute epochs for one length, and records
that length as the top-level ``max_epochs`` (``configs/_base_/schedules/*.py``). A run of another
length, ``train_cfg.max_epochs`` set by a config that inherits it or by ``--cfg-options``, gets
every entry's epoch positions scaled to it, so that a shortened cosine schedule still decays to
its end and the milestones keep their place in the run (docs/configs.md).
"""
import math
from fractions import Fraction
from typing import Any, List, Optional, Tuple

from mmengine.config import Config

POSITIONS = ('begin', 'end')  # epoch positions of an entry
LENGTHS = ('step_size', 'periods')  # spans of an entry (T_max is handled with its begin)


def _entries(schedulers: Any) -> List[dict]:
    """The scheduler dicts of a ``param_scheduler`` value: one dict, a list of them, or a dict
    of such per optimizer."""
    if schedulers is None:
        return []
    if isinstance(schedulers, dict):
        if 'type' in schedulers:
            return [schedulers]
        return [e for value in schedulers.values() for e in _entries(value)]
    return [e for value in schedulers for e in _entries(value)]


def _by_epoch(entry: dict) -> bool:
    return entry.get('by_epoch', True)


def _is_finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def schedule_reach(schedulers: Any) -> Optional[float]:
    """The last epoch any epoch-based entry of ``schedulers`` acts on: its ``end``, or its
    ``begin + T_max`` when it has no ``end``; None when no entry states one."""
    reaches = []
    for entry in filter(_by_epoch, _entries(schedulers)):
        if _is_finite(entry.get('end')):
            reaches.append(entry['end'])
        elif _is_finite(entry.get('T_max')):
            reaches.append(entry.get('begin', 0) + entry['T_max'])
    return max(reaches) if reaches else None


def _scaler(new: int, old: float):
    """Position -> position scaled by ``new / old``, rounded half up to a whole epoch (or
    iteration); a position after 0 stays at least 1, so no milestone moves to the start."""
    def scale(value):
        if not _is_finite(value):
            return value
        scaled = math.floor(Fraction(value) * new / Fraction(old) + Fraction(1, 2))
        return max(scaled, 1) if value > 0 else scaled
    return scale


def _scale_entry(entry: dict, scale) -> Tuple[Optional[dict], str]:
    """``entry`` with its positions scaled, and a note of what changed; None when the scaled
    entry would act on no epoch (a warm-up squeezed out of a very short run)."""
    out, changes = dict(entry), []
    for key in POSITIONS:
        if key in entry:
            out[key] = scale(entry[key])
    if 'milestones' in entry:
        out['milestones'] = [scale(m) for m in entry['milestones']]
    if _is_finite(entry.get('T_max')):
        begin = entry.get('begin', 0)
        out['T_max'] = scale(begin + entry['T_max']) - scale(begin)
    for key in LENGTHS:
        if key in entry:
            value = entry[key]
            out[key] = [scale(v) for v in value] if isinstance(value, (list, tuple)) \
                else scale(value)
    for key in (*POSITIONS, 'milestones', 'T_max', *LENGTHS):
        if key in entry and out[key] != entry[key]:
            before = list(entry[key]) if isinstance(entry[key], (list, tuple)) else entry[key]
            changes.append(f'{key} {before} -> {out[key]}')
    note = f"{entry.get('type')} {', '.join(changes) or 'unchanged'}"
    empty = (_is_finite(out.get('end')) and out['end'] <= out.get('begin', 0)) or \
        (_is_finite(out.get('T_max')) and out['T_max'] <= 0)
    if empty:
        return None, f"{entry.get('type')} dropped (no epoch left to it)"
    return out, note


def _rebuild(schedulers: Any, scale, notes: List[str]) -> Any:
    """``schedulers`` (dict, list, or per-optimizer dict) with each entry scaled."""
    if isinstance(schedulers, dict) and 'type' not in schedulers:
        return {name: _rebuild(value, scale, notes) for name, value in schedulers.items()}
    single = isinstance(schedulers, dict)
    scaled = []
    for entry in ([schedulers] if single else schedulers):
        out, note = _scale_entry(entry, scale)
        notes.append(note)
        if out is not None:
            scaled.append(out)
    return (scaled[0] if scaled else []) if single else scaled


def fit_schedule(cfg: Config) -> Optional[str]:
    """Scale ``cfg.param_scheduler`` to ``cfg.train_cfg.max_epochs``, in place.

    The schedule's own length is the larger of the top-level ``max_epochs`` (what the schedule
    base wrote) and the last epoch an entry reaches (:func:`schedule_reach`), so a config that
    replaced the schedule without restating ``max_epochs`` is measured by its own entries. A
    schedule that already reaches ``train_cfg.max_epochs`` is written for the run and left as
    it is, as is any run that is not epoch-based. Otherwise every entry's ``begin``, ``end``,
    ``milestones``, ``T_max`` (as ``end - begin``), ``step_size`` and ``periods`` are multiplied
    by run length / schedule length and rounded to whole epochs (at least 1 after epoch 0);
    warm-ups scale with the rest, and ``convert_to_iter_based`` entries still become
    iteration-based when the Runner builds them. An entry left with no epoch is dropped. The
    top-level ``max_epochs`` is set to the run's, so a second call changes nothing. A config
    with ``scale_schedule = False`` keeps its schedule as written (to train the first epochs of
    a longer schedule, and resume it later).

    Args:
        cfg (Config): The config, changed in place.

    Returns:
        str | None: A line saying what was rescaled, for the log; None when nothing was.

    Raises:
        ValueError: ``train_cfg.max_epochs`` is not a positive whole number.
    """
    train_cfg, schedulers = cfg.get('train_cfg'), cfg.get('param_scheduler')
    if not train_cfg or 'max_epochs' not in train_cfg or not _entries(schedulers) or \
            not cfg.get('scale_schedule', True):
        return None
    run = train_cfg['max_epochs']
    if isinstance(run, bool) or not isinstance(run, int) or run < 1:
        raise ValueError(f'{cfg.filename}: train_cfg.max_epochs must be a whole number of epochs '
                         f'>= 1, got {run!r}')
    reach = schedule_reach(schedulers)
    if reach == run:
        return None
    written = max(v for v in (cfg.get('max_epochs'), reach, 0) if _is_finite(v))
    if written in (0, run):
        return None
    notes: List[str] = []
    cfg.param_scheduler = _rebuild(schedulers, _scaler(run, written), notes)
    cfg.max_epochs = run
    return (f'param_scheduler written for {written:g} epochs rescaled to train_cfg.max_epochs='
            f'{run} (x{run / written:.3g}): {"; ".join(notes)}')
