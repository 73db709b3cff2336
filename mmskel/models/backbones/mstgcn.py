"""MST-GCN backbone (Chen, Li, Yang, Li and Liu, "Multi-Scale Spatial Temporal Graph
Convolutional Network for Skeleton-Based Action Recognition", AAAI 2021), in the structure and
parameter names of the official code (github.com/czhaneva/MST-GCN, ``model/AEMST_GCN.py``) so
that its checkpoints load with ``strict=True`` (its ``fc.*`` go to the head's ``fc.*``).

The blocks are named after the official ``model/layers.py``: ``SpatialGraphCov`` ->
:class:`SubGraphConv`, ``MS_GCN_layer`` -> :class:`HierarchicalGCN`, ``MS_TCN_layer`` ->
:class:`HierarchicalTCN`, ``Basic_GCN_layer`` ->
:class:`BasicGCNLayer`, ``Basic_TCN_layer`` -> :class:`BasicTCNLayer`.
"""
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..layers import conv_then_aggregate
from .stages import StagedBackbone, stage_plan


def shortcut(in_channels: int, out_channels: int, stride: int = 1,
             residual: bool = True) -> Optional[nn.Module]:
    """The residual branch of an MST-GCN layer: None (no residual), identity, or a strided
    1x1 convolution with BN when the shape changes."""
    if not residual:
        return None
    if in_channels == out_channels and stride == 1:
        return nn.Identity()
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1)),
                         nn.BatchNorm2d(out_channels))


def hierarchical(x: torch.Tensor, branches: nn.ModuleList, chain: bool) -> torch.Tensor:
    """Res2Net-style multi-scale processing: split the channels into ``len(branches)`` equal
    groups; with ``chain`` each group is added to the previous group's output before its branch,
    so later groups see ever larger receptive fields.

    Shape:
        x: [N, C, T, V] -> the concatenated branch outputs.
    """
    outputs: List[torch.Tensor] = []
    for part, branch in zip(x.chunk(len(branches), dim=1), branches):
        outputs.append(branch(part + outputs[-1] if chain and outputs else part))
    return torch.cat(outputs, dim=1)


def check_divisible(channels: int, scale: int, name: str) -> None:
    if channels % scale:
        raise ValueError(f'{name}: {channels} channels cannot be split into {scale} equal '
                         'groups; use a channel count divisible by the scale')


