from .aagcn import AAGCNBlock, UnitAAGCN
from .ctrgcn import CTRGC, UnitCTRGCN
from .data_bn import build_data_bn, normalize_input
from .gcn import UnitGCN
from .msagcn import (MSAGC, TMST, EdgeConv, FrameAttention, FrameGate, GatedTemporalConv,
                     GlobalContextGraph, JointPairAttention)
from .msg3d import MSGCN, STMSGCN, MSG3DBlock, MultiWindowMSG3DBlock, UnfoldTemporalWindows
from .mstgcn import BasicGCNLayer, BasicTCNLayer, HierarchicalGCN, HierarchicalTCN, SubGraphConv
from .tcn import MultiScaleTCN, MultiScaleTemporalConv, UnitTCN, block_residual

__all__ = [
    'AAGCNBlock', 'BasicGCNLayer', 'BasicTCNLayer', 'CTRGC', 'EdgeConv', 'FrameAttention',
    'FrameGate', 'GatedTemporalConv', 'GlobalContextGraph', 'HierarchicalGCN', 'HierarchicalTCN',
    'JointPairAttention', 'MSAGC', 'MSG3DBlock', 'MSGCN', 'MultiScaleTCN',
    'MultiScaleTemporalConv', 'MultiWindowMSG3DBlock', 'STMSGCN', 'SubGraphConv', 'TMST',
    'UnfoldTemporalWindows', 'UnitAAGCN', 'UnitCTRGCN', 'UnitGCN', 'UnitTCN', 'block_residual',
    'build_data_bn', 'normalize_input'
]
