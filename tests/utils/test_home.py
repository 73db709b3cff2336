"""mmskel_home: the one folder both caches (checkpoints, LST text banks) live in."""
import os

from mmskel.text.bank import bank_cache_dir
from mmskel.utils.download import cache_dir
from mmskel.utils.home import mmskel_home


def test_mmskel_home_is_the_environment_variable_else_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path / 'user'))
    monkeypatch.delenv('MMSKEL_HOME', raising=False)
    assert mmskel_home() == os.path.join(str(tmp_path / 'user'), '.cache', 'mmskel')
    monkeypatch.setenv('MMSKEL_HOME', '~/elsewhere')
    assert mmskel_home('a', 'b') == os.path.join(str(tmp_path / 'user'), 'elsewhere', 'a', 'b')


def test_both_caches_live_in_mmskel_home(monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path / 'user'))
    monkeypatch.delenv('MMSKEL_HOME', raising=False)
    default = tmp_path / 'user' / '.cache' / 'mmskel'
    assert (cache_dir(), bank_cache_dir()) == (str(default / 'checkpoints'),
                                               str(default / 'text_banks'))
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    assert (cache_dir(), bank_cache_dir()) == (str(tmp_path / 'home' / 'checkpoints'),
                                               str(tmp_path / 'home' / 'text_banks'))
