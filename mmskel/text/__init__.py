"""LST's text: class and body-part descriptions, offline text encoders and cached text banks.

Light to import (numpy and PyYAML only); the optional encoders import their packages when built.
"""
from .descriptions import (PARTS, ClassText, load_descriptions, read_descriptions, read_gap_texts,
                           template_texts, texts_for, texts_from_spec)
from .encoders import ENCODERS, build_encoder

__all__ = ['PARTS', 'ClassText', 'load_descriptions', 'read_descriptions', 'read_gap_texts',
           'template_texts', 'texts_for', 'texts_from_spec', 'ENCODERS', 'build_encoder']
