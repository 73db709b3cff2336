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
