"""Parameters and FLOPs of a recognizer built from a config, for one sample and one clip."""
from typing import Dict, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config

from mmskel.registry import MODELS
from mmskel.structures import get_layout
from mmskel.utils.pipeline import pipeline_steps


def _step(pipeline, type_name: str) -> dict:
    return next((s for s in pipeline_steps(pipeline) if s.get('type') == type_name), {})


def input_shape(cfg: Config) -> Tuple[int, int, int, int]:
    """``(M, T, V, C)`` of one clip as the config's test pipeline feeds the model.

    T is the test pipeline's ``clip_len`` (100 when the pipeline does not say), M its
    ``num_person``, V the backbone layout's joints and C the backbone's ``in_channels``.
    """
    pipeline = cfg.test_dataloader.dataset.pipeline
    backbone = cfg.model.backbone
    frames = _step(pipeline, 'UniformSampleFrames').get('clip_len', 100)
    persons = _step(pipeline, 'FormatGCNInput').get('num_person', 2)
    joints = get_layout(backbone.graph_cfg.layout).num_joints
    return persons, frames, joints, backbone.get('in_channels', 3)


class _Scores(nn.Module):
    """The recognizer as a plain module from [N, clips, M, T, V, C] to class scores."""

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.recognizer = recognizer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.recognizer(x, mode='tensor')


def complexity(cfg: Config, shape: Tuple[int, ...] = None) -> Dict:
    """Build the config's model and count its parameters and FLOPs.

    Args:
        cfg (Config): A recognizer config.
        shape (tuple, optional): ``(M, T, V, C)``; defaults to :func:`input_shape`.

    Returns:
        dict: ``params`` (int), ``flops`` (int, multiply-adds counted once, as mmengine and
        fvcore count them), ``shape`` (the ``(M, T, V, C)`` used).
    """
    from mmskel.utils import register_all_modules
    register_all_modules()
    shape = tuple(shape or input_shape(cfg))
    model = MODELS.build(cfg.model).eval()
    inputs = torch.zeros((1, 1) + shape)
    with torch.no_grad():
        flops = FlopAnalyzer(_Scores(model), inputs)
        flops.unsupported_ops_warnings(False)
        flops.uncalled_modules_warnings(False)
        total = int(flops.total())
    return dict(params=int(parameter_count(model)['']), flops=total, shape=shape)
