"""Temporal convolution units."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer


class UnitTCN(nn.Module):
    """Temporal convolution with a (kernel_size x 1) kernel, then BN and dropout
    (mmaction2's ``unit_tcn``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Temporal kernel size. Defaults to 9.
        stride (int): Temporal stride. Defaults to 1.
        dilation (int): Temporal dilation. Defaults to 1.
        norm_cfg (dict, optional): Normalisation; None for no normalisation. Defaults to BN.
        dropout (float): Dropout after the normalisation. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 9,
                 stride: int = 1, dilation: int = 1, norm_cfg: Optional[dict] = dict(type='BN'),
                 dropout: float = 0.) -> None:
        super().__init__()
        pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=(kernel_size, 1),
                              padding=(pad, 0), stride=(stride, 1), dilation=(dilation, 1))
        self.bn = build_norm_layer(norm_cfg, out_channels)[1] if norm_cfg else nn.Identity()
        self.drop = nn.Dropout(dropout)
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.bn(self.conv(x)))


def _branch(in_channels: int, channels: int, last: nn.Module) -> nn.Sequential:
    """1x1 conv -> BN -> ReLU -> ``last``: one branch of :class:`MultiScaleTCN`."""
    return nn.Sequential(nn.Conv2d(in_channels, channels, 1), nn.BatchNorm2d(channels),
                         nn.ReLU(), last)


class MultiScaleTCN(nn.Module):
    """Multi-scale temporal convolution of ST-GCN++ (pyskl's ``mstcn``; Duan et al., "PYSKL",
    ACM MM 2022).

    Parallel branches, each a 1x1 bottleneck then a dilated temporal convolution (kernel 3,
    dilations 1-4), a max-pool (kernel 3) or a plain strided 1x1 convolution; their outputs are
    concatenated, mixed by BN-ReLU-1x1 conv, then BN and dropout. Parameter names follow pyskl.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Temporal stride. Defaults to 1.
        dropout (float): Dropout at the end. Defaults to 0.
        ms_cfg (Sequence): Branches: ``(kernel, dilation)``, ``('max', kernel)`` or ``'1x1'``.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 dropout: float = 0.,
                 ms_cfg=((3, 1), (3, 2), (3, 3), (3, 4), ('max', 3), '1x1')) -> None:
        super().__init__()
        num = len(ms_cfg)
        mid = out_channels // num
        first = out_channels - mid * (num - 1)  # the first branch takes the remainder
        branches = []
        for i, cfg in enumerate(ms_cfg):
            channels = first if i == 0 else mid
            if cfg == '1x1':
                branches.append(nn.Conv2d(in_channels, channels, 1, stride=(stride, 1)))
            elif cfg[0] == 'max':
                branches.append(_branch(in_channels, channels, nn.MaxPool2d(
                    (cfg[1], 1), stride=(stride, 1), padding=((cfg[1] - 1) // 2, 0))))
            else:
                branches.append(_branch(in_channels, channels, UnitTCN(
                    channels, channels, cfg[0], stride=stride, dilation=cfg[1], norm_cfg=None)))
        self.branches = nn.ModuleList(branches)
        self.transform = nn.Sequential(nn.BatchNorm2d(out_channels), nn.ReLU(),
                                       nn.Conv2d(out_channels, out_channels, 1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.cat([branch(x) for branch in self.branches], dim=1)
        return self.drop(self.bn(self.transform(x)))
