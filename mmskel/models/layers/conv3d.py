"""The 3D convolution blocks of the PoseC3D backbones (ResNet3dSlowOnly, X3D, C3D): mmcv's
``ConvModule`` over ``Conv3d`` and ``BN3d`` (state-dict names ``conv.*`` and ``bn.*``, as in
mmaction2's and pyskl's checkpoints), and the residual bottleneck that ResNet3d and X3D share."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model.weight_init import constant_init

from .inplace import add_, relu_

Size3d = Union[int, Sequence[int]]


def conv3d_bn(in_channels: int, out_channels: int, kernel_size: Size3d, stride: Size3d = 1,
              padding: Size3d = 0, dilation: Size3d = 1, groups: int = 1, norm: bool = True,
              act: bool = True) -> ConvModule:
    """``Conv3d`` without bias, then ``BN3d`` (``norm``), then ReLU (``act``).

    mmcv initialises the convolution with Kaiming normal (fan-out, ReLU gain) and the batch
    norm at weight 1, bias 0: the initialisation mmaction2's and pyskl's 3D CNNs use.

    Shape:
        x: [N, C_in, T, H, W] -> [N, C_out, T', H', W'].
    """
    return ConvModule(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                      dilation=dilation, groups=groups, bias=False,
                      conv_cfg=dict(type='Conv3d'),
                      norm_cfg=dict(type='BN3d') if norm else None,
                      act_cfg=dict(type='ReLU') if act else None)


def downsample3d(in_channels: int, out_channels: int, temporal_stride: int,
                 spatial_stride: int) -> ConvModule:
    """The projection shortcut of a residual block: a strided 1x1x1 convolution and BN3d."""
    return conv3d_bn(in_channels, out_channels, 1,
                     stride=(temporal_stride, spatial_stride, spatial_stride), act=False)


class Bottleneck3dBase(nn.Module):
    """``relu(conv3(between(conv2(conv1(x)))) + shortcut(x))``.

    A family's block builds ``conv1``, ``conv2``, ``conv3`` (ending in a batch norm, no ReLU)
    and ``downsample`` (a projection, or None for the identity) under its upstream names;
    ``between`` (SE and Swish in X3D) is the identity unless the block overrides it.
    """
    conv1: nn.Module
    conv2: nn.Module
    conv3: ConvModule
    downsample: Optional[nn.Module]

    def between(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv3(self.between(self.conv2(self.conv1(x))))
        shortcut = x if self.downsample is None else self.downsample(x)
        return relu_(add_(out, shortcut))  # out is a BN output: its backward does not read it

    def zero_init_residual(self) -> None:
        """Start the block as its shortcut: the last batch norm's weight and bias at 0."""
        constant_init(self.conv3.bn, 0)


def check_volume(name: str, x: torch.Tensor, in_channels: int) -> None:
    """Refuse an input that is not a batch of volumes [N, C, T, H, W] with ``in_channels``."""
    if x.dim() != 5 or x.shape[1] != in_channels:
        raise ValueError(f'{name} expects inputs [N, C, T, H, W] with C = {in_channels} '
                         f'(heatmap channels), got shape {tuple(x.shape)}')
