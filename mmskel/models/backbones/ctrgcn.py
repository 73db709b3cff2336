"""CTR-GCN backbone (Chen, Zhang, Yuan, Li, Deng and Hu, "Channel-wise Topology Refinement
Graph Convolution for Skeleton-Based Action Recognition", ICCV 2021), in pyskl's and mmaction2
1.x's structure and parameter names so that their checkpoints load with ``strict=True``:
:class:`CTRGC`, :class:`UnitCTRGCN` (``unit_ctrgcn``), the block and the backbone; their ``MSTCN``
is :class:`~mmskel.models.layers.ResidualMultiScaleTCN`."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..layers import GraphTemporalBlock, ResidualMultiScaleTCN
from ..layers.init import init_conv_bn
from ..layers.inplace import add_, relu_
from .stages import StagedBackbone, stage_plan


class CTRGC(nn.Module):
    """Channel-wise topology refinement graph convolution for one adjacency subset.

    Two 1x1 convolutions (``conv1``, ``conv2``) reduce the time-averaged features to R
    channels; ``tanh`` of their pairwise joint differences, lifted to C' channels by ``conv4``
    and scaled by ``alpha``, refines the shared topology A into one topology per channel and
    sample, which aggregates the ``conv3`` features.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        rel_reduction (int): R = C / rel_reduction (R = 8 when C <= 16). Defaults to 8.

    Shape:
        x: [N, C, T, V], A: [V, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, rel_reduction: int = 8) -> None:
        super().__init__()
        rel_channels = 8 if in_channels <= 16 else in_channels // rel_reduction
        self.conv1 = nn.Conv2d(in_channels, rel_channels, 1)
        self.conv2 = nn.Conv2d(in_channels, rel_channels, 1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.conv4 = nn.Conv2d(rel_channels, out_channels, 1)
        self.tanh = nn.Tanh()

    def forward(self, x: torch.Tensor, A: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        q, k = self.conv1(x).mean(-2), self.conv2(x).mean(-2)  # N, R, V
        relation = self.tanh(q.unsqueeze(-1) - k.unsqueeze(-2))  # N, R, V, V
        topology = self.conv4(relation) * alpha + A[None, None]  # N, C', V, V
        return torch.einsum('ncuv,nctu->nctv', topology, self.conv3(x))


class UnitCTRGCN(nn.Module):
    """CTR-GC over K adjacency subsets, summed, then BN, residual and ReLU (``unit_ctrgcn``).

    The shared topology ``A`` is a learnable parameter initialised from the graph; ``alpha``
    (initially 0) scales the channel-wise refinements of every subset.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor) -> None:
        super().__init__()
        self.convs = nn.ModuleList(CTRGC(in_channels, out_channels) for _ in range(A.size(0)))
        if in_channels != out_channels:
            self.down = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1),
                                      nn.BatchNorm2d(out_channels))
        else:
            self.down = nn.Identity()
        self.A = nn.Parameter(A.clone())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()

    def init_weights(self) -> None:
        """The paper's initialisation; the output BN starts near zero (weight 1e-6)."""
        init_conv_bn(self)
        nn.init.constant_(self.bn.weight, 1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = None
        for k, conv in enumerate(self.convs):  # einsum outputs: sums may go in place
            z = conv(x, self.A[k], self.alpha)
            y = z if y is None else add_(y, z)
        return relu_(add_(self.bn(y), self.down(x)))


class CTRGCNBlock(GraphTemporalBlock):
    """Channel-wise topology refinement graph convolution, multi-scale temporal convolution and
    a block residual.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Adjacency [K, V, V].
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Use the block residual. Defaults to True.
        kernel_size (int): Temporal kernel of the dilated branches. Defaults to 5.
        dilations (Sequence[int]): Dilations of the temporal branches. Defaults to (1, 2).
        tcn_dropout (float): Dropout of the temporal convolution. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    parts = ('gcn1', 'tcn1')  # pyskl's and mmaction2's names
    temporal_output_free = False  # it ends in a ReLU

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, stride: int = 1,
                 residual: bool = True, kernel_size: int = 5,
                 dilations: Sequence[int] = (1, 2), tcn_dropout: float = 0.) -> None:
        super().__init__()
        self.gcn1 = UnitCTRGCN(in_channels, out_channels, A)
        self.tcn1 = ResidualMultiScaleTCN(out_channels, out_channels, kernel_size, stride=stride,
                                          dilations=dilations, residual=False,
                                          dropout=tcn_dropout)
        self.add_residual(in_channels, out_channels, stride, residual)

    def init_weights(self) -> None:
        """The paper's initialisation of both units; the residual keeps PyTorch's default."""
        self.gcn1.init_weights()
        init_conv_bn(self.tcn1)


@MODELS.register_module()
class CTRGCN(StagedBackbone):
    """CTR-GCN backbone: data BatchNorm over persons, joints and channels, then ``num_stages``
    CTR-GCN blocks.

    The channels double and the temporal stride is 2 at ``inflate_stages`` / ``down_stages``
    (stages count from 1). With the defaults: 10 blocks, 64 -> 128 -> 256 channels, T -> T / 4,
    graph mode ``'spatial'`` (identity, inward, outward).

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments, e.g.
            ``dict(layout='nturgb+d', mode='spatial')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Stages that double the channels. Defaults to (5, 8).
        down_stages (Sequence[int]): Stages with temporal stride 2. Defaults to (5, 8).
        num_persons (int): Persons M; the data BatchNorm has M * V * C channels. Defaults to 2.
        kernel_size (int): Temporal kernel of the dilated branches. Defaults to 5.
        dilations (Sequence[int]): Dilations of the temporal branches. Defaults to (1, 2).
        tcn_dropout (float): Temporal dropout of every block but the first. Defaults to 0.
        init_cfg (dict | list, optional): mmengine initialisation config, applied after the
            paper's initialisation.

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T', V].

    Example:
        >>> model = CTRGCN(dict(layout='nturgb+d', mode='spatial'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 256, 8, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 64,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), num_persons: int = 2,
                 kernel_size: int = 5, dilations: Sequence[int] = (1, 2),
                 tcn_dropout: float = 0., init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        A = self.build_input(graph_cfg, in_channels, 'MVC', num_persons)
        self.register_buffer('A', A)  # saved in pyskl's checkpoints as backbone.A
        block_args = dict(kernel_size=kernel_size, dilations=dilations)
        blocks = [CTRGCNBlock(in_channels, base_channels, A, residual=False, **block_args)]
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages)
        blocks += [CTRGCNBlock(c_in, c_out, A, stride, tcn_dropout=tcn_dropout, **block_args)
                   for c_in, c_out, stride in plan]
        self.net = nn.ModuleList(blocks)
        self.out_channels = plan[-1][1] if plan else base_channels

    def init_weights(self) -> None:
        for block in self.net:
            block.init_weights()
        super().init_weights()

    def check_input(self, x: torch.Tensor) -> None:
        """The persons, joints and channels, which the data BatchNorm over M * V * C fixes."""
        n, m, t, v, c = x.shape
        if (m, v, c) != (self.num_persons, self.A.size(1), self.in_channels):
            raise ValueError(
                f'CTRGCN expects input [N, {self.num_persons}, T, {self.A.size(1)}, '
                f'{self.in_channels}] ([N, M, T, V, C]), got shape {tuple(x.shape)}')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(x, self.net)
