from .base_head import BaseHead
from .gcn_head import GCNHead
from .i3d_head import I3DHead
from .lst_head import LSTHead

__all__ = ['BaseHead', 'GCNHead', 'I3DHead', 'LSTHead']
