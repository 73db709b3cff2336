"""Blocks of MS-G3D (Liu et al., "Disentangling and Unifying Graph Convolutions for
Skeleton-Based Action Recognition", CVPR 2020).

Module and parameter names follow pyskl's ``pyskl/models/gcns/msg3d.py`` (the same as
mmaction2 1.x's ``projects/msg3d``), so that their checkpoints load with ``strict=True``.
"""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..graphs import multiscale_adjacency


class MLP(nn.Module):
    """1x1 convolution, BN and ReLU, held in ``layers`` (upstream's one-layer ``MLP``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Conv2d(in_channels, out_channels, 1),
                                     nn.BatchNorm2d(out_channels), nn.ReLU()])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


class MSGCN(nn.Module):
    """MS-GCN, the disentangled multi-scale graph convolution (pyskl's ``MSGCN``): aggregate
    with each normalised k-hop adjacency plus a learned offset ``PA``, concatenate the K
    results along channels, then :class:`MLP`.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (np.ndarray | torch.Tensor): Binary adjacency [V, V] without self loops.
        num_scales (int): Number of scales K (hops 0 .. K-1; 13 for NTU).

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A, num_scales: int) -> None:
        super().__init__()
        self.num_scales = num_scales
        scales = multiscale_adjacency(np.asarray(A, dtype=np.float64), num_scales)
        self.register_buffer('A', torch.tensor(scales, dtype=torch.float32))
        self.PA = nn.Parameter(torch.empty_like(self.A).uniform_(-1e-6, 1e-6))
        self.mlp = MLP(in_channels * num_scales, out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, t, v = x.shape
        x = torch.einsum('kvu,nctv->nkctu', self.A + self.PA, x)
        return self.mlp(x.reshape(n, self.num_scales * c, t, v))


class STMSGCN(MSGCN):
    """Multi-scale graph convolution on the spatial-temporal graph of a window of
    ``window_size`` frames (pyskl's ``ST_MSGCN``): every joint is linked to itself and its
    neighbours in every frame of the window, a graph of ``window_size * V`` nodes.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (np.ndarray | torch.Tensor): Binary skeleton adjacency [V, V].
        num_scales (int): Number of scales K.
        window_size (int): Frames per window.

    Shape:
        x: [N, C, T', window_size * V] -> [N, C', T', window_size * V].
    """

    def __init__(self, in_channels: int, out_channels: int, A, num_scales: int,
                 window_size: int) -> None:
        A = np.asarray(A, dtype=np.float64)
        window_graph = np.tile(A + np.eye(len(A)), (window_size, window_size))
        super().__init__(in_channels, out_channels, window_graph, num_scales)


class UnfoldTemporalWindows(nn.Module):
    """Gather sliding windows of frames into the joint axis (no parameters).

    Args:
        window_size (int): Frames per window.
        window_stride (int): Step between windows.
        window_dilation (int): Spacing of the frames in a window. Defaults to 1.

    Shape:
        x: [N, C, T, V] -> [N, C, T / window_stride, window_size * V], joints ordered
        frame-major within a window.
    """

    def __init__(self, window_size: int, window_stride: int, window_dilation: int = 1) -> None:
        super().__init__()
        self.window_size, self.window_stride = window_size, window_stride
        self.window_dilation = window_dilation
        self.padding = (window_size + (window_size - 1) * (window_dilation - 1) - 1) // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # one strided slice per window position rather than Tensor.unfold, which the ONNX
        # exporter cannot express with a dynamic batch
        frames = x.shape[2] + 2 * self.padding
        span = (self.window_size - 1) * self.window_dilation + 1
        num_windows = (frames - span) // self.window_stride + 1
        end = (num_windows - 1) * self.window_stride + 1
        x = F.pad(x, (0, 0, self.padding, self.padding))
        windows = [x[:, :, k * self.window_dilation:k * self.window_dilation + end:
                     self.window_stride] for k in range(self.window_size)]
        return torch.stack(windows, dim=3).flatten(3)  # N C T' (w V)


class MSG3DBlock(nn.Module):
    """G3D pathway for one window size: unfold windows, multi-scale graph convolution on the
    window graph (:class:`STMSGCN`), then a (1, window_size, 1) convolution that collapses
    each window back to one frame, and BN (no activation).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (np.ndarray | torch.Tensor): Binary skeleton adjacency [V, V].
        num_scales (int): Scales of the window graph convolution.
        window_size (int): Frames per window.
        window_stride (int): Temporal stride.
        window_dilation (int): Frame spacing in a window.
        gcn_channels (int, optional): Output channels of the graph convolution; the collapse
            maps them to ``out_channels``. Defaults to ``in_channels`` (MS-G3D widens at the
            collapse, except in its first block, which widens in the graph convolution).

    Shape:
        x: [N, C, T, V] -> [N, C', T / window_stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A, num_scales: int,
                 window_size: int, window_stride: int, window_dilation: int,
                 gcn_channels: Optional[int] = None) -> None:
        super().__init__()
        self.window_size = window_size
        self.gcn_channels = gcn_channels or in_channels
        self.gcn3d = nn.Sequential(
            UnfoldTemporalWindows(window_size, window_stride, window_dilation),
            STMSGCN(in_channels, self.gcn_channels, A, num_scales, window_size))
        self.out_conv = nn.Conv3d(self.gcn_channels, out_channels, (1, window_size, 1))
        self.out_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, _, v = x.shape
        x = self.gcn3d(x).reshape(n, self.gcn_channels, -1, self.window_size, v)
        return self.out_bn(self.out_conv(x).squeeze(3))


class MultiWindowMSG3DBlock(nn.Module):
    """Sum of :class:`MSG3DBlock` pathways with different window sizes (pyskl's
    ``MW_MSG3DBlock``; windows 3 and 5 in MS-G3D).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (np.ndarray | torch.Tensor): Binary skeleton adjacency [V, V].
        num_scales (int): Scales of each window graph convolution.
        window_sizes (Sequence[int]): Window sizes. Defaults to (3, 5).
        window_stride (int): Temporal stride. Defaults to 1.
        window_dilations (Sequence[int]): Dilation per window. Defaults to (1, 1).
        gcn_channels (int, optional): See :class:`MSG3DBlock`.

    Shape:
        x: [N, C, T, V] -> [N, C', T / window_stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A, num_scales: int,
                 window_sizes: Sequence[int] = (3, 5), window_stride: int = 1,
                 window_dilations: Sequence[int] = (1, 1),
                 gcn_channels: Optional[int] = None) -> None:
        super().__init__()
        if len(window_sizes) != len(window_dilations):
            raise ValueError(f'window_sizes {tuple(window_sizes)} and window_dilations '
                             f'{tuple(window_dilations)} must have the same length')
        self.gcn3d = nn.ModuleList([
            MSG3DBlock(in_channels, out_channels, A, num_scales, size, window_stride,
                       dilation, gcn_channels)
            for size, dilation in zip(window_sizes, window_dilations)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sum(block(x) for block in self.gcn3d)
