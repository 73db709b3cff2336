"""Converters that write annotation pickles (see ``tools/data``)."""
from .babel import convert_babel
from .custom import convert_custom
from .kinetics import convert_kinetics
from .ntu import convert_ntu
from .nwucla import convert_nwucla
from .synthetic import generate_synthetic

__all__ = ['convert_babel', 'convert_custom', 'convert_kinetics', 'convert_ntu', 'convert_nwucla',
           'generate_synthetic']
