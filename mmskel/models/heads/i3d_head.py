"""Classification head over 3D CNN features (PoseC3D's)."""
from typing import Optional

import torch
import torch.nn as nn

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from .base_head import BaseHead


@MODELS.register_module()
class I3DHead(BaseHead):
    """Global average pooling over time and space, dropout, then a linear classifier
    (mmaction2 1.x's and pyskl's ``I3DHead``; parameters ``fc_cls.weight`` and
    ``fc_cls.bias``). Loss and clip averaging: :class:`BaseHead`.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Feature channels C.
        loss_cls (dict): Loss config. Defaults to ``dict(type='CrossEntropyLoss')``.
        spatial_type (str, optional): ``'avg'`` pools [N, C, T, H, W] features; None takes
            features that are already pooled ([N, C] or [N, C, 1, 1, 1]). Defaults to
            ``'avg'``.
        dropout_ratio (float): Dropout before the classifier (pyskl's name: ``dropout``).
            Defaults to 0.5.
        init_std (float): Std of the classifier's normal initialisation. Defaults to 0.01.
        average_clips (str): ``'prob'``, ``'score'`` or ``None`` (see :class:`BaseHead`).
        init_cfg (dict, optional): Defaults to Normal(std=init_std) for the classifier.

    Shape:
        x: [N, C, T, H, W] -> scores [N, K].
    """

    @renamed_kwargs(dropout='dropout_ratio')  # pyskl's configs
    def __init__(self, num_classes: int, in_channels: int,
                 loss_cls: dict = dict(type='CrossEntropyLoss'),
                 spatial_type: Optional[str] = 'avg', dropout_ratio: float = 0.5,
                 init_std: float = 0.01, average_clips: str = 'prob',
                 init_cfg: Optional[dict] = None) -> None:
        if spatial_type not in ('avg', None):
            raise ValueError(f"spatial_type must be 'avg' or None, got {spatial_type!r}")
        super().__init__(num_classes, in_channels, loss_cls, average_clips, init_cfg or dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        self.spatial_type = spatial_type
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio else nn.Identity()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.spatial_type == 'avg':
            if x.dim() != 5:
                raise ValueError(f'I3DHead expects features [N, C, T, H, W], got shape '
                                 f'{tuple(x.shape)}')
            x = x.mean(dim=(2, 3, 4))
        x = x.flatten(1)
        if x.shape[1] != self.in_channels:
            raise ValueError(f'I3DHead expects {self.in_channels} channels, got features of '
                             f'shape {tuple(x.shape)}')
        return self.fc_cls(self.dropout(x))
