from .gcn import UnitGCN
from .tcn import MultiScaleTCN, UnitTCN

__all__ = ['MultiScaleTCN', 'UnitGCN', 'UnitTCN']
