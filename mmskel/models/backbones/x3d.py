"""X3D backbone (Feichtenhofer, "X3D: Expanding Architectures for Efficient Video
Recognition", CVPR 2020) in pyskl's structure and parameter names, whose shallow variant is a
light PoseC3D backbone (pyskl's ``configs/posec3d/x3d_shallow_*``)."""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.model.weight_init import kaiming_init

from mmskel.registry import MODELS
from ..layers.conv3d import Bottleneck3dBase, check_volume, conv3d_bn, downsample3d


def round_width(width: float, multiplier: float, min_width: int = 8, divisor: int = 8) -> int:
    """``width * multiplier`` rounded to a multiple of ``divisor`` (at least ``min_width``,
    never below 90% of the product), X3D's channel rule."""
    width *= multiplier
    rounded = max(min_width, int(width + divisor / 2) // divisor * divisor)
    return int(rounded + divisor if rounded < 0.9 * width else rounded)


class SqueezeExcitation3d(nn.Module):
    """Channel gates from the global average: 1x1x1 conv, ReLU, 1x1x1 conv, sigmoid.

    Args:
        channels (int): Channels C.
        reduction (float): Bottleneck width as a fraction of C (rounded by
            :func:`round_width`).

    Shape:
        x: [N, C, T, H, W] -> [N, C, T, H, W].
    """

    def __init__(self, channels: int, reduction: float) -> None:
        super().__init__()
        hidden = round_width(channels, reduction)
        self.fc1 = nn.Conv3d(channels, hidden, 1)
        self.fc2 = nn.Conv3d(hidden, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3, 4), keepdim=True))))
        return x * torch.sigmoid(gate)


class BlockX3D(Bottleneck3dBase):
    """X3D's block: 1x1x1 expansion, depthwise 3x3x3 (spatially strided), optional SE and
    Swish, 1x1x1 projection, plus the shortcut.

    Args:
        in_channels (int): Input channels.
        planes (int): Channels of the depthwise convolution.
        out_channels (int): Output channels.
        spatial_stride (int): Spatial stride. Defaults to 1.
        se_ratio (float, optional): SE bottleneck ratio; None for no SE. Defaults to None.
        use_swish (bool): Swish after the depthwise convolution. Defaults to True.

    Shape:
        x: [N, C, T, H, W] -> [N, out_channels, T, H / spatial_stride, W / spatial_stride].
    """

    def __init__(self, in_channels: int, planes: int, out_channels: int, spatial_stride: int = 1,
                 se_ratio: Optional[float] = None, use_swish: bool = True) -> None:
        super().__init__()
        self.downsample = None  # pyskl registers the shortcut first
        if spatial_stride != 1 or in_channels != out_channels:
            self.downsample = downsample3d(in_channels, out_channels, 1, spatial_stride)
        self.conv1 = conv3d_bn(in_channels, planes, 1)
        self.conv2 = conv3d_bn(planes, planes, 3, stride=(1, spatial_stride, spatial_stride),
                               padding=1, groups=planes, act=False)
        self.conv3 = conv3d_bn(planes, out_channels, 1, act=False)
        self.se_module = SqueezeExcitation3d(planes, se_ratio) if se_ratio else None
        self.use_swish = use_swish

    def between(self, x: torch.Tensor) -> torch.Tensor:
        if self.se_module is not None:
            x = self.se_module(x)
        return x * torch.sigmoid(x) if self.use_swish else x


