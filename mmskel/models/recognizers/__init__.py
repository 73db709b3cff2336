from .base import BaseRecognizer
from .recognizer_gcn import RecognizerGCN

__all__ = ['BaseRecognizer', 'RecognizerGCN']
