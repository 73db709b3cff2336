"""What every classification head shares: the loss, clip averaging and prediction."""
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample


class BaseHead(BaseModule):
    """A head maps backbone features to class scores (:meth:`forward`, given by each head);
    this base turns scores into losses in training and into predictions at test time.

    A head with extra training-only branches (LST's text terms, say) extends :meth:`loss` and
    leaves prediction alone, so testing costs what the plain head costs.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Feature channels C.
        loss_cls (dict): Loss config. Defaults to ``dict(type='CrossEntropyLoss')``.
        average_clips (str): How clip scores of one sample are averaged at test time:
            ``'prob'`` (softmax first), ``'score'`` (raw) or ``None``. Defaults to ``'prob'``.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, num_classes: int, in_channels: int,
                 loss_cls: dict = dict(type='CrossEntropyLoss'), average_clips: str = 'prob',
                 init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if average_clips not in ('prob', 'score', None):
            raise ValueError(f"average_clips must be 'prob', 'score' or None, got {average_clips}")
        self.num_classes, self.in_channels = num_classes, in_channels
        self.average_clips = average_clips
        self.loss_cls = MODELS.build(loss_cls)

    def loss(self, feats: torch.Tensor, data_samples: List[ActionDataSample]) -> Dict:
        """``loss_cls`` of the scores against the samples' labels, and the batch's top-1."""
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
        """Set ``pred_score`` (clip-averaged) and ``pred_label`` on each data sample."""
        scores = self.average(self(feats), num_clips)
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score)
            sample.set_pred_label(score.argmax(keepdim=True))
        return data_samples
