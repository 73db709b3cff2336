"""MS-G3D backbone (Liu, Zhang, Chen, Wang and Ouyang, "Disentangling and Unifying Graph
Convolutions for Skeleton-Based Action Recognition", CVPR 2020), in pyskl's structure and
parameter names (the same as mmaction2 1.x's ``projects/msg3d``) so that their checkpoints
load with ``strict=True`` (blocks and backbone alike: pyskl's ``pyskl/models/gcns/msg3d.py``).
"""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..graphs import Graph, multiscale_adjacency
from ..layers import ResidualMultiScaleTCN, build_data_bn, normalize_input


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


@MODELS.register_module()
class MSG3D(BaseModule):
    """MS-G3D: data BatchNorm, then three spatial-temporal graph convolution (STGC) blocks.

    Each STGC block sums two pathways and applies ReLU: a factorised one (``sgcn``: MS-GCN,
    then two multi-scale temporal convolutions, the second without activation) and a unified
    one (``gcn3d``: G3D over windows of 3 and 5 frames). A multi-scale temporal convolution
    (``tcn``, :class:`~mmskel.models.layers.ResidualMultiScaleTCN`) follows. Channels are
    ``base_channels`` x (1, 2, 4); blocks 2 and 3 halve the frames.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments; the first subset
            must be the binary adjacency, e.g. ``dict(layout='nturgb+d', mode='binary_adj')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first block. Defaults to 96.
        num_gcn_scales (int): Scales of MS-GCN (13 for NTU, 8 for Kinetics). Defaults to 13.
        num_g3d_scales (int): Scales of G3D (6 for NTU, 8 for Kinetics). Defaults to 6.
        num_persons (int): Persons M, for the data BatchNorm over M * V * C. Defaults to 2.
        window_sizes (Sequence[int]): G3D window sizes. Defaults to (3, 5).
        tcn_dropout (float): Dropout of the last temporal convolution of each block. Defaults to 0.
        init_cfg (dict | list, optional): mmengine initialisation config.

    Shape:
        x: [N, M, T, V, C] -> [N, M, 4 * base_channels, T / 4, V].

    Example:
        >>> model = MSG3D(dict(layout='nturgb+d', mode='binary_adj'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 384, 8, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 96,
                 num_gcn_scales: int = 13, num_g3d_scales: int = 6, num_persons: int = 2,
                 window_sizes: Sequence[int] = (3, 5), tcn_dropout: float = 0.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A[0], dtype=torch.float32)
        self.register_buffer('A', A)  # kept in the state_dict, as upstream does
        self.in_channels, self.num_persons = in_channels, num_persons
        self.data_bn = build_data_bn('MVC', num_persons, in_channels, A.size(0))
        adjacency = self.graph.A[0]
        channels = [in_channels] + [base_channels * 2 ** i for i in range(3)]
        for i in range(1, 4):
            c_in, c_out, stride = channels[i - 1], channels[i], 1 if i == 1 else 2
            c_gcn = c_out if i == 1 else c_in  # the first block widens in its graph convs
            setattr(self, f'gcn3d{i}', MultiWindowMSG3DBlock(
                c_in, c_out, adjacency, num_g3d_scales, window_sizes, stride,
                (1, ) * len(window_sizes), gcn_channels=c_gcn))
            setattr(self, f'sgcn{i}', nn.Sequential(
                MSGCN(c_in, c_gcn, adjacency, num_gcn_scales),
                ResidualMultiScaleTCN(c_gcn, c_out, stride=stride),
                ResidualMultiScaleTCN(c_out, c_out, act_cfg=None)))
            setattr(self, f'tcn{i}', ResidualMultiScaleTCN(c_out, c_out, dropout=tcn_dropout))
        self.out_channels = channels[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, m, t, v, c = x.shape
        if c != self.in_channels or m != self.num_persons:
            raise ValueError(f'MSG3D expects {self.num_persons} persons and {self.in_channels} '
                             f'channels, got input of shape {tuple(x.shape)} ([N, M, T, V, C])')
        x = normalize_input(self.data_bn, x, 'MVC')
        for i in range(1, 4):
            x = F.relu(getattr(self, f'sgcn{i}')(x) + getattr(self, f'gcn3d{i}')(x))
            x = getattr(self, f'tcn{i}')(x)
        return x.reshape((n, m) + x.shape[1:])
