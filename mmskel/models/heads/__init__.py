from .base_head import BaseHead
from .gcn_head import GCNHead

__all__ = ['BaseHead', 'GCNHead']
