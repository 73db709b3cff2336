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


@MODELS.register_module()
class FocalLoss(nn.Module):
    """Focal loss ``-w_y (1 - p_y)^gamma log p_y`` (Lin et al., ICCV 2017), averaged over the
    batch, with optional class weights.

    ``class_weight='balanced'`` weighs classes by the effective number of their training samples
    (:func:`class_balanced_weights`). Building the loss reads no data: the weights are computed
    from the training set's class counts when training starts (``ClassCountsHook``, in every
    config's runtime, calls :meth:`set_class_counts`), and they are saved in checkpoints with the
    model (a persistent buffer), so a trained model carries the weights it trained with.

    Args:
        gamma (float): Focusing parameter; 0 gives (weighted) cross entropy. Defaults to 2.
        class_weight (Sequence[float] | str, optional): Weight per class, or ``'balanced'``.
        num_classes (int, optional): Number of classes; needed with ``'balanced'``.
        beta (float): ``beta`` of the class-balanced weights. Defaults to 0.9999.
        loss_weight (float): Factor on the loss. Defaults to 1.

    Shape:
        cls_score: [N, K]; label: [N] (class indices) -> scalar.
    """

    def __init__(self, gamma: float = 2.0,
                 class_weight: Optional[Union[Sequence[float], str]] = None,
                 num_classes: Optional[int] = None, beta: float = 0.9999,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.gamma, self.beta, self.loss_weight = gamma, beta, loss_weight
        self.balanced = class_weight == 'balanced'
        if self.balanced:
            if not num_classes:
                raise ValueError("FocalLoss(class_weight='balanced') needs num_classes")
            weight = torch.zeros(num_classes)  # zeros until set_class_counts fills them
        elif isinstance(class_weight, str):
            raise ValueError(f"FocalLoss: class_weight is a list of weights or 'balanced', got "
                             f'{class_weight!r}')
        else:
            weight = None if class_weight is None else torch.tensor(np.asarray(class_weight),
                                                                    dtype=torch.float32)
        self.register_buffer('class_weight', weight)

    def set_class_counts(self, counts: Sequence[int]) -> None:
        """Compute the class-balanced weights from the training samples per class."""
        if not self.balanced:
            return
        if len(counts) != len(self.class_weight):
            raise ValueError(f'FocalLoss: {len(counts)} class counts for '
                             f'{len(self.class_weight)} classes')
        weights = class_balanced_weights(counts, self.beta)
        self.class_weight.copy_(torch.as_tensor(weights, dtype=torch.float32))

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        log_prob = F.log_softmax(cls_score.float(), dim=-1).gather(1, label[:, None])[:, 0]
        loss = -(1 - log_prob.exp()).pow(self.gamma) * log_prob
        if self.class_weight is not None:
            if self.balanced and not self.class_weight.any():
                raise RuntimeError(
                    "FocalLoss(class_weight='balanced'): the weights are not set; they come from "
                    'the training set when training starts (ClassCountsHook, in '
                    'configs/_base_/default_runtime.py) or from set_class_counts(counts)')
            loss = loss * self.class_weight[label]
        return self.loss_weight * loss.mean()
