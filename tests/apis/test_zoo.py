"""mmskel.apis.zoo: the model index, look-up by name, and downloads from a local HTTP server."""
import hashlib
import os
from pathlib import Path

import pytest
import yaml

from mmskel.apis import zoo
from mmskel.utils.download import url_key

REPO = Path(__file__).resolve().parents[2]


def payload(size: int = 300_000, seed: int = 0) -> bytes:
    return bytes((i * 7919 + seed) % 251 for i in range(size))


def hashed_name(data: bytes, stem: str = 'stgcn_nwucla') -> str:
    return f'{stem}_20260101-{hashlib.sha256(data).hexdigest()[:8]}.pth'


def test_download_verifies_hash_and_renames(file_server, tmp_path: Path) -> None:
    data = payload()
    name = hashed_name(data)
    path = zoo.download(file_server.add(name, data), str(tmp_path), progress=False)
    assert path == str(tmp_path / name)
    assert Path(path).read_bytes() == data
    assert not (tmp_path / f'{name}.part').exists()
    # a second call finds the file and asks the server for nothing
    assert zoo.download(file_server.url(name), str(tmp_path), progress=False) == path
    assert len(file_server.requests) == 1


def test_download_into_cache(file_server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    data = payload(1000)
    url = file_server.add(hashed_name(data), data)
    path = zoo.download(url, progress=False)
    # the cache is keyed by URL: checkpoints/<a hash of the URL>/<name>
    assert Path(path).parent == tmp_path / 'home' / 'checkpoints' / url_key(url)
    assert Path(path).read_bytes() == data


def test_download_resumes_part_file(file_server, tmp_path: Path, capsys) -> None:
    data = payload()
    name = hashed_name(data)
    (tmp_path / f'{name}.part').write_bytes(data[:100_000])
    path = zoo.download(file_server.add(name, data), str(tmp_path))
    assert Path(path).read_bytes() == data
    assert file_server.requests == [(f'/{name}', 'bytes=100000-', 200_000)]
    assert '100%' in capsys.readouterr().err  # the progress bar ends full


def test_download_refuses_hash_mismatch(file_server, tmp_path: Path) -> None:
    data = payload()
    name = hashed_name(payload(seed=1))  # the name promises other content
    url = file_server.add(name, data)
    with pytest.raises(ValueError, match='sha256 mismatch') as info:
        zoo.download(url, str(tmp_path), progress=False)
    message = str(info.value)
    assert hashlib.sha256(payload(seed=1)).hexdigest()[:8] in message
    assert hashlib.sha256(data).hexdigest() in message
    assert list(tmp_path.glob('stgcn*')) == []  # nothing left, not even the part


def test_truncated_download_is_detected_then_resumed(file_server, tmp_path: Path) -> None:
    data = payload()
    name = hashed_name(data)
    url = file_server.add(name, data, truncate_once=True)
    with pytest.raises(RuntimeError, match='stopped at 150000 of 300000 bytes'):
        zoo.download(url, str(tmp_path), progress=False)
    assert not (tmp_path / name).exists()
    assert (tmp_path / f'{name}.part').read_bytes() == data[:150_000]
    path = zoo.download(url, str(tmp_path), progress=False)
    assert Path(path).read_bytes() == data
    assert file_server.requests == [(f'/{name}', None, 150_000),
                                    (f'/{name}', 'bytes=150000-', 150_000)]


def test_download_of_a_missing_file_says_http_status(file_server, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match='HTTP 404'):
        zoo.download(file_server.url('absent_20260101-12345678.pth'), str(tmp_path),
                     progress=False)


def write_index(folder: Path, weights_url: str) -> Path:
    """A model index importing one metafile: a model with weights, one without."""
    (folder / 'configs' / 'skeleton' / 'toy').mkdir(parents=True)
    metafile = dict(
        Collections=[dict(Name='TOY', README='configs/skeleton/toy/README.md')],
        Models=[dict(Name='toy_50e_nwucla_xview_keypoint_3d', In_Collection='TOY',
                     Config='configs/skeleton/toy/toy_50e_nwucla_xview_keypoint_3d.py',
                     Weights=weights_url),
                dict(Name='toy_50e_nwucla_xview_bone_3d', In_Collection='TOY',
                     Config='configs/skeleton/toy/toy_50e_nwucla_xview_bone_3d.py')])
    for model in metafile['Models']:
        model['In Collection'] = model.pop('In_Collection')
    (folder / 'configs' / 'skeleton' / 'toy' / 'metafile.yml').write_text(yaml.safe_dump(metafile))
    index = folder / 'model-index.yml'
    index.write_text(yaml.safe_dump(dict(Import=['configs/skeleton/toy/metafile.yml'])))
    return index


def test_name_resolution(file_server, tmp_path: Path, monkeypatch) -> None:
    data = payload(5000)
    url = file_server.add(hashed_name(data), data)
    index = write_index(tmp_path, url)
    monkeypatch.setattr(zoo, 'default_index_file', lambda: index)
    models = zoo.load_model_index()
    assert sorted(models) == ['toy_50e_nwucla_xview_bone_3d', 'toy_50e_nwucla_xview_keypoint_3d']
    assert models['toy_50e_nwucla_xview_keypoint_3d'].collection == 'TOY'
    assert zoo.weights_url('toy_50e_nwucla_xview_keypoint_3d') == url

    with pytest.raises(KeyError, match='has no released checkpoint') as info:
        zoo.weights_url('toy_50e_nwucla_xview_bone_3d')
    assert 'close names with weights: toy_50e_nwucla_xview_keypoint_3d' in str(info.value)
    with pytest.raises(KeyError, match="no model named 'toy_50e_nwucla_xview_keypont_3d'") as info:
        zoo.weights_url('toy_50e_nwucla_xview_keypont_3d')
    assert 'close names: toy_50e_nwucla_xview_keypoint_3d' in str(info.value)

    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    path, downloaded = zoo.resolve_checkpoint('toy_50e_nwucla_xview_keypoint_3d', progress=False)
    assert downloaded and Path(path).read_bytes() == data
    assert zoo.resolve_checkpoint(path) == (path, False)  # an existing path is used as is
    with pytest.raises(FileNotFoundError, match='does not exist'):
        zoo.resolve_checkpoint(str(tmp_path / 'missing.pth'))
    # other schemes are mmengine file backends' business
    assert zoo.resolve_checkpoint('s3://bucket/epoch_50.pth') == ('s3://bucket/epoch_50.pth', False)


def test_shipped_index_has_the_fields_mim_reads() -> None:
    """mim's ``download`` finds a model by ``Name`` in mmskel/.mim/model-index.yml, copies its
    ``Config`` and fetches its ``Weights``: every model must have the first two and a collection."""
    index = zoo.default_index_file()
    assert index.name == 'model-index.yml' and index.is_file()
    models = zoo.load_model_index()
    assert len(models) > 100
    collections = set()
    for metafile in {m.metafile for m in models.values()}:
        content = yaml.safe_load(Path(metafile).read_text())
        collections |= {collection['Name'] for collection in content['Collections']}
    for model in models.values():
        assert (index.parent / model.config).is_file(), model.name
        assert model.collection in collections, model.name
        assert model.weights is None or zoo.is_url(model.weights), model.name
    mim = Path(zoo.__file__).parents[1] / '.mim' / 'model-index.yml'
    if mim.is_file():
        assert index == mim


def test_shipped_weights_are_mmaction2s_posec3d_checkpoints() -> None:
    """Only PoseC3D's entries cite released checkpoints (mmaction2's, hash-named); a GCN model
    has none yet and the error points at the models that have."""
    models = zoo.load_model_index()
    with_weights = sorted(name for name, model in models.items() if model.weights)
    assert len(with_weights) == 6 and all(m.startswith('slowonly_') for m in with_weights)
    url = zoo.weights_url('slowonly_r50_u48_240e_ntu60_xsub_keypoint')
    assert url.startswith('https://download.openmmlab.com/mmaction/v1.0/skeleton/posec3d/')
    assert zoo.sha256_prefix(url) == '38db104b'
    with pytest.raises(KeyError, match='has no released checkpoint .*; close names with weights: '
                       'slowonly_r50_u48_240e_ntu60_xsub_keypoint'):
        zoo.weights_url('stgcn_80e_ntu60_xsub_keypoint_3d')


def test_sha256_prefix_of_openmmlab_names() -> None:
    assert zoo.sha256_prefix('stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d_20221129-484a394a'
                             '.pth') == '484a394a'
    assert zoo.sha256_prefix('epoch_50.pth') is None
    assert os.path.basename(zoo.cache_dir()) == 'checkpoints'
