"""Converters that write annotation pickles (see ``tools/data``)."""
from .nwucla import convert_nwucla
from .synthetic import generate_synthetic

__all__ = ['convert_nwucla', 'generate_synthetic']
