"""Recognizer for skeleton inputs: backbone, then classification head."""
from mmskel.registry import MODELS
from .base import BaseRecognizer


@MODELS.register_module()
class RecognizerGCN(BaseRecognizer):
    """Skeleton action recognizer (mmaction2's ``RecognizerGCN``) over joint coordinates.

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='STGCN', ...)``.
        cls_head (dict): Head config, e.g. ``dict(type='GCNHead', ...)``.
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.
        init_cfg (dict, optional): mmengine initialisation config.

    Shape:
        inputs: [N, num_clips, M, T, V, C].
    """
    input_format = 'MTVC'