class SubGraphConv(nn.Module):
    """Graph convolution with a learnable, unconstrained adjacency ``A + PA`` (``PA`` starts
    equal to the skeleton adjacency; the official ``SpatialGraphCov``).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor) -> None:
        super().__init__()
        self.num_subsets = A.size(0)
        self.gcn = nn.Conv2d(in_channels, out_channels * self.num_subsets, 1)
        self.PA = nn.Parameter(A.clone())
        self.register_buffer('A', A.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv_then_aggregate(x, self.gcn, self.A + self.PA)


class HierarchicalGCN(nn.Module):
    """Multi-scale spatial graph convolution (MS-GC): BN, then ``s_scale`` channel groups, each
    a :class:`SubGraphConv` with BN; within a stage (C == C') each group also receives the
    previous group's output, so the last group aggregates over ``s_scale`` hops. Residual, ReLU.

    Args:
        in_channels (int): Input channels C, divisible by ``s_scale``.
        out_channels (int): Output channels C', divisible by ``s_scale``.
        A (torch.Tensor): Adjacency [K, V, V].
        s_scale (int): Number of channel groups. Defaults to 4.
        residual (bool): Add the layer residual. Defaults to True.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, s_scale: int = 4,
                 residual: bool = True) -> None:
        super().__init__()
        check_divisible(in_channels, s_scale, 'HierarchicalGCN input')
        check_divisible(out_channels, s_scale, 'HierarchicalGCN output')
        self.chain = in_channels == out_channels  # the official 'basic' mode; 'stage' otherwise
        self.bn_in = nn.BatchNorm2d(in_channels)
        self.conv_bn = nn.ModuleList(
            nn.Sequential(SubGraphConv(in_channels // s_scale, out_channels // s_scale, A),
                          nn.BatchNorm2d(out_channels // s_scale)) for _ in range(s_scale))
        self.residual = shortcut(in_channels, out_channels, residual=residual)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = 0 if self.residual is None else self.residual(x)
        return self.act(hierarchical(self.bn_in(x), self.conv_bn, self.chain) + res)


class HierarchicalTCN(nn.Module):
    """Multi-scale temporal convolution (MT-C): ``t_scale`` channel groups, each a
    (``kernel_size`` x 1) temporal convolution with BN; without temporal stride each group also
    receives the previous group's output, so the temporal receptive field of the last group
    spans ``t_scale * (kernel_size - 1) + 1`` frames. Residual, ReLU.

    The official ``MS_TCN_layer`` also builds a ``bn_in`` that its forward never uses; it is
    left out here (an unused parameter breaks distributed training) and its keys are dropped
    when a checkpoint is loaded.

    Args:
        channels (int): Input and output channels C, divisible by ``t_scale``.
        kernel_size (int): Temporal kernel size. Defaults to 9.
        stride (int): Temporal stride. Defaults to 1.
        t_scale (int): Number of channel groups. Defaults to 4.
        residual (bool): Add the layer residual. Defaults to True.

    Shape:
        x: [N, C, T, V] -> [N, C, T / stride, V].
    """

    def __init__(self, channels: int, kernel_size: int = 9, stride: int = 1, t_scale: int = 4,
                 residual: bool = True) -> None:
        super().__init__()
        check_divisible(channels, t_scale, 'HierarchicalTCN')
        self.chain = stride == 1
        width, pad = channels // t_scale, (kernel_size - 1) // 2
        self.conv_bn = nn.ModuleList(
            nn.Sequential(nn.Conv2d(width, width, (kernel_size, 1), padding=(pad, 0),
                                    stride=(stride, 1)),
                          nn.BatchNorm2d(width)) for _ in range(t_scale))
        self.residual = shortcut(channels, channels, stride, residual)
        self.act = nn.ReLU()

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        for key in [k for k in state_dict if k.startswith(f'{prefix}bn_in.')]:
            state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = 0 if self.residual is None else self.residual(x)
        return self.act(hierarchical(x, self.conv_bn, self.chain) + res)


class BasicGCNLayer(nn.Module):
    """Single-scale graph convolution of the first block: :class:`SubGraphConv`, BN, residual,
    ReLU (the official ``Basic_GCN_layer``).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].
        residual (bool): Add the layer residual. Defaults to False.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 residual: bool = False) -> None:
        super().__init__()
        self.conv = SubGraphConv(in_channels, out_channels, A)
        self.bn = nn.BatchNorm2d(out_channels)
        self.residual = shortcut(in_channels, out_channels, residual=residual)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = 0 if self.residual is None else self.residual(x)
        return self.act(self.bn(self.conv(x)) + res)


class BasicTCNLayer(nn.Module):
    """Single-scale temporal convolution of the first block: (``kernel_size`` x 1) convolution,
    BN, residual, ReLU (the official ``Basic_TCN_layer``).

    Args:
        channels (int): Input and output channels C.
        kernel_size (int): Temporal kernel size. Defaults to 9.
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Add the layer residual. Defaults to False.

    Shape:
        x: [N, C, T, V] -> [N, C, T / stride, V].
    """

    def __init__(self, channels: int, kernel_size: int = 9, stride: int = 1,
                 residual: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, (kernel_size, 1),
                              padding=((kernel_size - 1) // 2, 0), stride=(stride, 1))
        self.bn = nn.BatchNorm2d(channels)
        self.residual = shortcut(channels, channels, stride, residual)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = 0 if self.residual is None else self.residual(x)
        return self.act(self.bn(self.conv(x)) + res)


class MSTGCNBlock(nn.Module):
    """A spatial then a temporal layer, each with its own residual (the official
    ``MST_GCN_block``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Adjacency [K, V, V].
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Residuals inside both layers. Defaults to True.
        kernel_size (int): Temporal kernel size. Defaults to 9.
        multi_scale (bool): Use MS-GC and MT-C (:class:`HierarchicalGCN`,
            :class:`HierarchicalTCN`); False builds the single-scale layers of the first block.
            Defaults to True.
        s_scale (int): Channel groups of MS-GC. Defaults to 4.
        t_scale (int): Channel groups of MT-C. Defaults to 4.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, stride: int = 1,
                 residual: bool = True, kernel_size: int = 9, multi_scale: bool = True,
                 s_scale: int = 4, t_scale: int = 4) -> None:
        super().__init__()
        if multi_scale:
            self.msgcn = HierarchicalGCN(in_channels, out_channels, A, s_scale, residual)
            self.mstcn = HierarchicalTCN(out_channels, kernel_size, stride, t_scale, residual)
        else:
            self.msgcn = BasicGCNLayer(in_channels, out_channels, A, residual)
            self.mstcn = BasicTCNLayer(out_channels, kernel_size, stride, residual)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mstcn(self.msgcn(x))


@MODELS.register_module()
class MSTGCN(StagedBackbone):
    """MST-GCN backbone: data BatchNorm, a single-scale first block (C -> ``base_channels``,
    no residual), then ``num_stages - 1`` multi-scale blocks of MS-GC and MT-C.

    Channels are multiplied by ``ch_ratio`` and the temporal stride is 2 at ``inflate_stages``
    and ``down_stages`` (stages count from 1). With the defaults: 10 blocks,
    112 -> 224 -> 448 channels, T -> T / 4.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments; the paper uses
            ``dict(layout='nturgb+d', mode='spatial')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first stage, divisible by ``s_scale`` and
            ``t_scale``. Defaults to 112.
        data_bn_type (str): ``'MVC'`` (BatchNorm over M*V*C, the official choice), ``'VC'`` or
            ``'none'``. Defaults to ``'MVC'``.
        ch_ratio (float): Channel multiplier at inflate stages. Defaults to 2.
        num_persons (int): Persons M (used by ``'MVC'``). Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Stages that multiply channels. Defaults to (5, 8).
        down_stages (Sequence[int]): Stages with temporal stride 2. Defaults to (5, 8).
        kernel_size (int): Temporal kernel size. Defaults to 9.
        s_scale (int): Channel groups of each MS-GC. Defaults to 4.
        t_scale (int): Channel groups of each MT-C. Defaults to 4.
        init_cfg (dict | list, optional): Defaults to the official initialisation: Kaiming
            normal (fan-out) convolutions with zero bias; BatchNorm stays at weight 1, bias 0.

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T', V].

    Example:
        >>> model = MSTGCN(dict(layout='nturgb+d', mode='spatial'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 448, 8, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 112,
                 data_bn_type: str = 'MVC', ch_ratio: float = 2, num_persons: int = 2,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), kernel_size: int = 9, s_scale: int = 4,
                 t_scale: int = 4,
                 init_cfg: Optional[Union[dict, List[dict]]] = dict(
                     type='Kaiming', layer='Conv2d', mode='fan_out')) -> None:
        super().__init__(init_cfg=init_cfg)
        A = self.build_input(graph_cfg, in_channels, data_bn_type, num_persons)
        scales = dict(kernel_size=kernel_size, s_scale=s_scale, t_scale=t_scale)
        layers = [MSTGCNBlock(in_channels, base_channels, A, residual=False, multi_scale=False,
                              **scales)]
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages, ch_ratio)
        layers += [MSTGCNBlock(c_in, c_out, A, stride, **scales) for c_in, c_out, stride in plan]
        self.layers = nn.ModuleList(layers)
        self.out_channels = plan[-1][1] if plan else base_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(x, self.layers)