@MODELS.register_module()
class X3D(BaseModule):
    """X3D: a stem (spatial 1x3x3 stride-2 conv, depthwise 5x1x1 temporal conv), stages of
    :class:`BlockX3D`, then a 1x1x1 expansion ``conv5``; time is never strided.

    Channels: the stem has ``round_width(base_channels, gamma_w)``, stage i twice as many as
    stage i - 1, the blocks' depthwise convolutions and ``conv5`` ``gamma_b`` times their
    stage's. Depth: stage i has ``ceil(gamma_d * stage_blocks[i])`` blocks; SE in every block
    (``se_style='all'``) or every other one (``'half'``). PoseC3D's X3D-shallow (pyskl):
    ``X3D(gamma_d=1, in_channels=17, base_channels=24, num_stages=3, se_ratio=None,
    use_swish=False, stage_blocks=(2, 5, 3), spatial_strides=(2, 2, 2))``: 0.24 M parameters
    with its head, [17, 48, 64, 64] -> [216, 48, 4, 4].

    Args:
        gamma_w (float): Width factor of the stem. Defaults to 1.
        gamma_b (float): Width factor of the blocks' inner convolutions. Defaults to 2.25.
        gamma_d (float): Depth factor. Defaults to 2.2.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Stem channels before ``gamma_w``. Defaults to 24.
        num_stages (int): Stages, 1 to 4. Defaults to 4.
        stage_blocks (Sequence[int]): Blocks per stage before ``gamma_d``.
            Defaults to (1, 2, 5, 3).
        spatial_strides (Sequence[int]): Spatial stride of each stage's first block.
            Defaults to (2, 2, 2, 2).
        se_style (str): ``'half'`` or ``'all'``. Defaults to ``'half'``.
        se_ratio (float, optional): SE bottleneck ratio, None for no SE. Defaults to 1 / 16.
        use_swish (bool): Swish inside the blocks. Defaults to True.
        zero_init_residual (bool): Start each block as its shortcut. Defaults to True.
        init_cfg (dict | list, optional): mmengine initialisation config.

    Shape:
        x: [N, C, T, H, W] -> [N, C', T, H / 2 ** (1 + #strided stages), ...].

    Example:
        >>> model = X3D(gamma_d=1, in_channels=17, base_channels=24, num_stages=3,
        ...     se_ratio=None, use_swish=False, stage_blocks=(2, 5, 3),
        ...     spatial_strides=(2, 2, 2))
        >>> model(torch.randn(1, 17, 48, 64, 64)).shape
        torch.Size([1, 216, 48, 4, 4])
    """

    def __init__(self, gamma_w: float = 1., gamma_b: float = 2.25, gamma_d: float = 2.2,
                 in_channels: int = 3, base_channels: int = 24, num_stages: int = 4,
                 stage_blocks: Sequence[int] = (1, 2, 5, 3),
                 spatial_strides: Sequence[int] = (2, 2, 2, 2), se_style: str = 'half',
                 se_ratio: Optional[float] = 1 / 16, use_swish: bool = True,
                 zero_init_residual: bool = True, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not 1 <= num_stages <= 4 or len(stage_blocks) < num_stages \
                or len(spatial_strides) < num_stages:
            raise ValueError(f'num_stages must be 1 to 4 with stage_blocks and spatial_strides '
                             f'for each, got {num_stages}, {tuple(stage_blocks)}, '
                             f'{tuple(spatial_strides)}')
        if se_style not in ('half', 'all'):
            raise ValueError(f"se_style must be 'half' or 'all', got {se_style!r}")
        self.in_channels, self.zero_init_residual = in_channels, zero_init_residual
        base = round_width(base_channels, gamma_w) if gamma_w else base_channels
        self.conv1_s = conv3d_bn(in_channels, base, (1, 3, 3), stride=(1, 2, 2),
                                 padding=(0, 1, 1), norm=False, act=False)
        self.conv1_t = conv3d_bn(base, base, (5, 1, 1), padding=(2, 0, 0), groups=base)
        channels = base
        self.res_layers = []
        for i in range(num_stages):
            width = base * 2 ** i
            num_blocks = int(math.ceil(gamma_d * stage_blocks[i])) if gamma_d \
                else stage_blocks[i]
            blocks = [BlockX3D(channels if k == 0 else width, int(width * gamma_b), width,
                               spatial_strides[i] if k == 0 else 1,
                               se_ratio if se_style == 'all' or k % 2 == 0 else None, use_swish)
                      for k in range(num_blocks)]
            self.add_module(f'layer{i + 1}', nn.Sequential(*blocks))
            self.res_layers.append(f'layer{i + 1}')
            channels = width
        self.out_channels = int(channels * gamma_b)
        self.conv5 = conv3d_bn(channels, self.out_channels, 1)

    def init_weights(self) -> None:
        """pyskl's initialisation: Kaiming convolutions (the SE ones too; mmcv initialises the
        others at construction), each block starting as its shortcut, then ``init_cfg``."""
        for module in self.modules():
            if isinstance(module, SqueezeExcitation3d):
                kaiming_init(module.fc1)
                kaiming_init(module.fc2)
            elif isinstance(module, BlockX3D) and self.zero_init_residual:
                module.zero_init_residual()
        super().init_weights()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_volume('X3D', x, self.in_channels)
        x = self.conv1_t(self.conv1_s(x))
        for name in self.res_layers:
            x = getattr(self, name)(x)
        return self.conv5(x)
