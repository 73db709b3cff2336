"""Stop training at the first NaN or inf loss, saying where it happened."""
import math
from typing import Any, Dict, List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from mmskel.registry import HOOKS


class NonFiniteLossError(RuntimeError):
    """A training loss became NaN or inf; the message names the iteration and the terms."""


def non_finite_terms(outputs: Optional[Dict[str, Any]]) -> Dict[str, float]:
    """The loss terms of a ``train_step`` output that are NaN or inf, name -> value.

    A term is a key with ``loss`` in its name, as mmengine's ``parse_losses`` sums them.
    """
    losses = {name: value for name, value in (outputs or {}).items()
              if 'loss' in name and isinstance(value, (torch.Tensor, float, int))}
    if not losses:
        return {}
    device = next((v.device for v in losses.values() if isinstance(v, torch.Tensor)), 'cpu')
    values = torch.stack([torch.as_tensor(v, dtype=torch.float32, device=device).detach().mean()
                          for v in losses.values()])
    if bool(torch.isfinite(values).all()):  # one device sync, as logging the losses costs
        return {}
    return {name: value for name, value in zip(losses, values.tolist())
            if not math.isfinite(value)}


def _batch_ids(data_batch: Any, limit: int = 8) -> List[str]:
    """The ``frame_dir`` of the batch's samples, where the data samples carry it."""
    samples = data_batch.get('data_samples', []) if isinstance(data_batch, dict) else []
    ids = [getattr(s, 'metainfo', {}).get('frame_dir') for s in samples or []]
    ids = [i for i in ids if i is not None]
    return ids[:limit] + ([f'... ({len(ids) - limit} more)'] if len(ids) > limit else [])


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` after a training iteration whose loss is NaN or inf.

    Training would otherwise go on with NaN weights (a NaN spreads to every weight through the
    optimizer step) and log ``loss: nan`` epoch after epoch. The error names the epoch and
    iteration (1-based, as the log counts them), each non-finite term with its value and the
    samples of the batch. It runs before the checkpoint hook, so no checkpoint of the NaN
    weights is written after that iteration.

    mmengine 0.10 has no such hook (mmdet's ``CheckInvalidLossHook`` checks every 50
    iterations); this one checks every iteration, which costs one read of the loss values, as
    the ``RuntimeInfoHook`` already does to log them. With fp16 mixed precision and a dynamic
    loss scale, an overflowing *gradient* is skipped by the scaler and is not seen here; only
    the loss itself is checked.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self, runner, batch_idx: int, data_batch: Any = None,
                         outputs: Optional[Dict[str, Any]] = None) -> None:
        bad = non_finite_terms(outputs)
        if not bad:
            return
        terms = ', '.join(f'{name}={value}' for name, value in bad.items())
        where = f'iteration {runner.iter + 1}'
        if not isinstance(runner.train_loop, IterBasedTrainLoop):
            where = (f'epoch {runner.epoch + 1}, iteration {batch_idx + 1} of the epoch '
                     f'({where} in all)')
        ids = _batch_ids(data_batch)
        batch = f'; the batch held {", ".join(map(str, ids))}' if ids else ''
        raise NonFiniteLossError(
            f'non-finite training loss at {where}: {terms}{batch}. Training stopped before '
            'a checkpoint of the weights this step may have spoiled was written; check the '
            'data (tools/data/inspect_pickle.py) or resume from the last checkpoint with a '
            'lower learning rate')
