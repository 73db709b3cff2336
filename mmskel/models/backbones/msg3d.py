"""MS-G3D backbone (Liu, Zhang, Chen, Wang and Ouyang, "Disentangling and Unifying Graph
Convolutions for Skeleton-Based Action Recognition", CVPR 2020), in pyskl's structure and
parameter names (the same as mmaction2 1.x's ``projects/msg3d``) so that their checkpoints
load with ``strict=True``."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from ..graphs import Graph
from ..layers import (MSGCN, MultiScaleTemporalConv, MultiWindowMSG3DBlock, build_data_bn,
                      normalize_input)


@MODELS.register_module()
class MSG3D(BaseModule):
    """MS-G3D: data BatchNorm, then three spatial-temporal graph convolution (STGC) blocks.

    Each STGC block sums two pathways and applies ReLU: a factorised one (``sgcn``: MS-GCN,
    then two multi-scale temporal convolutions, the second without activation) and a unified
    one (``gcn3d``: G3D over windows of 3 and 5 frames). A multi-scale temporal convolution
    (``tcn``, :class:`~mmskel.models.layers.MultiScaleTemporalConv`) follows. Channels are
    ``base_channels`` x (1, 2, 4); blocks 2 and 3 halve the frames.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments; the first subset
            must be the binary adjacency, e.g. ``dict(layout='nturgb+d', mode='binary_adj')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first block. Defaults to 96.
        num_gcn_scales (int): Scales of MS-GCN (13 for NTU, 8 for Kinetics). Defaults to 13.
        num_g3d_scales (int): Scales of G3D (6 for NTU, 8 for Kinetics). Defaults to 6.
        num_person (int): Persons M, for the data BatchNorm over M * V * C. Defaults to 2.
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

    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 96,
                 num_gcn_scales: int = 13, num_g3d_scales: int = 6, num_person: int = 2,
                 window_sizes: Sequence[int] = (3, 5), tcn_dropout: float = 0.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A[0], dtype=torch.float32)
        self.register_buffer('A', A)  # kept in the state_dict, as upstream does
        self.in_channels, self.num_person = in_channels, num_person
        self.data_bn = build_data_bn('MVC', num_person, in_channels, A.size(0))
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
                MultiScaleTemporalConv(c_gcn, c_out, stride=stride),
                MultiScaleTemporalConv(c_out, c_out, act_cfg=None)))
            setattr(self, f'tcn{i}', MultiScaleTemporalConv(c_out, c_out, dropout=tcn_dropout))
        self.out_channels = channels[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, m, t, v, c = x.shape
        if c != self.in_channels or m != self.num_person:
            raise ValueError(f'MSG3D expects {self.num_person} persons and {self.in_channels} '
                             f'channels, got input of shape {tuple(x.shape)} ([N, M, T, V, C])')
        x = normalize_input(self.data_bn, x, 'MVC')
        for i in range(1, 4):
            x = F.relu(getattr(self, f'sgcn{i}')(x) + getattr(self, f'gcn3d{i}')(x))
            x = getattr(self, f'tcn{i}')(x)
        return x.reshape((n, m) + x.shape[1:])
