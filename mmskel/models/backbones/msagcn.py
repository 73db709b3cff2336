"""MSA-GCN backbone (Alowonou and Han, "MSA-GCN: Exploiting Multi-Scale Temporal Dynamics With
Adaptive Graph Convolution for Skeleton-Based Action Recognition", IEEE Access 2024), written
from the authors' code (github.com/SeoulTech-HCIRLab/MSGCN, ``model/MSGCN_main.py``) with its
module and parameter names."""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..graphs import Graph, edge_matrix
from ..layers import MSAGC, TMST, GraphTemporalBlock, build_data_bn, normalize_input


class MSAGCNBlock(GraphTemporalBlock):
    """MSA-GC, then TMST, plus a residual and ReLU (the authors' ``MSGCN`` block).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Physical adjacency [K, V, V].
        num_frames (int): Output frames of the block (its input frames / ``stride``).
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Use the block residual. Defaults to True.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    parts = ('mscam', 'tmst')  # the authors' names
    temporal_output_free = False  # it ends in a ReLU

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, num_frames: int,
                 stride: int = 1, residual: bool = True) -> None:
        super().__init__()
        self.mscam = MSAGC(in_channels, out_channels, A)
        self.tmst = TMST(out_channels, out_channels, num_frames, kernel_size=5, stride=stride)
        self.add_residual(in_channels, out_channels, stride, residual)


def _retrospect(in_channels: int, out_channels: int, pool: int) -> nn.Sequential:
    """Temporal average pool, 1x1 conv, BN, ReLU: a shortcut from an earlier stage."""
    return nn.Sequential(nn.AvgPool2d((pool, 1)), nn.Conv2d(in_channels, out_channels, 1),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


@MODELS.register_module()
class MSAGCN(BaseModule):
    """MSA-GCN backbone: joint embedding, data BatchNorm, ``num_stages`` MSA-GCN blocks and two
    "retrospect" shortcuts.

    Each joint's coordinates minus those of its grandparent in the layout tree are embedded by
    a linear layer (``to_joint_embedding``) plus a learned per-joint ``pos_embedding``, then
    normalised by a BatchNorm over persons, joints and channels (``data_bn``). The blocks
    double the channels and halve the frames at each of ``down_stages``. The outputs of the
    blocks just before the two down stages are pooled to the final length and projected to the
    final width (``first_tram``, ``second_tram``) and added to the last block's output.
    Defaults: the authors' NTU model, 10 blocks, 80 -> 160 -> 320 channels, T -> T / 4.

    The temporal attention of every block has a ``Linear(T', T')`` over its frames, so the
    backbone is built for one clip length ``num_frames`` and rejects any other.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments, e.g.
            ``dict(layout='nturgb+d', mode='spatial')``.
        num_frames (int): Input clip length T (a multiple of 4). Defaults to 64.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first stage (a multiple of 40). Defaults to 80.
        num_persons (int): Persons M (``data_bn`` is per person). Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        down_stages (Sequence[int]): The two stages (counted from 1) that double the channels
            and halve the frames. Defaults to (5, 8).
        init_cfg (dict | list, optional): mmengine initialisation config.

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T / 4, V].

    Example:
        >>> model = MSAGCN(dict(layout='nturgb+d', mode='spatial'), num_frames=64)
        >>> model(torch.randn(2, 2, 64, 25, 3)).shape
        torch.Size([2, 2, 320, 16, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, num_frames: int = 64, in_channels: int = 3,
                 base_channels: int = 80, num_persons: int = 2, num_stages: int = 10,
                 down_stages: Sequence[int] = (5, 8), init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(down_stages) != 2 or not 1 < min(down_stages) < max(down_stages) <= num_stages:
            raise ValueError(f'down_stages must be two stages in (1, {num_stages}], got '
                             f'{down_stages}')
        if num_frames % 4:
            raise ValueError(f'num_frames must be a multiple of 4, got {num_frames}')
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A, dtype=torch.float32)
        num_joints = A.size(1)
        self.in_channels, self.num_frames, self.num_persons = in_channels, num_frames, num_persons
        self.register_buffer('A_vector', self._relative_matrix(), persistent=False)
        self.to_joint_embedding = nn.Linear(in_channels, base_channels)
        self.pos_embedding = nn.Parameter(torch.randn(1, num_joints, base_channels))
        self.data_bn = build_data_bn('MVC', num_persons, base_channels, num_joints)
        self.down_stages = tuple(sorted(down_stages))
        channels, frames, taps = base_channels, num_frames, []
        for stage in range(1, num_stages + 1):
            stride = 1 + (stage in self.down_stages)
            if stride == 2:
                taps.append(channels)
            frames //= stride
            self.add_module(f'l{stage}', MSAGCNBlock(
                channels, channels * stride, A, frames, stride, residual=stage > 1))
            channels *= stride
        self.num_stages, self.out_channels = num_stages, channels
        self.first_tram = _retrospect(taps[0], channels, 4)
        self.second_tram = _retrospect(taps[1], channels, 2)

    def _relative_matrix(self) -> torch.Tensor:
        """``I - P^2`` [V, V], P[j, parent(j)] = 1: each joint minus its grandparent."""
        layout = self.graph.layout
        parent = edge_matrix(layout.outward, layout.num_joints)
        matrix = np.eye(layout.num_joints) - np.linalg.matrix_power(parent, 2)
        return torch.tensor(matrix, dtype=torch.float32)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Relative coordinates, joint embedding and data BN: [N, M, T, V, C] -> [NM, C', T, V]."""
        x = torch.einsum('uv,nmtvc->nmtuc', self.A_vector.to(x.dtype), x)
        x = self.to_joint_embedding(x) + self.pos_embedding
        return normalize_input(self.data_bn, x, 'MVC')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, m, t, v, c = x.shape
        if t != self.num_frames:
            raise ValueError(f'MSAGCN was built for T={self.num_frames} frames (num_frames; its '
                             f'temporal attention has a fixed length), got T={t} in input of '
                             f'shape {tuple(x.shape)} ([N, M, T, V, C])')
        if c != self.in_channels or m != self.num_persons:
            raise ValueError(f'MSAGCN expects M={self.num_persons} persons and C='
                             f'{self.in_channels} channels, got input of shape {tuple(x.shape)}')
        x = self.embed(x)
        taps = []
        for stage in range(1, self.num_stages + 1):
            if stage in self.down_stages:
                taps.append(x)
            x = getattr(self, f'l{stage}')(x)
        x = x + self.first_tram(taps[0]) + self.second_tram(taps[1])
        return x.reshape((n, m) + x.shape[1:])
