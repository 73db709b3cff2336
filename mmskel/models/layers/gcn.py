"""Spatial graph convolution units."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_norm_layer


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
            x = self.conv(x).view(n, self.num_subsets, -1, t, v)
            x = torch.einsum('nkctv,kvw->nctw', x, A)
        else:
            x = torch.einsum('nctv,kvw->nkctw', x, A).reshape(n, -1, t, v)
            x = self.conv(x)
        return self.act(self.bn(x) + res)
