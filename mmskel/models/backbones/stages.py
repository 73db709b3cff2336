"""The stage plan shared by the GCN backbones that follow ST-GCN's layout (pyskl's names)."""
from typing import List, Sequence, Tuple

import torch


def stage_plan(base_channels: int, num_stages: int, inflate_stages: Sequence[int],
               down_stages: Sequence[int], ch_ratio: float = 2) -> List[Tuple[int, int, int]]:
    """``(in_channels, out_channels, stride)`` of stages 2 to ``num_stages``.

    Stage 1 has ``base_channels``; each stage in ``inflate_stages`` multiplies the channels by
    ``ch_ratio`` (rounded down from ``base_channels * ch_ratio ** k``), each stage in
    ``down_stages`` halves time (temporal stride 2).

    Example:
        >>> stage_plan(64, 4, inflate_stages=[3], down_stages=[3])
        [(64, 64, 1), (64, 128, 2), (128, 128, 1)]
    """
    plan, channels, inflate_times = [], base_channels, 0
    for stage in range(2, num_stages + 1):
        inflate_times += stage in inflate_stages
        out_channels = int(base_channels * ch_ratio ** inflate_times + 1e-6)
        plan.append((channels, out_channels, 1 + (stage in down_stages)))
        channels = out_channels
    return plan


def check_channels(name: str, x: torch.Tensor, in_channels: int) -> None:
    """Refuse an input ``[N, M, T, V, C]`` whose C is not the backbone's ``in_channels``."""
    if x.dim() != 5 or x.shape[-1] != in_channels:
        raise ValueError(f'{name} expects {in_channels} input channels, got input of shape '
                         f'{tuple(x.shape)} ([N, M, T, V, C])')
