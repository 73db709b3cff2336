"""Classification head over GCN features."""
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample


@MODELS.register_module()
class GCNHead(BaseModule):
    """Global average pooling over persons, time and joints, then a linear classifier
    (mmaction2 1.x's ``GCNHead``; parameters ``fc.weight`` and ``fc.bias``; pyskl's
    ``fc_cls.*`` are renamed on loading).

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Feature channels C.
        loss_cls (dict): Loss config. Defaults to ``dict(type='CrossEntropyLoss')``.
        dropout (float): Dropout before the classifier. Defaults to 0.
        average_clips (str): How clip scores of one sample are averaged at test time:
            ``'prob'`` (softmax first), ``'score'`` (raw) or ``None``. Defaults to ``'prob'``.
        init_cfg (dict): Defaults to a Normal(std=0.01) initialisation of the classifier.

    Shape:
        x: [N, M, C, T, V] -> scores [N, K].
    """

    def __init__(self, num_classes: int, in_channels: int,
                 loss_cls: dict = dict(type='CrossEntropyLoss'), dropout: float = 0.,
                 average_clips: str = 'prob',
                 init_cfg: dict = dict(type='Normal', layer='Linear', std=0.01)) -> None:
        super().__init__(init_cfg=init_cfg)
        if average_clips not in ('prob', 'score', None):
            raise ValueError(f"average_clips must be 'prob', 'score' or None, got {average_clips}")
        self.num_classes, self.in_channels = num_classes, in_channels
        self.average_clips = average_clips
        self.loss_cls = MODELS.build(loss_cls)
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

    def loss(self, feats: torch.Tensor, data_samples: List[ActionDataSample]) -> Dict:
        scores = self(feats)
        labels = torch.cat([s.gt_label for s in data_samples]).to(scores.device)
        losses = dict(loss_cls=self.loss_cls(scores, labels))
        with torch.no_grad():
            losses['top1_acc'] = (scores.argmax(1) == labels).float().mean()
        return losses

    def average(self, scores: torch.Tensor, num_clips: int) -> torch.Tensor:
        """Average [N * num_clips, K] clip scores into [N, K] sample scores."""
        scores = scores.view(-1, num_clips, scores.shape[-1])
        if self.average_clips == 'prob':
            scores = F.softmax(scores, dim=2)
        return scores.mean(dim=1)

    def predict(self, feats: torch.Tensor, data_samples: List[ActionDataSample],
                num_clips: int = 1) -> List[ActionDataSample]:
        scores = self.average(self(feats), num_clips)
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score)
            sample.set_pred_label(score.argmax(keepdim=True))
        return data_samples
