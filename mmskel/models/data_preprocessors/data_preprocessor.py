"""Batch skeleton inputs and move them to the model's device."""
from typing import Sequence, Union

import torch
from mmengine.model import BaseDataPreprocessor

from mmskel.registry import MODELS


@MODELS.register_module()
class ActionDataPreprocessor(BaseDataPreprocessor):
    """Stack per-sample inputs into a float batch on the model's device.

    Inputs arrive as a list of [num_clips, M, T, V, C] tensors (from the dataloader's
    ``pseudo_collate``) or as one stacked tensor, and leave as [N, num_clips, M, T, V, C];
    heatmap volumes [num_clips, C, T, H, W] (PoseC3D) leave as [N, num_clips, C, T, H, W].
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs: Union[torch.Tensor, Sequence[torch.Tensor]] = data['inputs']
        if not isinstance(inputs, torch.Tensor):
            inputs = torch.stack(list(inputs))
        return dict(inputs=inputs.float(), data_samples=data.get('data_samples'))
