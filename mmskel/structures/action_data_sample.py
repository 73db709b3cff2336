"""ActionDataSample: one sample's ground-truth label and predicted scores."""
from numbers import Integral
from typing import Sequence, Union

import numpy as np
import torch
from mmengine.structures import BaseDataElement

LabelType = Union[torch.Tensor, np.ndarray, Sequence, int]


def _to_label_tensor(value: LabelType) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.long().reshape(-1)
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value).long().reshape(-1)
    if isinstance(value, Integral):
        return torch.tensor([int(value)], dtype=torch.long)
    if isinstance(value, Sequence):
        return torch.tensor(list(value), dtype=torch.long)
    raise TypeError(f'a label must be an int, sequence, array or tensor, got {type(value)}')


class ActionDataSample(BaseDataElement):
    """Data sample of action recognition, compatible with mmaction2's.

    Fields: ``gt_label`` (LongTensor [1]), ``pred_score`` (Tensor [num_classes]),
    ``pred_label`` (LongTensor [1]); meta info such as ``frame_dir``.
    """

    def set_gt_label(self, value: LabelType) -> 'ActionDataSample':
        self.set_field(_to_label_tensor(value), 'gt_label', dtype=torch.Tensor)
        return self

    def set_pred_label(self, value: LabelType) -> 'ActionDataSample':
        self.set_field(_to_label_tensor(value), 'pred_label', dtype=torch.Tensor)
        return self

    def set_pred_score(self, value: torch.Tensor) -> 'ActionDataSample':
        self.set_field(torch.as_tensor(value), 'pred_score', dtype=torch.Tensor)
        return self
