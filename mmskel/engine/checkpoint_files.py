"""Which checkpoint to resume from, and whether a checkpoint's weights fit a model."""
import glob
import logging
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import torch

from .checkpoint import checkpoint_problem

# Keys a checkpoint may carry for training only: the LST head's text projections and
# temperatures (mmskel/models/heads/lst_head.py), which its plain GCN twin does not have.
TRAINING_ONLY_KEYS = re.compile(r'^cls_head\.(projections\..+|logit_scale)$')
RESUMABLE = re.compile(r'^(epoch|iter)_(\d+)\.pth$')  # CheckpointHook's training checkpoints


class CheckpointMismatchError(ValueError):
    """Weights that do not fit the model; the message names the file and the keys."""


def fit_state_dict(model_state: Dict[str, torch.Tensor], weights: Dict[str, torch.Tensor],
                   name: str, strict: bool = True
                   ) -> Tuple[Dict[str, torch.Tensor], List[str], Optional[str]]:
    """Check that ``weights`` fit a model whose state dict is ``model_state``.

    Returns the weights without the known training-only keys (:data:`TRAINING_ONLY_KEYS`)
    that the model lacks, those keys, and (when not ``strict``) what does not fit, or None.

    Raises:
        CheckpointMismatchError: when ``strict``, naming ``name`` and every missing,
            unexpected and shape-mismatched key.
    """
    dropped = sorted(k for k in weights if k not in model_state and TRAINING_ONLY_KEYS.match(k))
    kept = {k: v for k, v in weights.items() if k not in dropped}
    missing = [k for k in model_state if k not in kept]
    unexpected = [k for k in kept if k not in model_state]
    mismatched = [f'{k} {tuple(kept[k].shape)} (model: {tuple(v.shape)})'
                  for k, v in model_state.items()
                  if k in kept and tuple(kept[k].shape) != tuple(v.shape)]
    problems = '; '.join(f'{label} ({len(keys)}): {", ".join(keys)}' for label, keys in
                         (('missing keys', missing), ('unexpected keys', unexpected),
                          ('shape mismatches', mismatched)) if keys)
    if problems and strict:
        raise CheckpointMismatchError(
            f'{name} does not fit the model of the config: {problems}; pass --load-partial to '
            'load the keys that fit anyway')
    return kept, dropped, problems or None


def _read_last_checkpoint(work_dir: str) -> Optional[str]:
    try:
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def latest_complete_checkpoint(work_dir: str, logger: logging.Logger) -> Optional[str]:
    """The checkpoint to auto-resume from: the one ``last_checkpoint`` names when it is
    complete, else (with a warning) the newest complete ``epoch_N.pth`` / ``iter_N.pth`` of its
    folder (the work dir when ``last_checkpoint`` is empty or absent); None when there is none.
    """
    named = _read_last_checkpoint(work_dir)
    if named is None:
        logger.info(f'Did not find last_checkpoint in {work_dir}.')
    elif not named:
        logger.warning(f'{osp.join(work_dir, "last_checkpoint")} is empty')
    elif not osp.isfile(named):
        logger.warning(f'{osp.join(work_dir, "last_checkpoint")} names {named}, which does '
                       'not exist')
    elif checkpoint_problem(named):
        logger.warning(f'{named}: {checkpoint_problem(named)}')
    else:
        return named
    folder = osp.dirname(named) if named and osp.isdir(osp.dirname(named)) else work_dir
    candidates = []
    for path in glob.glob(osp.join(glob.escape(folder), '*_*.pth')):
        match = RESUMABLE.match(osp.basename(path))
        if match and not checkpoint_problem(path):
            candidates.append((int(match.group(2)), osp.getmtime(path), path))
    if not candidates:
        if named is not None:
            logger.warning(f'no complete checkpoint to resume from in {folder}; training '
                           'starts from scratch')
        return None
    newest = max(candidates)[2]
    logger.warning(f'resuming from {newest} instead, the newest complete checkpoint')
    return newest
