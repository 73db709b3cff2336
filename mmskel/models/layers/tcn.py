"""Temporal convolution units."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_norm_layer


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


def block_residual(in_channels: int, out_channels: int, stride: int = 1) -> nn.Module:
    """The residual path of a GCN block: the identity, or a strided 1x1 :class:`UnitTCN` (conv +
    BN) where the channels or the frame count change."""
    if in_channels == out_channels and stride == 1:
        return nn.Identity()
    return UnitTCN(in_channels, out_channels, kernel_size=1, stride=stride)


def _branch(in_channels: int, channels: int, last: nn.Module) -> nn.Sequential:
    """1x1 conv -> BN -> ReLU -> ``last``: one branch of :class:`MixingMultiScaleTCN`."""
    return nn.Sequential(nn.Conv2d(in_channels, channels, 1), nn.BatchNorm2d(channels),
                         nn.ReLU(), last)


class MixingMultiScaleTCN(nn.Module):
    """Multi-scale temporal convolution whose concatenated branches are mixed by a 1x1
    convolution, without a residual: ST-GCN++'s (pyskl's ``mstcn``; Duan et al., "PYSKL",
    ACM MM 2022). :class:`ResidualMultiScaleTCN` is the MS-G3D / CTR-GCN kind.

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


class ResidualMultiScaleTCN(nn.Module):
    """Multi-scale temporal convolution whose concatenated branches are summed with an optional
    residual, without a mixing convolution: MS-G3D's and CTR-GCN's (pyskl's and mmaction2 1.x's
    ``MSTCN``; CTR-GCN turns the residual off). :class:`MixingMultiScaleTCN` is ST-GCN++'s.

    Branches: for each dilation a 1x1 bottleneck (conv-BN-ReLU) then a dilated temporal
    convolution with BN; a bottleneck then a 3-frame max-pool and BN; a strided 1x1 convolution
    with BN, which takes the channel remainder. The concatenated branches, plus the residual,
    pass the activation and dropout. MS-G3D: kernel 3, dilations 1-4, residual; CTR-GCN:
    kernel 5, dilations 1 and 2, no residual (four branches of C' / 4 channels).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        kernel_size (int): Temporal kernel of the dilated branches. Defaults to 3.
        stride (int): Temporal stride. Defaults to 1.
        dilations (Sequence[int]): One dilated branch per entry. Defaults to (1, 2, 3, 4).
        residual (bool): Add a residual (a strided 1x1 :class:`UnitTCN` when the shape
            changes). Defaults to True.
        act_cfg (dict, optional): Activation after the sum; None for none. Defaults to ReLU.
        dropout (float): Dropout at the end. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, dilations: Sequence[int] = (1, 2, 3, 4), residual: bool = True,
                 act_cfg: Optional[dict] = dict(type='ReLU'), dropout: float = 0.) -> None:
        super().__init__()
        num_branches = len(dilations) + 2
        mid = out_channels // num_branches
        rest = out_channels - mid * (num_branches - 1)
        branches = [nn.Sequential(*self._bottleneck(in_channels, mid), UnitTCN(
            mid, mid, kernel_size, stride=stride, dilation=dilation)) for dilation in dilations]
        branches.append(nn.Sequential(
            *self._bottleneck(in_channels, mid),
            nn.MaxPool2d((3, 1), stride=(stride, 1), padding=(1, 0)), nn.BatchNorm2d(mid)))
        branches.append(nn.Sequential(nn.Conv2d(in_channels, rest, 1, stride=(stride, 1)),
                                      nn.BatchNorm2d(rest)))
        self.branches = nn.ModuleList(branches)
        self.has_residual = residual
        self.residual = block_residual(in_channels, out_channels, stride) if residual \
            else nn.Identity()
        self.act = build_activation_layer(act_cfg) if act_cfg else nn.Identity()
        self.drop = nn.Dropout(dropout)

    @staticmethod
    def _bottleneck(in_channels: int, channels: int) -> list:
        return [nn.Conv2d(in_channels, channels, 1), nn.BatchNorm2d(channels), nn.ReLU()]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.cat([branch(x) for branch in self.branches], dim=1)
        if self.has_residual:
            out = out + self.residual(x)
        return self.drop(self.act(out))
