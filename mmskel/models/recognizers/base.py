"""The recognizer contract: inputs of one declared format, a backbone, then a head."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample


class BaseRecognizer(BaseModel):
    """Backbone, then classification head, over inputs ``[N, num_clips, *input_format]``.

    A subclass declares ``input_format``, the axes of one clip (``'MTVC'`` for joint
    coordinates, ``'CTHW'`` for heatmap volumes); the clips of a sample are run as a batch and
    the head averages their scores at test time. Unknown keyword arguments are refused.

    Args:
        backbone (dict): Backbone config.
        cls_head (dict): Head config (a :class:`mmskel.models.heads.BaseHead`).
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.
        init_cfg (dict, optional): mmengine initialisation config.
    """
    input_format: str = ''

    def __init__(self, backbone: dict, cls_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=MODELS.build(
            data_preprocessor or dict(type='ActionDataPreprocessor')), init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Backbone features of inputs [N, num_clips, *input_format], clips as a batch."""
        if inputs.dim() != 2 + len(self.input_format):
            axes = ', '.join(self.input_format)
            raise ValueError(f'{type(self).__name__} expects inputs [N, num_clips, {axes}], '
                             f'got shape {tuple(inputs.shape)}')
        return self.backbone(inputs.flatten(0, 1))

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor') -> Union[Dict, List[ActionDataSample], torch.Tensor]:
        """``mode='loss'`` returns losses, ``'predict'`` data samples with ``pred_score``,
        ``'tensor'`` the raw class scores [N * num_clips, K]."""
        feats = self.extract_feat(inputs)
        if mode == 'loss':
            return self.cls_head.loss(feats, data_samples)
        if mode == 'predict':
            if data_samples is None:
                data_samples = [ActionDataSample() for _ in range(inputs.shape[0])]
            return self.cls_head.predict(feats, data_samples, num_clips=inputs.shape[1])
        if mode == 'tensor':
            return self.cls_head(feats)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")
