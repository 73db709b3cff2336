"""MST-GCN backbone (Chen, Li, Yang, Li and Liu, "Multi-Scale Spatial Temporal Graph
Convolutional Network for Skeleton-Based Action Recognition", AAAI 2021), in the structure and
parameter names of the official code (github.com/czhaneva/MST-GCN, ``model/AEMST_GCN.py``) so
that its checkpoints load with ``strict=True`` (its ``fc.*`` go to the head's ``fc.*``)."""
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from ..graphs import Graph
from ..layers import (BasicGCNLayer, BasicTCNLayer, HierarchicalGCN, HierarchicalTCN, build_data_bn,
                      normalize_input)
from .stages import check_channels, stage_plan


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
class MSTGCN(BaseModule):
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
        num_person (int): Persons M (used by ``'MVC'``). Defaults to 2.
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

    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 112,
                 data_bn_type: str = 'MVC', ch_ratio: float = 2, num_person: int = 2,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), kernel_size: int = 9, s_scale: int = 4,
                 t_scale: int = 4,
                 init_cfg: Optional[Union[dict, List[dict]]] = dict(
                     type='Kaiming', layer='Conv2d', mode='fan_out')) -> None:
        super().__init__(init_cfg=init_cfg)
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A, dtype=torch.float32)
        num_joints = A.size(1)
        self.in_channels, self.data_bn_type = in_channels, data_bn_type
        self.data_bn = build_data_bn(data_bn_type, num_person, in_channels, num_joints)
        scales = dict(kernel_size=kernel_size, s_scale=s_scale, t_scale=t_scale)
        layers = [MSTGCNBlock(in_channels, base_channels, A, residual=False, multi_scale=False,
                              **scales)]
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages, ch_ratio)
        layers += [MSTGCNBlock(c_in, c_out, A, stride, **scales) for c_in, c_out, stride in plan]
        self.layers = nn.ModuleList(layers)
        self.out_channels = plan[-1][1] if plan else base_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_channels('MSTGCN', x, self.in_channels)
        n, m = x.shape[:2]
        x = normalize_input(self.data_bn, x, self.data_bn_type)
        for layer in self.layers:
            x = layer(x)
        return x.reshape((n, m) + x.shape[1:])
