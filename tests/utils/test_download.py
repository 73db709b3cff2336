"""Downloads that cannot be verified by length are verified as archives, and the cache is keyed
by URL (issue 15, defect 5). The server is tests/local_http.py on 127.0.0.1."""
import hashlib
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mmskel.utils.download import archive_problem, cache_dir, download, url_key


def checkpoint_zip(size: int = 200_000) -> bytes:
    """A zip the way torch writes one, with a data.pkl and incompressible tensor data; the same
    bytes at every call (a fixed entry time: the current one changes every 2 seconds)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_STORED) as archive:
        for name, data in (('ckpt/data.pkl', pickle.dumps({'w': 1})),
                           ('ckpt/data/0', np.random.default_rng(0).bytes(size))):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def annotation_pickle() -> bytes:
    samples = [dict(frame_dir=f's{i}', label=i, keypoint=np.full((1, 30, 25, 3), i, np.float32))
               for i in range(20)]
    return pickle.dumps(dict(split={}, annotations=samples), protocol=4)


@pytest.mark.parametrize('name, data', [('model.pth', checkpoint_zip()),
                                        ('ann.pkl', annotation_pickle())])
def test_a_truncated_download_without_length_is_not_put_in_place(
        file_server, tmp_path, name, data):
    """The server sends half the file and no Content-Length; the name has no hash. Before the
    fix, the half was renamed into place and returned (and reused by every later call)."""
    url = file_server.add(name, data, truncate_once=True, length=False)
    with pytest.raises(RuntimeError, match=rf'the server sent no length, the name {name} '
                       'carries no sha256 and the file is not a complete'):
        download(url, str(tmp_path), progress=False)
    assert not (tmp_path / name).exists()
    assert (tmp_path / f'{name}.part').read_bytes() == data[:len(data) // 2]
    # run again: resumed with a Range request, whose answer states the total length
    path = download(url, str(tmp_path), progress=False)
    assert Path(path).read_bytes() == data
    assert [r[1] for r in file_server.requests] == [None, f'bytes={len(data) // 2}-']


@pytest.mark.parametrize('name, data', [('model.pth', checkpoint_zip()),
                                        ('ann.pkl', annotation_pickle())])
def test_a_complete_download_without_length_is_verified_as_an_archive(
        file_server, tmp_path, name, data):
    url = file_server.add(name, data, length=False)
    assert Path(download(url, str(tmp_path), progress=False)).read_bytes() == data


def test_an_unverifiable_download_is_refused_unless_a_sha256_is_given(file_server, tmp_path):
    data = b'x' * 5000
    url = file_server.add('weights.onnx', data, length=False)
    with pytest.raises(RuntimeError, match=r'a \.onnx file, which can only be checked by its '
                       r'length or hash.*pass its sha256 to download\(\)'):
        download(url, str(tmp_path), progress=False)
    assert not (tmp_path / 'weights.onnx').exists()
    digest = hashlib.sha256(data).hexdigest()
    with pytest.raises(ValueError, match='sha256 mismatch: expected 0000'):
        download(url, str(tmp_path), progress=False, sha256='0000')
    path = download(url, str(tmp_path), progress=False, sha256=digest)
    assert Path(path).read_bytes() == data


def test_two_urls_with_one_file_name_get_their_own_files(file_server, tmp_path, monkeypatch):
    """Before the fix, the second URL returned the first URL's file from the cache."""
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    first = file_server.add('a/model.pth', checkpoint_zip(1000))
    second = file_server.add('b/model.pth', checkpoint_zip(2000))
    path_a, path_b = download(first, progress=False), download(second, progress=False)
    assert path_a != path_b
    assert Path(path_a).read_bytes() == checkpoint_zip(1000)
    assert Path(path_b).read_bytes() == checkpoint_zip(2000)
    assert Path(path_b).parent == Path(cache_dir()) / url_key(second)
    # and in a given folder: the recorded source URL decides
    dest = str(tmp_path / 'dest')
    assert Path(download(first, dest, progress=False)).read_bytes() == checkpoint_zip(1000)
    assert Path(download(second, dest, progress=False)).read_bytes() == checkpoint_zip(2000)
    requests = len(file_server.requests)
    assert Path(download(second, dest, progress=False)).read_bytes() == checkpoint_zip(2000)
    assert len(file_server.requests) == requests  # reused, not downloaded again


def test_a_part_of_another_url_is_not_resumed(file_server, tmp_path):
    """Two URLs of one name and length into one folder: resuming the first one's part with
    the second one's bytes would pass the length check with a file of neither."""
    first, second = checkpoint_zip(1000), checkpoint_zip(1000)[::-1]
    url_a = file_server.add('a/model.pth', first, truncate_once=True)
    url_b = file_server.add('b/model.pth', second)
    with pytest.raises(RuntimeError, match='stopped at'):
        download(url_a, str(tmp_path), progress=False)
    assert (tmp_path / '.model.pth.part.url').read_text() == url_a + '\n'
    path = download(url_b, str(tmp_path), progress=False)
    assert Path(path).read_bytes() == second
    assert file_server.requests[-1] == ('/b/model.pth', None, len(second))  # from the start
    assert (tmp_path / '.model.pth.url').read_text() == url_b + '\n'


def test_the_old_cache_layout_is_migrated_or_downloaded_anew(file_server, tmp_path,
                                                             monkeypatch):
    """A file of the old layout (checkpoints/<name>) is moved into its URL's folder when the
    hash in its name verifies it, and left alone (the URL downloaded anew) otherwise."""
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    data = checkpoint_zip(3000)
    hashed = f'stgcn_20260101-{hashlib.sha256(data).hexdigest()[:8]}.pth'
    Path(cache_dir()).mkdir(parents=True)
    (Path(cache_dir()) / hashed).write_bytes(data)
    (Path(cache_dir()) / 'plain.pth').write_bytes(b'an old file of unknown origin')
    url = file_server.add(hashed, data)
    path = download(url, progress=False)
    assert Path(path).read_bytes() == data and file_server.requests == []
    assert not (Path(cache_dir()) / hashed).exists()  # moved, not copied
    plain = download(file_server.add('plain.pth', data), progress=False)
    assert Path(plain).read_bytes() == data and len(file_server.requests) == 1
    assert (Path(cache_dir()) / 'plain.pth').read_bytes() == b'an old file of unknown origin'


def test_archive_problem(tmp_path):
    data = checkpoint_zip(1000)
    cases = {'ok.pth': data, 'cut.pth': data[:-30], 'ok.pkl': annotation_pickle(),
             'cut.pkl': annotation_pickle()[:-1], 'long.pkl': pickle.dumps(1) + b'junk'}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    assert archive_problem(str(tmp_path / 'ok.pth')) is None
    assert archive_problem(str(tmp_path / 'ok.pkl')) is None
    assert archive_problem(str(tmp_path / 'cut.pth')).startswith('not a complete zip archive')
    assert archive_problem(str(tmp_path / 'cut.pkl')).startswith('not a complete pickle')
    assert archive_problem(str(tmp_path / 'long.pkl')) == \
        f'not a pickle: its STOP is at byte {len(pickle.dumps(1))} of {len(cases["long.pkl"])}'
