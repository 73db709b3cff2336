"""C3D backbone (Tran et al., "Learning Spatiotemporal Features with 3D Convolutional Networks",
ICCV 2015) without its fully connected layers, with batch norm, in pyskl's structure and
parameter names; ``num_stages=3`` is PoseC3D's C3D-light (pyskl's
``configs/posec3d/c3d_light_*``)."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmskel.registry import MODELS
from ..layers.conv3d import check_volume, conv3d_bn


@MODELS.register_module()
class C3D(BaseModule):
    """3x3x3 convolutions (each with BN and ReLU) between average poolings:
    ``conv1a``, pool, ``conv2a``, pool, ``conv3a`` ``conv3b``, pool, ``conv4a`` ``conv4b``
    [, pool, ``conv5a`` ``conv5b``], with 1, 2, 4, 8 [, 8] times ``base_channels``.

    The first pooling halves H and W only; the others halve T too where
    ``temporal_downsample``. PoseC3D's C3D-light: ``C3D(in_channels=17, base_channels=32,
    num_stages=3, temporal_downsample=False)``, 3.4 M parameters, [17, 48, 56, 56] ->
    [256, 48, 7, 7].

    Args:
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of ``conv1a``. Defaults to 64.
        num_stages (int): 3 (up to ``conv4b``) or 4 (up to ``conv5b``). Defaults to 4.
        temporal_downsample (bool): Pool time by 2 at the second and later poolings.
            Defaults to True.
        init_cfg (dict | list, optional): mmengine initialisation config; without it, mmcv's
            Kaiming initialisation of the convolutions (pyskl's).

    Shape:
        x: [N, C, T, H, W] -> [N, 8 * base_channels, T', H / 2 ** num_stages,
        W / 2 ** num_stages].

    Example:
        >>> model = C3D(in_channels=17, base_channels=32, num_stages=3,
        ...             temporal_downsample=False)
        >>> model(torch.randn(1, 17, 48, 56, 56)).shape
        torch.Size([1, 256, 48, 7, 7])
    """

    def __init__(self, in_channels: int = 3, base_channels: int = 64, num_stages: int = 4,
                 temporal_downsample: bool = True, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_stages not in (3, 4):
            raise ValueError(f'num_stages must be 3 or 4, got {num_stages}')
        self.in_channels, self.num_stages = in_channels, num_stages
        pool = 2 if temporal_downsample else (1, 2, 2)
        c = base_channels
        self.conv1a = conv3d_bn(in_channels, c, 3, padding=1)
        self.pool1 = nn.AvgPool3d((1, 2, 2), stride=(1, 2, 2))
        self.conv2a = conv3d_bn(c, 2 * c, 3, padding=1)
        self.pool2 = nn.AvgPool3d(pool, stride=pool)
        self.conv3a = conv3d_bn(2 * c, 4 * c, 3, padding=1)
        self.conv3b = conv3d_bn(4 * c, 4 * c, 3, padding=1)
        self.pool3 = nn.AvgPool3d(pool, stride=pool)
        self.conv4a = conv3d_bn(4 * c, 8 * c, 3, padding=1)
        self.conv4b = conv3d_bn(8 * c, 8 * c, 3, padding=1)
        if num_stages == 4:
            self.pool4 = nn.AvgPool3d(pool, stride=pool)
            self.conv5a = conv3d_bn(8 * c, 8 * c, 3, padding=1)
            self.conv5b = conv3d_bn(8 * c, 8 * c, 3, padding=1)
        self.out_channels = 8 * c

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_volume('C3D', x, self.in_channels)
        x = self.conv2a(self.pool1(self.conv1a(x)))
        x = self.conv3b(self.conv3a(self.pool2(x)))
        x = self.conv4b(self.conv4a(self.pool3(x)))
        if self.num_stages == 4:
            x = self.conv5b(self.conv5a(self.pool4(x)))
        return x
