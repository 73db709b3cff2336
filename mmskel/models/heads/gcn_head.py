"""Classification head over GCN features."""
import torch
import torch.nn as nn

from mmskel.registry import MODELS
from .base_head import BaseHead


@MODELS.register_module()
class GCNHead(BaseHead):
    """Global average pooling over persons, time and joints, dropout, then a linear classifier
    (mmaction2 1.x's ``GCNHead``; parameters ``fc.weight`` and ``fc.bias``; pyskl's
    ``fc_cls.*`` are renamed on loading). Loss and prediction: :class:`BaseHead`.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Feature channels C.
        loss_cls (dict): Loss config. Defaults to ``dict(type='CrossEntropyLoss')``.
        dropout (float): Dropout before the classifier. Defaults to 0.
        average_clips (str): ``'prob'``, ``'score'`` or ``None`` (see :class:`BaseHead`).
        init_cfg (dict): Defaults to a Normal(std=0.01) initialisation of the classifier.

    Shape:
        x: [N, M, C, T, V] -> scores [N, K].
    """

    def __init__(self, num_classes: int, in_channels: int,
                 loss_cls: dict = dict(type='CrossEntropyLoss'), dropout: float = 0.,
                 average_clips: str = 'prob',
                 init_cfg: dict = dict(type='Normal', layer='Linear', std=0.01)) -> None:
        super().__init__(num_classes, in_channels, loss_cls, average_clips, init_cfg)
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        self.fc = nn.Linear(in_channels, num_classes)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        # pyskl names the classifier fc_cls; its checkpoints load unchanged
        for name in ('weight', 'bias'):
            legacy = f'{prefix}fc_cls.{name}'
            if legacy in state_dict:
                state_dict[f'{prefix}fc.{name}'] = state_dict.pop(legacy)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, m, c, t, v = x.shape
        if c != self.in_channels:
            raise ValueError(f'GCNHead expects {self.in_channels} channels, got {c}')
        x = x.reshape(n, m, c, t * v).mean(dim=(1, 3))
        return self.fc(self.dropout(x))
