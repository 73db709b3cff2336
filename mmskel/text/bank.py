"""LST's text bank: the encoded texts of every class and term, computed once, read in training.

A bank holds, for each term (``'global'`` and the body parts ``'head'``, ``'hand'``, ``'hip'``,
``'foot'``) and each class k, a float32 array [S, D] of the embeddings of the S texts of class k
for that term. The global texts of a class are its name and synonyms (training draws one at
random each step); the text of a body part is ``'<name>, <part description>'``, as in the
official code (MartinXM/GAP, ``Text_Prompt.py``: class name, then that part's text).

On disk a bank is one ``.npz`` of plain arrays (no pickled objects):

- ``classes`` [K] str, ``terms`` [P] str, ``encoder`` and ``key`` (0-d str);
- per term: ``<term>/embeddings`` float32 [sum of S over classes, D], the classes' arrays one
  after the other, and ``<term>/counts`` int64 [K], the S of each class.

``key`` is :func:`bank_key` of the encoder name and the texts, so a cached bank is reused only
for the same encoder and texts.
"""
import hashlib
import json
import os.path as osp
import zipfile
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Sequence, Tuple

import numpy as np

from mmskel.utils.fileio import atomic_open

TERMS = ('global', 'head', 'hand', 'hip', 'foot')


@dataclass
class TextBank:
    """The text embeddings of every class, per term.

    Args:
        classes (list[str]): Class names, in label order (K classes).
        embeddings (dict[str, list[np.ndarray]]): ``embeddings[term][k]``: float32 [S, D], the
            S >= 1 texts of class k for ``term``.
        encoder (str): Name of the encoder that made the embeddings.
        terms (tuple[str, ...]): The terms, in loss order. Defaults to
            ``('global', 'head', 'hand', 'hip', 'foot')``.
        key (str): Content hash of the encoder name and texts (:func:`bank_key`); empty when
            unknown.

    Raises:
        ValueError: A term lacks embeddings, a term's list does not have one array per class,
            or an array is not [S >= 1, D] with the same D everywhere.
    """

    classes: List[str]
    embeddings: Dict[str, List[np.ndarray]]
    encoder: str
    terms: Tuple[str, ...] = TERMS
    key: str = ''

    def __post_init__(self) -> None:
        self.classes, self.terms = [str(c) for c in self.classes], tuple(self.terms)
        if not self.classes or not self.terms:
            raise ValueError('a text bank needs at least one class and one term')
        missing = [t for t in self.terms if t not in self.embeddings]
        if missing:
            raise ValueError(f'text bank lacks the embeddings of terms {missing}')
        dims = set()
        for term in self.terms:
            arrays = self.embeddings[term]
            if len(arrays) != len(self.classes):
                raise ValueError(f'text bank term {term!r}: {len(arrays)} arrays for '
                                 f'{len(self.classes)} classes')
            self.embeddings[term] = [np.asarray(a, dtype=np.float32) for a in arrays]
            for name, array in zip(self.classes, self.embeddings[term]):
                if array.ndim != 2 or not len(array):
                    raise ValueError(f'text bank term {term!r}, class {name!r}: expected '
                                     f'[S >= 1, D] embeddings, got shape {array.shape}')
                dims.add(array.shape[1])
        if len(dims) != 1:
            raise ValueError(f'text bank embeddings differ in dimension: {sorted(dims)}')

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def dim(self) -> int:
        """The embedding dimension D."""
        return self.embeddings[self.terms[0]][0].shape[1]

    def save(self, path: str) -> None:
        """Write the bank to ``path`` (an ``.npz``), atomically."""
        arrays = dict(classes=np.array(self.classes), terms=np.array(self.terms),
                      encoder=np.array(self.encoder), key=np.array(self.key))
        for term in self.terms:
            arrays[f'{term}/embeddings'] = np.concatenate(self.embeddings[term])
            arrays[f'{term}/counts'] = np.array([len(a) for a in self.embeddings[term]],
                                                dtype=np.int64)
        with atomic_open(path, 'wb') as f:
            np.savez(f, **arrays)

    @classmethod
    def load(cls, path: str) -> 'TextBank':
        """Read a bank written by :meth:`save`.

        Raises:
            FileNotFoundError: No file at ``path``.
            ValueError: The file is not a text bank ``.npz``, or is inconsistent; the message
                names the file and what is wrong.
        """
        if not osp.isfile(path):
            raise FileNotFoundError(f'text bank not found: {path} (write one with '
                                    'mmskel.text.bank.build_bank(...).save(path))')
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            raise ValueError(f'{path}: not a text bank .npz ({error})') from None
        needed = ['classes', 'terms', 'encoder', 'key']
        if 'terms' in arrays:
            needed += [f'{t}/{field}' for t in arrays['terms'].tolist()
                       for field in ('embeddings', 'counts')]
        missing = [name for name in needed if name not in arrays]
        if missing:
            raise ValueError(f'{path}: not a text bank, it lacks the arrays {missing}')
        classes = arrays['classes'].tolist()
        embeddings = {}
        for term in arrays['terms'].tolist():
            flat, counts = arrays[f'{term}/embeddings'], arrays[f'{term}/counts']
            if flat.ndim != 2 or counts.shape != (len(classes), ) or counts.sum() != len(flat) \
                    or (counts < 1).any():
                raise ValueError(f'{path}: term {term!r} has embeddings of shape {flat.shape} '
                                 f'and counts {counts.tolist()} for {len(classes)} classes; '
                                 'expected one count >= 1 per class summing to the rows')
            embeddings[term] = np.split(flat, np.cumsum(counts)[:-1])
        try:
            return cls(classes, embeddings, str(arrays['encoder']),
                       tuple(arrays['terms'].tolist()), str(arrays['key']))
        except ValueError as error:
            raise ValueError(f'{path}: {error}') from None


