from .cross_entropy import CrossEntropyLoss
from .focal import FocalLoss, class_balanced_weights

__all__ = ['CrossEntropyLoss', 'FocalLoss', 'class_balanced_weights']
