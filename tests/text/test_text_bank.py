"""TextBank: texts per term, encoding, the .npz round trip, its errors and the content key."""
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from mmskel.text.bank import TERMS, TextBank, bank_key, bank_texts, build_bank

PARTS = dict(head='head still', hand='arms swing', hip='trunk upright', foot='legs step')


def entry(name, synonyms=(), **parts):
    return SimpleNamespace(name=name, synonyms=list(synonyms), parts=dict(PARTS, **parts))


CLASSES = [entry('walk', ['stroll', 'go on foot']), entry('sit down', hand='hands on knees')]


def row_encoder(log):
    """A deterministic stand-in for an encoder: text i -> [i, len(text), 1] (calls logged)."""
    def encode(texts):
        log.append(list(texts))
        return np.array([[i, len(t), 1] for i, t in enumerate(texts)], dtype=np.float64)
    return encode


def test_texts_per_term_follow_the_official_composition():
    texts = bank_texts(CLASSES)
    assert list(texts) == list(TERMS)
    assert texts['global'] == [['walk', 'stroll', 'go on foot'], ['sit down']]
    assert texts['head'] == [['walk, head still'], ['sit down, head still']]
    assert texts['hand'] == [['walk, arms swing'], ['sit down, hands on knees']]
    assert texts['foot'][1] == ['sit down, legs step']


def test_a_missing_part_names_the_class_and_part():
    bad = SimpleNamespace(name='jump', synonyms=[], parts=dict(head='up'))
    with pytest.raises(KeyError, match="class 'jump' has no 'hand' description"):
        bank_texts([bad])


def test_build_bank_encodes_all_texts_once_and_splits_them_back():
    log = []
    bank = build_bank(CLASSES, row_encoder(log), 'rows')
    flat = log[0]
    assert len(log) == 1 and len(flat) == 4 + 4 * 2  # 3 + 1 global texts, one per part
    assert bank.classes == ['walk', 'sit down'] and bank.terms == TERMS
    assert bank.dim == 3 and bank.num_classes == 2 and bank.encoder == 'rows'
    assert [a.shape for a in bank.embeddings['global']] == [(3, 3), (1, 3)]
    assert all(a.dtype == np.float32 for t in TERMS for a in bank.embeddings[t])
    # each row is the encoding of its own text
    for term, texts in bank_texts(CLASSES).items():
        for k, class_texts in enumerate(texts):
            for s, text in enumerate(class_texts):
                i = flat.index(text)
                np.testing.assert_array_equal(bank.embeddings[term][k][s], [i, len(text), 1])
    assert bank.key == bank_key('rows', bank_texts(CLASSES))


def test_build_bank_refuses_a_wrong_encoder_output():
    with pytest.raises(ValueError, match=r"encoder 'short' returned shape \(2, 3\) for 12 "
                                         r'texts; expected \[12, D\]'):
        build_bank(CLASSES, lambda texts: np.zeros((2, 3)), 'short')


def test_key_changes_with_encoder_and_texts_only():
    texts = bank_texts(CLASSES)
    key = bank_key('enc', texts)
    assert len(key) == 16 and key == bank_key('enc', bank_texts(CLASSES))
    assert bank_key('other', texts) != key
    changed = bank_texts([CLASSES[0], entry('sit down', hand='hands on hips')])
    assert bank_key('enc', changed) != key


def test_save_and_load_round_trip(tmp_path):
    bank = build_bank(CLASSES, row_encoder([]), 'rows')
    path = tmp_path / 'sub' / 'bank.npz'
    bank.save(str(path))
    assert [p.name for p in path.parent.iterdir()] == ['bank.npz']  # no temporary file left
    with np.load(path, allow_pickle=False) as data:  # plain arrays only
        assert data['global/counts'].tolist() == [3, 1]
    loaded = TextBank.load(str(path))
    assert (loaded.classes, loaded.terms, loaded.encoder, loaded.key) == \
        (bank.classes, bank.terms, 'rows', bank.key)
    for term in TERMS:
        for a, b in zip(loaded.embeddings[term], bank.embeddings[term]):
            np.testing.assert_array_equal(a, b)


def test_load_errors_name_the_file_and_the_fault(tmp_path):
    with pytest.raises(FileNotFoundError, match='text bank not found: .*nothing.npz'):
        TextBank.load(str(tmp_path / 'nothing.npz'))
    text = tmp_path / 'text.npz'
    text.write_text('not a zip')
    with pytest.raises(ValueError, match=r'text.npz: not a text bank .npz'):
        TextBank.load(str(text))
    other = tmp_path / 'other.npz'
    np.savez(other, classes=np.array(['a']), terms=np.array(['global']))
    with pytest.raises(ValueError, match=r"other.npz: not a text bank, it lacks the arrays "
                                         r"\['encoder', 'key', 'global/embeddings'"):
        TextBank.load(str(other))
    counts = tmp_path / 'counts.npz'
    np.savez(counts, classes=np.array(['a', 'b']), terms=np.array(['global']),
             encoder=np.array('e'), key=np.array(''), **{
                 'global/embeddings': np.zeros((3, 4), np.float32),
                 'global/counts': np.array([1, 1])})
    with pytest.raises(ValueError, match=r"counts.npz: term 'global' has embeddings of shape "
                                         r'\(3, 4\) and counts \[1, 1\] for 2 classes'):
        TextBank.load(str(counts))
    pickled = tmp_path / 'pickled.npz'
    with zipfile.ZipFile(pickled, 'w') as f:
        with f.open('classes.npy', 'w') as member:
            np.lib.format.write_array(member, np.array([{'a': 1}], dtype=object))
    with pytest.raises(ValueError, match='pickled.npz: not a text bank .npz'):
        TextBank.load(str(pickled))


@pytest.mark.parametrize('embeddings, message', [
    ({'global': [np.zeros((1, 4))]}, r'lacks the embeddings of terms \[.hand.\]'),
    ({'global': [np.zeros((1, 4))], 'hand': []}, "term 'hand': 0 arrays for 1 classes"),
    ({'global': [np.zeros((0, 4))], 'hand': [np.zeros((1, 4))]},
     r"term 'global', class 'a': expected \[S >= 1, D\] embeddings, got shape \(0, 4\)"),
    ({'global': [np.zeros((1, 4))], 'hand': [np.zeros((1, 5))]}, r'dimension: \[4, 5\]'),
])
def test_inconsistent_banks_are_refused(embeddings, message):
    with pytest.raises(ValueError, match=message):
        TextBank(['a'], embeddings, 'e', terms=('global', 'hand'))
