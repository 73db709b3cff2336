"""SlowOnly ResNet3d, PoseC3D's backbone (Duan et al., "Revisiting Skeleton-based Action
Recognition", CVPR 2022; SlowOnly from Feichtenhofer et al., "SlowFast Networks for Video
Recognition", ICCV 2019), in mmaction2 1.x's structure and parameter names so that its PoseC3D
checkpoints load with ``strict=True``."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from mmskel.registry import MODELS
from ..layers.conv3d import Bottleneck3dBase, check_volume, conv3d_bn, downsample3d


class Bottleneck3d(Bottleneck3dBase):
    """ResNet's bottleneck, 1x1 -> 3x3 -> 1x1 (x4 channels), with a temporal kernel of 3 in
    ``conv1`` (``'3x1x1'``) or ``conv2`` (``'3x3x3'``) where ``inflate``; strides in ``conv2``.

    Args:
        in_channels (int): Input channels.
        planes (int): Channels inside the block; the output has ``4 * planes``.
        spatial_stride (int): Spatial stride. Defaults to 1.
        temporal_stride (int): Temporal stride. Defaults to 1.
        dilation (int): Spatial dilation of ``conv2``. Defaults to 1.
        inflate (bool): Give the block a temporal kernel of 3. Defaults to True.
        inflate_style (str): ``'3x1x1'`` or ``'3x3x3'``. Defaults to ``'3x1x1'``.

    Shape:
        x: [N, C, T, H, W] -> [N, 4 * planes, T / temporal_stride, H / spatial_stride,
        W / spatial_stride].
    """
    expansion = 4

    def __init__(self, in_channels: int, planes: int, spatial_stride: int = 1,
                 temporal_stride: int = 1, dilation: int = 1, inflate: bool = True,
                 inflate_style: str = '3x1x1') -> None:
        super().__init__()
        if inflate_style not in ('3x1x1', '3x3x3'):
            raise ValueError(f"inflate_style must be '3x1x1' or '3x3x3', got {inflate_style!r}")
        t1 = 3 if inflate and inflate_style == '3x1x1' else 1  # temporal kernels
        t2 = 3 if inflate and inflate_style == '3x3x3' else 1
        self.conv1 = conv3d_bn(in_channels, planes, (t1, 1, 1), padding=(t1 // 2, 0, 0))
        self.conv2 = conv3d_bn(planes, planes, (t2, 3, 3),
                               stride=(temporal_stride, spatial_stride, spatial_stride),
                               padding=(t2 // 2, dilation, dilation), dilation=(1, dilation,
                                                                                dilation))
        self.conv3 = conv3d_bn(planes, planes * self.expansion, 1, act=False)
        out_channels = planes * self.expansion
        self.downsample = None
        if spatial_stride != 1 or temporal_stride != 1 or in_channels != out_channels:
            self.downsample = downsample3d(in_channels, out_channels, temporal_stride,
                                           spatial_stride)


@MODELS.register_module()
class ResNet3dSlowOnly(BaseModule):
    """SlowOnly ResNet3d (bottleneck blocks, depth 50, 101 or 152) over a [C, T, H, W] volume.

    A stem (``conv1``: a 1x7x7 convolution, BN, ReLU; ``maxpool``: 1x3x3), then
    ``num_stages`` stages ``layer1`` ... of bottleneck blocks with ``base_channels * 2 ** i``
    planes (4x as many output channels). The defaults are mmaction2's SlowOnly for RGB
    frames; PoseC3D's keypoint model is ``ResNet3dSlowOnly(in_channels=17, base_channels=32,
    num_stages=3, out_indices=(2,), stage_blocks=(4, 6, 3), conv1_stride_s=1, pool1_stride_s=1,
    inflate=(0, 1, 1), spatial_strides=(2, 2, 2), temporal_strides=(1, 1, 2))``: 2.0 M
    parameters, [17, 48, 64, 64] -> [512, 24, 8, 8]. Its Kinetics-pretrained variant for UCF101
    and HMDB51 has ``stage_blocks=(3, 4, 6)``.

    Args:
        depth (int): 50, 101 or 152 (bottleneck ResNets). Defaults to 50.
        in_channels (int): Input channels C (joints or limbs of the heatmaps). Defaults to 3.
        base_channels (int): Channels of the stem. Defaults to 64.
        num_stages (int): Stages, 1 to 4. Defaults to 4.
        out_indices (Sequence[int]): Stages (from 0) whose outputs are returned.
            Defaults to (3,).
        stage_blocks (Sequence[int], optional): Blocks per stage; defaults to the depth's
            (3, 4, 6, 3), (3, 4, 23, 3) or (3, 8, 36, 3), first ``num_stages``.
        spatial_strides (Sequence[int]): Spatial stride of each stage's first block.
            Defaults to (1, 2, 2, 2).
        temporal_strides (Sequence[int]): Temporal stride of each stage's first block.
            Defaults to (1, 1, 1, 1).
        dilations (Sequence[int]): Spatial dilation of each stage. Defaults to (1, 1, 1, 1).
        conv1_kernel (Sequence[int]): Kernel of the stem convolution. Defaults to (1, 7, 7).
        conv1_stride_s (int): Spatial stride of the stem convolution. Defaults to 2.
        conv1_stride_t (int): Temporal stride of the stem convolution. Defaults to 1.
        pool1_stride_s (int): Spatial stride of the stem pooling. Defaults to 2.
        pool1_stride_t (int): Temporal stride of the stem pooling. Defaults to 1.
        with_pool1 (bool): Pool after the stem. Defaults to True.
        with_pool2 (bool): Halve time after the first stage (max pooling). Defaults to False.
        inflate (int | Sequence[int]): Per stage (or per block, as a sequence per stage),
            whether blocks have a temporal kernel of 3. Defaults to (0, 0, 1, 1).
        inflate_style (str): ``'3x1x1'`` or ``'3x3x3'``. Defaults to ``'3x1x1'``.
        frozen_stages (int): Stages (stem = 0) kept in eval mode without gradients; -1 for
            none. Defaults to -1.
        norm_eval (bool): Keep batch norms in eval mode while training. Defaults to False.
        zero_init_residual (bool): Start each block as its shortcut. Defaults to True.
        init_cfg (dict | list, optional): mmengine initialisation config (e.g. Pretrained).

    Shape:
        x: [N, C, T, H, W] -> [N, C', T', H', W'] (a tuple of them if several ``out_indices``).

    Example:
        >>> model = ResNet3dSlowOnly(in_channels=17, base_channels=32, num_stages=3,
        ...     out_indices=(2,), stage_blocks=(4, 6, 3), conv1_stride_s=1, pool1_stride_s=1,
        ...     inflate=(0, 1, 1), spatial_strides=(2, 2, 2), temporal_strides=(1, 1, 2))
        >>> model(torch.randn(1, 17, 48, 64, 64)).shape
        torch.Size([1, 512, 24, 8, 8])
    """
    arch_settings = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}

    def __init__(self, depth: int = 50, in_channels: int = 3, base_channels: int = 64,
                 num_stages: int = 4, out_indices: Sequence[int] = (3,),
                 stage_blocks: Optional[Sequence[int]] = None,
                 spatial_strides: Sequence[int] = (1, 2, 2, 2),
                 temporal_strides: Sequence[int] = (1, 1, 1, 1),
                 dilations: Sequence[int] = (1, 1, 1, 1), conv1_kernel: Sequence[int] = (1, 7, 7),
                 conv1_stride_s: int = 2, conv1_stride_t: int = 1, pool1_stride_s: int = 2,
                 pool1_stride_t: int = 1, with_pool1: bool = True, with_pool2: bool = False,
                 inflate: Union[int, Sequence] = (0, 0, 1, 1), inflate_style: str = '3x1x1',
                 frozen_stages: int = -1, norm_eval: bool = False,
                 zero_init_residual: bool = True, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise ValueError(f'depth must be one of {sorted(self.arch_settings)} (bottleneck '
                             f'ResNets), got {depth}')
        if not 1 <= num_stages <= 4:
            raise ValueError(f'num_stages must be 1 to 4, got {num_stages}')
        stage_blocks = tuple(stage_blocks or self.arch_settings[depth][:num_stages])
        inflate = (inflate,) * num_stages if isinstance(inflate, int) else tuple(inflate)
        per_stage = dict(stage_blocks=stage_blocks, spatial_strides=spatial_strides,
                         temporal_strides=temporal_strides, dilations=dilations,
                         inflate=inflate)
        for name, values in per_stage.items():
            if len(values) < num_stages:
                raise ValueError(f'{name} needs a value for each of the {num_stages} stages, '
                                 f'got {tuple(values)}')
        if not out_indices or not all(0 <= i < num_stages for i in out_indices):
            raise ValueError(f'out_indices must be stages 0 to {num_stages - 1}, got '
                             f'{tuple(out_indices)}')
        self.in_channels, self.out_indices = in_channels, tuple(out_indices)
        self.frozen_stages, self.norm_eval = frozen_stages, norm_eval
        self.zero_init_residual = zero_init_residual
        self.conv1 = conv3d_bn(in_channels, base_channels, tuple(conv1_kernel),
                               stride=(conv1_stride_t, conv1_stride_s, conv1_stride_s),
                               padding=tuple((k - 1) // 2 for k in conv1_kernel))
        self.maxpool = nn.MaxPool3d((1, 3, 3), stride=(pool1_stride_t, pool1_stride_s,
                                                       pool1_stride_s), padding=(0, 1, 1)) \
            if with_pool1 else nn.Identity()
        self.pool2 = nn.MaxPool3d((2, 1, 1), stride=(2, 1, 1)) if with_pool2 else nn.Identity()
        channels = base_channels
        self.res_layers = []
        for i in range(num_stages):
            planes = base_channels * 2 ** i
            layer = self._stage(channels, planes, stage_blocks[i], spatial_strides[i],
                                temporal_strides[i], dilations[i], inflate[i], inflate_style)
            channels = planes * Bottleneck3d.expansion
            self.add_module(f'layer{i + 1}', layer)
            self.res_layers.append(f'layer{i + 1}')
        self.out_channels = channels

    @staticmethod
    def _stage(in_channels: int, planes: int, num_blocks: int, spatial_stride: int,
               temporal_stride: int, dilation: int, inflate: Union[int, Sequence[int]],
               inflate_style: str) -> nn.Sequential:
        """``num_blocks`` bottlenecks, the first strided; ``inflate`` per block or for all."""
        inflate = (inflate,) * num_blocks if isinstance(inflate, int) else tuple(inflate)
        if len(inflate) != num_blocks:
            raise ValueError(f'inflate of a stage of {num_blocks} blocks must have '
                             f'{num_blocks} values, got {inflate}')
        blocks = []
        for k in range(num_blocks):
            first = k == 0
            blocks.append(Bottleneck3d(in_channels if first else planes * Bottleneck3d.expansion,
                                       planes, spatial_stride if first else 1,
                                       temporal_stride if first else 1, dilation,
                                       bool(inflate[k]), inflate_style))
        return nn.Sequential(*blocks)

    def init_weights(self) -> None:
        """mmcv's Kaiming initialisation (at construction), each block starting as its
        shortcut (``zero_init_residual``), then ``init_cfg`` (a checkpoint, say)."""
        if self.zero_init_residual:
            for block in self.modules():
                if isinstance(block, Bottleneck3d):
                    block.zero_init_residual()
        super().init_weights()

    def forward(self, x: torch.Tensor) -> Union[torch.Tensor, Tuple[torch.Tensor, ...]]:
        check_volume('ResNet3dSlowOnly', x, self.in_channels)
        x = self.maxpool(self.conv1(x))
        outs = []
        for i, name in enumerate(self.res_layers):
            x = getattr(self, name)(x)
            if i == 0:
                x = self.pool2(x)
            if i in self.out_indices:
                outs.append(x)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def train(self, mode: bool = True) -> 'ResNet3dSlowOnly':
        """Train mode, except the frozen stages and, with ``norm_eval``, the batch norms."""
        super().train(mode)
        stages = [self.conv1] + [getattr(self, name) for name in self.res_layers]
        for module in stages[:self.frozen_stages + 1]:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
