from .gcn import UnitGCN
from .tcn import UnitTCN

__all__ = ['UnitGCN', 'UnitTCN']
