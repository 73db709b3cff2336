from .block import GraphTemporalBlock
from .data_bn import build_data_bn, normalize_input
from .gcn import UnitGCN, conv_then_aggregate, subset_conv
from .msagcn import (MSAGC, TMST, EdgeConv, FrameAttention, FrameGate, GatedTemporalConv,
                     GlobalContextGraph, JointPairAttention)
from .tcn import MixingMultiScaleTCN, ResidualMultiScaleTCN, UnitTCN, block_residual

__all__ = [
    'EdgeConv', 'FrameAttention', 'FrameGate', 'GatedTemporalConv', 'GlobalContextGraph',
    'GraphTemporalBlock',
    'JointPairAttention', 'MSAGC', 'MixingMultiScaleTCN', 'ResidualMultiScaleTCN', 'TMST',
    'UnitGCN', 'UnitTCN', 'block_residual', 'build_data_bn', 'conv_then_aggregate',
    'normalize_input', 'subset_conv'
]
