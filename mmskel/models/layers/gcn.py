"""Spatial graph convolution units."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer, build_norm_layer


def subset_conv(x: torch.Tensor, graph: torch.Tensor, weight: torch.Tensor,
                bias: Optional[torch.Tensor] = None) -> torch.Tensor:
    """``sum_k conv_k(x A_k)``: K graph aggregations, each followed by its own 1x1 convolution,
    as one matmul and one convolution.

    The K aggregations are one matmul with the subsets side by side (``x @ [A_1 .. A_K]``,
    [N, C, T, K * V], on contiguous memory), and the K convolutions and their sum are one (1, K)
    convolution with dilation V over that last axis, whose tap k is subset k's weight.

    Args:
        x (torch.Tensor): [N, C, T, V].
        graph (torch.Tensor): [K, V, V], or one per sample [N or 1, K, V, V].
        weight (torch.Tensor): [C', C, K], subset k's 1x1 weights in ``weight[..., k]``.
        bias (torch.Tensor, optional): Added to the sum: [C'] or [C', V].

    Returns:
        torch.Tensor: [N, C', T, V].
    """
    n, c, t, _ = x.shape
    k, v = graph.shape[-3], graph.shape[-1]  # sizes of a buffer: constants to an ONNX export
    stacked = graph.transpose(-3, -2).reshape(*graph.shape[:-3], v, k * v)
    if graph.dim() == 4:
        x = torch.matmul(x.reshape(n, c * t, v), stacked).view(n, c, t, k * v)
    else:
        x = torch.matmul(x, stacked)
    x = F.conv2d(x, weight.unsqueeze(2).to(x.dtype), dilation=(1, v))
    if bias is None:
        return x
    bias = bias[:, None, :] if bias.dim() == 2 else bias[:, None, None]
    return x + bias.to(x.dtype)


def conv_then_aggregate(x: torch.Tensor, conv: nn.Conv2d, A: torch.Tensor) -> torch.Tensor:
    """The K-subset graph convolution ``einsum('nkctv,kvw->nctw', conv(x) as [N, K, C', T, V],
    A)`` of a 1x1 ``conv`` with K * C' outputs, computed aggregation first by
    :func:`subset_conv`.

    The conv bias, which the aggregation would have summed over each subset's columns, is added
    as a [C', V] term. Same result up to float rounding, without the [N, K * C', T, V] tensor and
    its permuted copy, and K * C' / C times fewer aggregation FLOPs (ST-GCN's first block: 64x).

    Shape:
        x: [N, C, T, V], A: [K, V, V] -> [N, C', T, V].
    """
    k, c = A.shape[0], conv.weight.shape[1]  # not x's sizes, which an ONNX export makes symbolic
    weight = conv.weight.view(k, -1, c).permute(1, 2, 0)  # [C', C, K]
    bias = None if conv.bias is None else conv.bias.view(k, -1).t().matmul(A.sum(1))
    return subset_conv(x, A, weight, bias)


class UnitGCN(nn.Module):
    """Graph convolution over K adjacency subsets (mmaction2's ``unit_gcn``).

    ``y = act(BN(sum_k conv_k(x) A_k) + res)``, with the 1x1 convolution before (``'pre'``) or
    after (``'post'``) the graph aggregation.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].
        adaptive (str, optional): How the adjacency is learned (as in every mmskel backbone,
            None for the fixed graph or a scheme's name): ``None`` (fixed A), ``'init'`` (A
            learned from its initial value), ``'offset'`` (A + learned PA, PA ~ 0) or
            ``'importance'`` (A * learned PA, PA = 1, ST-GCN's edge importance). Defaults to
            ``'importance'``.
        conv_pos (str): ``'pre'`` or ``'post'``. Defaults to ``'pre'``.
        with_res (bool): Add a residual (1x1 conv + BN when channels change). Defaults to False.
        norm_cfg (dict): Normalisation layer. Defaults to ``dict(type='BN')``.
        act_cfg (dict): Activation layer. Defaults to ``dict(type='ReLU')``.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 adaptive: Optional[str] = 'importance', conv_pos: str = 'pre',
                 with_res: bool = False, norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None) -> None:
        super().__init__()
        if adaptive not in (None, 'init', 'offset', 'importance'):
            raise ValueError(f'adaptive must be None, init, offset or importance, got {adaptive}')
        if conv_pos not in ('pre', 'post'):
            raise ValueError(f"conv_pos must be 'pre' or 'post', got {conv_pos!r}")
        self.num_subsets = A.size(0)
        self.adaptive, self.conv_pos, self.with_res = adaptive, conv_pos, with_res
        self.bn = build_norm_layer(norm_cfg or dict(type='BN'), out_channels)[1]
        self.act = build_activation_layer(act_cfg or dict(type='ReLU'))
        if adaptive == 'init':
            self.A = nn.Parameter(A.clone())
        else:
            self.register_buffer('A', A.clone())
        if adaptive == 'offset':
            self.PA = nn.Parameter(torch.empty_like(A).uniform_(-1e-6, 1e-6))
        elif adaptive == 'importance':
            self.PA = nn.Parameter(torch.ones_like(A))
        if conv_pos == 'pre':
            self.conv = nn.Conv2d(in_channels, out_channels * self.num_subsets, 1)
        else:
            self.conv = nn.Conv2d(self.num_subsets * in_channels, out_channels, 1)
        if with_res:
            self.down = (nn.Identity() if in_channels == out_channels else nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1),
                build_norm_layer(norm_cfg or dict(type='BN'), out_channels)[1]))

    def adjacency(self) -> torch.Tensor:
        """The effective adjacency [K, V, V]."""
        if self.adaptive == 'offset':
            return self.A + self.PA
        if self.adaptive == 'importance':
            return self.A * self.PA
        return self.A

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, t, v = x.shape
        res = self.down(x) if self.with_res else 0
        A = self.adjacency()
        if self.conv_pos == 'pre':
            x = conv_then_aggregate(x, self.conv, A)
        else:
            x = torch.einsum('nctv,kvw->nkctw', x, A).reshape(n, -1, t, v)
            x = self.conv(x)
        return self.act(self.bn(x) + res)
