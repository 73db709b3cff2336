"""Recognizer for skeleton inputs: backbone, then classification head."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample


@MODELS.register_module()
class RecognizerGCN(BaseModel):
    """Skeleton action recognizer (mmaction2's ``RecognizerGCN``).

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='STGCN', ...)``.
        cls_head (dict): Head config, e.g. ``dict(type='GCNHead', ...)``.
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.
        init_cfg (dict, optional): mmengine initialisation config.

    Shape:
        inputs: [N, num_clips, M, T, V, C].
    """

    def __init__(self, backbone: dict, cls_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None, **kwargs) -> None:
        super().__init__(data_preprocessor=MODELS.build(
            data_preprocessor or dict(type='ActionDataPreprocessor')), init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Backbone features [N * num_clips, M, C', T', V] of inputs [N, nc, M, T, V, C]."""
        if inputs.dim() != 6:
            raise ValueError('RecognizerGCN expects inputs [N, num_clips, M, T, V, C], got '
                             f'shape {tuple(inputs.shape)}')
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