def bank_texts(class_texts: Sequence, terms: Sequence[str] = TERMS) -> Dict[str, List[List[str]]]:
    """The texts of each term and class: ``texts[term][k]`` is the list of class k's texts.

    Args:
        class_texts (Sequence): One object per class, in label order, with ``name`` (str),
            ``synonyms`` (list[str]) and ``parts`` (dict[str, str], a description per body
            part), e.g. :class:`mmskel.text.descriptions.ClassText`.
        terms (Sequence[str]): ``'global'`` (name and synonyms) and body-part names.

    Raises:
        KeyError: A class has no description of a part; the message names the class and part.
    """
    texts = {term: [] for term in terms}
    for entry in class_texts:
        for term in terms:
            if term == 'global':
                texts[term].append([entry.name, *entry.synonyms])
            elif term in entry.parts:
                texts[term].append([f'{entry.name}, {entry.parts[term]}'])
            else:
                raise KeyError(f'class {entry.name!r} has no {term!r} description; it has '
                               f'{sorted(entry.parts)}')
    return texts


def bank_key(encoder_name: str, texts: Mapping[str, Sequence[Sequence[str]]]) -> str:
    """Content hash (16 hex digits) of an encoder name and the texts of :func:`bank_texts`."""
    content = json.dumps([encoder_name, [[term, texts[term]] for term in texts]])
    return hashlib.sha256(content.encode('utf-8')).hexdigest()[:16]


def build_bank(class_texts: Sequence, encode: Callable[[List[str]], np.ndarray],
               encoder_name: str, terms: Sequence[str] = TERMS) -> TextBank:
    """Encode the texts of every class and term into a :class:`TextBank`.

    Args:
        class_texts (Sequence): One object per class, in label order, with ``name``,
            ``synonyms`` and ``parts`` (see :func:`bank_texts`).
        encode (Callable): ``encode(list[str]) -> np.ndarray [n, D]``; called once, on all
            texts.
        encoder_name (str): Name of the encoder, recorded in the bank and its key.
        terms (Sequence[str]): Defaults to ``('global', 'head', 'hand', 'hip', 'foot')``.

    Returns:
        TextBank: The bank, with ``key = bank_key(encoder_name, texts)``.

    Example:
        >>> from types import SimpleNamespace
        >>> walk = SimpleNamespace(name='walk', synonyms=['stroll'], parts=dict(
        ...     head='looks ahead', hand='arms swing', hip='moves forward', foot='legs step'))
        >>> bank = build_bank([walk], lambda t: np.ones((len(t), 4)), 'ones')
        >>> bank.embeddings['global'][0].shape, bank.dim
        ((2, 4), 4)
    """
    texts = bank_texts(class_texts, terms)
    flat = [text for term in terms for group in texts[term] for text in group]
    vectors = np.asarray(encode(flat), dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != len(flat):
        raise ValueError(f'encoder {encoder_name!r} returned shape {vectors.shape} for '
                         f'{len(flat)} texts; expected [{len(flat)}, D]')
    embeddings, start = {}, 0
    for term in terms:
        embeddings[term] = []
        for group in texts[term]:
            embeddings[term].append(vectors[start:start + len(group)])
            start += len(group)
    names = [entry.name for entry in class_texts]
    return TextBank(names, embeddings, encoder_name, tuple(terms),
                    bank_key(encoder_name, texts))
