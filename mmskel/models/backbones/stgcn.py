"""ST-GCN backbone (Yan, Xiong and Lin, "Spatial Temporal Graph Convolutional Networks for
Skeleton-Based Action Recognition", AAAI 2018), in mmaction2 1.x's structure and parameter names
so that its checkpoints load with ``strict=True``."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..layers import GraphTemporalBlock, MixingMultiScaleTCN, UnitGCN, UnitTCN
from .stages import StagedBackbone, stage_plan


class STGCNBlock(GraphTemporalBlock):
    """Graph convolution, temporal convolution and a residual connection.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Adjacency [K, V, V].
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Use the block residual. Defaults to True.
        adaptive (str, optional): Adjacency learning of :class:`UnitGCN`.
        gcn_with_res (bool): Residual inside the graph convolution. Defaults to False.
        tcn_type (str): ``'unit_tcn'`` (one 9-frame convolution) or ``'mstcn'``
            (:class:`MixingMultiScaleTCN`, ST-GCN++). Defaults to ``'unit_tcn'``.
        tcn_dropout (float): Dropout of the temporal convolution. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, stride: int = 1,
                 residual: bool = True, adaptive: Optional[str] = 'importance',
                 gcn_with_res: bool = False, tcn_type: str = 'unit_tcn',
                 tcn_dropout: float = 0.) -> None:
        super().__init__()
        self.gcn = UnitGCN(in_channels, out_channels, A, adaptive=adaptive,
                           with_res=gcn_with_res)
        if tcn_type == 'unit_tcn':
            self.tcn = UnitTCN(out_channels, out_channels, 9, stride=stride, dropout=tcn_dropout)
        elif tcn_type == 'mstcn':
            self.tcn = MixingMultiScaleTCN(out_channels, out_channels, stride=stride,
                                           dropout=tcn_dropout)
        else:
            raise ValueError(f"tcn_type must be 'unit_tcn' or 'mstcn', got {tcn_type!r}")
        self.add_residual(in_channels, out_channels, stride, residual)


@MODELS.register_module()
class STGCN(StagedBackbone):
    """ST-GCN backbone: data BatchNorm, then ``num_stages`` ST-GCN blocks.

    Channels start at ``base_channels`` and are multiplied by ``ch_ratio`` at each of
    ``inflate_stages``; the temporal stride is 2 at ``down_stages`` (stages count from 1).
    With the defaults: 10 blocks, 64 -> 128 -> 256 channels, T -> T / 4.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments, e.g.
            ``dict(layout='nturgb+d', mode='stgcn_spatial')``.
        in_channels (int): Input channels C (3 for 3D joints, 2 or 3 for 2D). Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        data_bn_type (str): ``'VC'`` (BatchNorm over V*C, shared by persons), ``'MVC'`` or
            ``'none'``. Defaults to ``'VC'``.
        ch_ratio (float): Channel multiplier at inflate stages. Defaults to 2.
        num_persons (int): Persons M (used by ``'MVC'``). Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Stages that multiply channels. Defaults to (5, 8).
        down_stages (Sequence[int]): Stages with temporal stride 2. Defaults to (5, 8).
        adaptive (str, optional): Adjacency learning of every graph convolution; ``'importance'``
            is ST-GCN's learnable edge importance, ``'init'`` ST-GCN++'s. Defaults to
            ``'importance'``.
        gcn_with_res (bool): Residual inside each graph convolution (ST-GCN++). Defaults to False.
        tcn_type (str): ``'unit_tcn'`` or ``'mstcn'`` (ST-GCN++). Defaults to ``'unit_tcn'``.
        tcn_dropout (float): Dropout in each temporal convolution. Defaults to 0.
        init_cfg (dict | list, optional): mmengine initialisation config.

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T', V].

    Example:
        >>> model = STGCN(dict(layout='nturgb+d', mode='stgcn_spatial'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 256, 8, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 64,
                 data_bn_type: str = 'VC', ch_ratio: float = 2, num_persons: int = 2,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), adaptive: Optional[str] = 'importance',
                 gcn_with_res: bool = False, tcn_type: str = 'unit_tcn',
                 tcn_dropout: float = 0., init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        A = self.build_input(graph_cfg, in_channels, data_bn_type, num_persons)
        block_args = dict(adaptive=adaptive, gcn_with_res=gcn_with_res, tcn_type=tcn_type,
                          tcn_dropout=tcn_dropout)
        blocks = []
        if in_channels != base_channels:  # the first stage maps C -> base_channels, no residual
            blocks.append(STGCNBlock(in_channels, base_channels, A, 1, residual=False,
                                     **dict(block_args, tcn_dropout=0.)))
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages, ch_ratio)
        blocks += [STGCNBlock(c_in, c_out, A, stride, **block_args) for c_in, c_out, stride in plan]
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = plan[-1][1] if plan else base_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(x, self.gcn)
