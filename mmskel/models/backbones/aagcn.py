"""AAGCN backbone: 2s-AGCN (Shi, Zhang, Cheng and Lu, "Two-Stream Adaptive Graph Convolutional
Networks for Skeleton-Based Action Recognition", CVPR 2019) and its attention-enhanced version
(MS-AAGCN, "Skeleton-Based Action Recognition with Multi-Stream Adaptive Graph Convolutional
Networks", IEEE TIP 2020), in mmaction2 1.x's structure and parameter names so that its and
pyskl's checkpoints load with ``strict=True``."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from ..graphs import Graph
from ..layers import AAGCNBlock, UnitAAGCN, build_data_bn, normalize_input
from .stages import check_channels, stage_plan


@MODELS.register_module()
class AAGCN(BaseModule):
    """AAGCN backbone: data BatchNorm, then ``num_stages`` :class:`AAGCNBlock`.

    With the defaults: 10 blocks, 64 -> 128 -> 256 channels (doubled at stages 5 and 8),
    temporal stride 2 at stages 5 and 8 (T -> T / 4), adaptive graphs and STC attention in every
    block (MS-AAGCN). ``attention=False`` gives the 2s-AGCN network that mmaction2 trains;
    ``attention=False, adaptive='softmax'`` the CVPR 2019 graph formulation.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments, e.g.
            ``dict(layout='nturgb+d', mode='spatial')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        data_bn_type (str): ``'MVC'`` (BatchNorm over M*V*C, the papers'), ``'VC'`` or
            ``'none'``. Defaults to ``'MVC'``.
        ch_ratio (float): Channel multiplier at inflate stages. Defaults to 2.
        num_person (int): Persons M; with ``'MVC'`` the input must have exactly M. Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Stages that multiply channels. Defaults to (5, 8).
        down_stages (Sequence[int]): Stages with temporal stride 2. Defaults to (5, 8).
        adaptive (bool | str): Graph learning of every block, see
            :class:`~mmskel.models.layers.UnitAAGCN`. Defaults to True.
        attention (bool | Sequence[str]): STC attention of every block: True, False or some of
            ``('spatial', 'temporal', 'channel')``. Defaults to True.
        tcn_dropout (float): Dropout in the temporal convolutions (not the first block's).
            Defaults to 0.
        init_cfg (dict | list, optional): mmengine initialisation config, applied after the
            authors' initialisation (e.g. ``Pretrained``).

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T', V].

    Example:
        >>> model = AAGCN(dict(layout='nturgb+d', mode='spatial'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 256, 8, 25])
    """

    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 64,
                 data_bn_type: str = 'MVC', ch_ratio: float = 2, num_person: int = 2,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), adaptive: Union[bool, str] = True,
                 attention: Union[bool, Sequence[str]] = True, tcn_dropout: float = 0.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A, dtype=torch.float32)
        self.register_buffer('A', A)  # mmaction2 keeps the graph in the state dict
        num_joints = A.size(1)
        self.in_channels, self.num_person, self.data_bn_type = in_channels, num_person, data_bn_type
        self.data_bn = build_data_bn(data_bn_type, num_person, in_channels, num_joints)
        block_args = dict(adaptive=adaptive, attention=attention)
        blocks = []
        if in_channels != base_channels:  # the first stage maps C -> base_channels, no residual
            blocks.append(AAGCNBlock(in_channels, base_channels, A, 1, residual=False,
                                     **block_args))
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages, ch_ratio)
        blocks += [AAGCNBlock(c_in, c_out, A, stride, tcn_dropout=tcn_dropout, **block_args)
                   for c_in, c_out, stride in plan]
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = plan[-1][1] if plan else base_channels

    def init_weights(self) -> None:
        """The authors' initialisation (Kaiming convolutions, unit BN, :meth:`UnitAAGCN.
        init_weights`), then ``init_cfg``."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out')
                nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for m in self.modules():  # a second pass: the units' own rules win
            if isinstance(m, UnitAAGCN):
                m.init_weights()
        super().init_weights()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_channels('AAGCN', x, self.in_channels)
        n, m = x.shape[:2]
        if self.data_bn_type == 'MVC' and m != self.num_person:
            raise ValueError(f"AAGCN with data_bn_type='MVC' expects num_person={self.num_person}"
                             f' persons, got input of shape {tuple(x.shape)} ([N, M, T, V, C])')
        x = normalize_input(self.data_bn, x, self.data_bn_type)
        for block in self.gcn:
            x = block(x)
        return x.reshape((n, m) + x.shape[1:])
