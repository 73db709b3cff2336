"""Parameters and FLOPs of a recognizer built from a config, for one sample and one clip."""
from typing import Dict, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config

from mmskel.registry import MODELS
from .input_spec import input_spec


def input_shape(cfg: Config) -> Tuple[int, int, int, int]:
    """``(M, T, V, C)`` of one clip as the config's test pipeline feeds the model, or
    ``(C, T, H, W)`` of one heatmap volume (:func:`mmskel.models.input_spec.input_spec`)."""
    return input_spec(cfg).shape


class _Scores(nn.Module):
    """The recognizer as a plain module from [N, clips, M, T, V, C] (or [N, clips, C, T, H, W])
    to class scores."""

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.recognizer = recognizer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.recognizer(x, mode='tensor')


def complexity(cfg: Config, shape: Tuple[int, ...] = None) -> Dict:
    """Build the config's model and count its parameters and FLOPs.

    Args:
        cfg (Config): A recognizer config.
        shape (tuple, optional): ``(M, T, V, C)``, or ``(C, T, H, W)`` for heatmap volumes;
            defaults to :func:`input_shape`.

    Returns:
        dict: ``params`` (int), ``flops`` (int, multiply-adds counted once, as mmengine and
        fvcore count them), ``shape`` (the input shape used).
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
