"""Recognizer for pose heatmap volumes (PoseC3D): 3D CNN backbone, then classification head."""
from mmskel.registry import MODELS
from .base import BaseRecognizer


@MODELS.register_module()
class Recognizer3D(BaseRecognizer):
    """Action recognizer over heatmap volumes (mmaction2's and pyskl's ``Recognizer3D``).

    The clips of a sample (``num_clips`` of ``UniformSampleFrames`` and, with
    ``GeneratePoseTarget(double=True)``, their flipped copies, stacked by ``FormatShape``) run
    as one batch; the head averages their scores at test time (``average_clips='prob'``: the
    mean of the clips' softmax).

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='ResNet3dSlowOnly', ...)``.
        cls_head (dict): Head config, e.g. ``dict(type='I3DHead', ...)``.
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.
        init_cfg (dict, optional): mmengine initialisation config.

    Shape:
        inputs: [N, num_clips, C, T, H, W].
    """
    input_format = 'CTHW'
