"""atomic_open: whole files or none, and the leftovers of killed writers removed; load_json
names the file it cannot use."""
import os
import subprocess
import sys

import pytest

from mmskel.utils.fileio import atomic_open, load_json, remove_stale_temps


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    path = tmp_path / 'out.txt'
    path.write_text('old')
    with pytest.raises(RuntimeError):
        with atomic_open(str(path), 'w') as f:
            f.write('new, half')
            raise RuntimeError('killed')
    assert path.read_text() == 'old'
    assert os.listdir(tmp_path) == ['out.txt']


def test_a_killed_writers_temp_is_removed_at_the_next_write(tmp_path):
    path = tmp_path / 'out.bin'
    # a child process killed with SIGKILL in the middle of an atomic write
    code = ('import os, signal\nfrom mmskel.utils.fileio import atomic_open\n'
            f'with atomic_open({str(path)!r}) as f:\n'
            '    f.write(b"x" * 1000); f.flush(); os.kill(os.getpid(), signal.SIGKILL)\n')
    proc = subprocess.run([sys.executable, '-c', code])
    assert proc.returncode == -9
    left = [p for p in os.listdir(tmp_path) if p.startswith('.out.bin.') and p.endswith('.tmp')]
    assert len(left) == 1 and not path.exists()
    # a live writer's temp (this process's) is kept
    live = tmp_path / f'.out.bin.{os.getpid()}.abc.tmp'
    live.write_bytes(b'')
    with atomic_open(str(path)) as f:
        f.write(b'complete')
    assert path.read_bytes() == b'complete'
    assert sorted(os.listdir(tmp_path)) == sorted(['out.bin', live.name])
    assert remove_stale_temps(str(path)) == []


def test_stale_temps_of_many_killed_writers_are_removed_and_folders_kept(tmp_path):
    """Several writers killed (their pids gone) leave a temp each; a folder with the same kind
    of name (a converter's output being built) is not a temp file and stays."""
    path = tmp_path / 'ann.pkl'
    dead = []
    for _ in range(3):
        proc = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                              capture_output=True, text=True)
        dead.append(int(proc.stdout))
    stale = [tmp_path / f'.ann.pkl.{pid}.x{i}.tmp' for i, pid in enumerate(dead)]
    for tmp in stale:
        tmp.write_bytes(b'half')
    folder = tmp_path / f'.ann.pkl.{dead[0]}.dir.tmp'
    folder.mkdir()
    with atomic_open(str(path)) as f:
        f.write(b'whole')
    assert sorted(os.listdir(tmp_path)) == sorted(['ann.pkl', folder.name])


def test_load_json_checks_the_top_level_type_and_names_the_file(tmp_path):
    path = tmp_path / 'spec.json'
    path.write_text('{"a": [1, 2]}')
    assert load_json(str(path), dict, 'a dict') == {'a': [1, 2]}
    assert load_json(path, (list, dict), 'a list or a dict') == {'a': [1, 2]}
    path.write_text('[1, 2]')
    with pytest.raises(ValueError) as info:
        load_json(str(path), dict, 'a layout dict ("parents", ...)')
    assert str(info.value) == f'{path}: expected a layout dict ("parents", ...), got list'


def test_load_json_names_the_file_that_is_not_json(tmp_path):
    path = tmp_path / 'labels.json'
    path.write_text('{"a": ')
    with pytest.raises(ValueError) as info:
        load_json(str(path), dict, 'a dict')
    assert str(info.value) == (f'{path}: not a json file (Expecting value: line 1 column 7 '
                               '(char 6))')
    path.write_bytes(b'\xff\xfe{}')
    with pytest.raises(ValueError, match=r'labels.json: unreadable label file \(.*utf-8'):
        load_json(str(path), dict, 'a dict', unreadable='unreadable label file')
