"""Classification losses."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmskel.registry import MODELS


@MODELS.register_module()
class CrossEntropyLoss(nn.Module):
    """Cross entropy over class scores, with optional class weights and label smoothing.

    Args:
        loss_weight (float): Factor on the loss. Defaults to 1.
        class_weight (Sequence[float], optional): Weight per class.
        label_smoothing (float): Label smoothing. Defaults to 0.

    Shape:
        cls_score: [N, K]; label: [N] (class indices) -> scalar.
    """

    def __init__(self, loss_weight: float = 1.0, class_weight: Optional[Sequence[float]] = None,
                 label_smoothing: float = 0.) -> None:
        super().__init__()
        self.loss_weight, self.label_smoothing = loss_weight, label_smoothing
        weight = torch.tensor(class_weight, dtype=torch.float32) if class_weight else None
        self.register_buffer('class_weight', weight, persistent=False)

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(cls_score, label, weight=self.class_weight,
                               label_smoothing=self.label_smoothing)
        return self.loss_weight * loss
