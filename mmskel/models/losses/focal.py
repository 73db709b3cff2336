"""Focal loss with class-balanced weights, as BABEL's action-recognition baselines train with."""
from typing import Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmskel.registry import MODELS


def class_balanced_weights(counts: Sequence[int], beta: float = 0.9999) -> np.ndarray:
    """Class weights from the effective number of samples (Cui et al., CVPR 2019).

    ``w_k = (1 - beta) / (1 - beta ** n_k)``, scaled so that the weights of the classes present
    sum to their number; a class with no sample gets weight 0.

    Args:
        counts (Sequence[int]): Training samples per class.
        beta (float): In [0, 1); 0 gives equal weights, towards 1 inverse frequency.

    Returns:
        np.ndarray: float64 [K].
    """
    if not 0 <= beta < 1:
        raise ValueError(f'beta must be in [0, 1), got {beta}')
    counts = np.asarray(counts, dtype=np.float64)
    present = counts > 0
    weights = np.zeros_like(counts)
    weights[present] = (1 - beta) / (1 - beta**counts[present])
    return weights * present.sum() / weights.sum()


def class_counts(ann_file: str, split: str, num_classes: int) -> np.ndarray:
    """Samples per class in ``split`` of an annotation pickle."""
    from mmskel.datasets.io import load_annotations
    data = load_annotations(ann_file)
    names = set(data['split'][split]) if split else None
    labels = [s['label'] for s in data['annotations'] if names is None or s['frame_dir'] in names]
    if labels and max(labels) >= num_classes:
        raise ValueError(f'{ann_file}: label {max(labels)} in split {split!r} is not below '
                         f'num_classes={num_classes}')
    return np.bincount(np.asarray(labels, dtype=np.int64), minlength=num_classes)


@MODELS.register_module()
class FocalLoss(nn.Module):
    """Focal loss ``-w_y (1 - p_y)^gamma log p_y`` (Lin et al., ICCV 2017), averaged over the
    batch, with optional class weights.

    ``class_weight`` is a list of weights, or a dict that computes class-balanced weights
    (:func:`class_balanced_weights`) from the training split of an annotation pickle when the
    model is built: ``dict(ann_file=..., split='train', num_classes=60, beta=0.9999)``.

    Args:
        gamma (float): Focusing parameter; 0 gives (weighted) cross entropy. Defaults to 2.
        class_weight (Sequence[float] | dict, optional): Weight per class, or how to compute it.
        loss_weight (float): Factor on the loss. Defaults to 1.

    Shape:
        cls_score: [N, K]; label: [N] (class indices) -> scalar.
    """

    def __init__(self, gamma: float = 2.0,
                 class_weight: Optional[Union[Sequence[float], dict]] = None,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if isinstance(class_weight, dict):
            cfg = dict(class_weight)
            beta = cfg.pop('beta', 0.9999)
            class_weight = class_balanced_weights(class_counts(**cfg), beta)
        self.gamma, self.loss_weight = gamma, loss_weight
        weight = None if class_weight is None else torch.tensor(np.asarray(class_weight),
                                                                dtype=torch.float32)
        self.register_buffer('class_weight', weight, persistent=False)

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        log_prob = F.log_softmax(cls_score.float(), dim=-1).gather(1, label[:, None])[:, 0]
        loss = -(1 - log_prob.exp()).pow(self.gamma) * log_prob
        if self.class_weight is not None:
            loss = loss * self.class_weight[label]
        return self.loss_weight * loss.mean()
