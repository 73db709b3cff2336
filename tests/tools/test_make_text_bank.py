"""tools/misc/make_text_bank.py: texts from every source, encoded once, cached by content hash."""
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from mmskel.text.bank import TextBank
from mmskel.text.descriptions import read_gap_texts
from mmskel.text.encoders import HashEncoder

TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'misc' / 'make_text_bank.py'


def make_bank(monkeypatch, capsys, *args) -> str:
    monkeypatch.setattr(sys, 'argv', ['make_text_bank.py', *map(str, args)])
    runpy.run_path(str(TOOL), run_name='__main__')
    return capsys.readouterr().out


def test_bank_of_packaged_texts_is_written_then_reused(monkeypatch, capsys, tmp_path) -> None:
    out = tmp_path / 'nwucla_hash.npz'
    assert 'nwucla_hash.npz: 10 classes' in make_bank(monkeypatch, capsys, '--texts', 'nwucla',
                                                      '--encoder', 'hash', '--out', out)
    bank = TextBank.load(str(out))
    assert bank.classes[0] == 'pick up with one hand' and bank.encoder == 'hash-512'
    assert bank.dim == 512 and len(bank.embeddings['global'][0]) == 4  # name + 3 synonyms
    np.testing.assert_allclose(bank.embeddings['global'][0][0],
                               HashEncoder().encode(['pick up with one hand'])[0])
    stamp = out.stat().st_mtime_ns
    assert 'is up to date' in make_bank(monkeypatch, capsys, '--texts', 'nwucla', '--encoder',
                                        'hash', '--out', out)
    assert out.stat().st_mtime_ns == stamp
    assert 'encoded in' in make_bank(monkeypatch, capsys, '--texts', 'nwucla', '--encoder',
                                     'hash', '--out', out, '--force')


def test_bank_of_gap_texts_for_ntu60(monkeypatch, capsys, tmp_path) -> None:
    folder = shared_path('GAP-text')
    out = tmp_path / 'gap.npz'
    make_bank(monkeypatch, capsys, '--texts', f'gap:{folder}:ntu', '--num-classes', 60,
              '--encoder', 'hash', '--out', out)
    bank = TextBank.load(str(out))
    texts = read_gap_texts(folder, 'ntu', 60)
    assert bank.classes == [t.name for t in texts]
    assert len(bank.embeddings['global'][0]) == 1 + len(texts[0].synonyms)


def test_bad_sources_exit_with_the_reason(monkeypatch, capsys, tmp_path) -> None:
    with pytest.raises(SystemExit, match='never downloads'):
        make_bank(monkeypatch, capsys, '--texts', 'nwucla', '--encoder', 'clip:/absent.pt',
                  '--out', tmp_path / 'b.npz')
    with pytest.raises(SystemExit, match="neither a packaged description set"):
        make_bank(monkeypatch, capsys, '--texts', 'ntu61', '--out', tmp_path / 'b.npz')
