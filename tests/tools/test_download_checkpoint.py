"""tools/misc/publish_model.py, tools/misc/download_checkpoint.py and tools/test.py NAME|URL|PATH,
on the checkpoint of a real NW-UCLA run served from a local HTTP server."""
import hashlib
import io
import os
import pickle
import runpy
import sys
from pathlib import Path

import pytest
import torch

from mmskel.utils.download import url_key
from .conftest import WorkDir

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'


@pytest.fixture(scope='module')
def published(tools, trained, tmp_path_factory) -> Path:
    """epoch_2.pth of the shared run, stripped and named ``..._YYYYMMDD-<sha256[:8]>.pth``."""
    folder = tmp_path_factory.mktemp('published')
    proc = tools.run(['tools/misc/publish_model.py', trained.path / 'epoch_2.pth',
                      folder / 'stgcn_nwucla.pth'], cwd=folder)
    return Path(proc.stdout.strip())


def test_published_checkpoint_is_hash_named_and_weights_only(published: Path) -> None:
    sha = hashlib.sha256(published.read_bytes()).hexdigest()
    assert published.name.startswith('stgcn_nwucla_') and published.name.endswith(
        f'-{sha[:8]}.pth')
    checkpoint = torch.load(published, weights_only=True)
    assert set(checkpoint) == {'state_dict', 'meta'}
    assert checkpoint['meta']['epoch'] == 2


def test_download_tool_prints_the_path(tools, published, file_server, tmp_path) -> None:
    url = file_server.add(published.name, published.read_bytes())
    proc = tools.run(['tools/misc/download_checkpoint.py', url, '--dest', tmp_path / 'ckpts'],
                     cwd=tmp_path)
    path = Path(proc.stdout.strip())
    assert path == tmp_path / 'ckpts' / published.name
    assert path.read_bytes() == published.read_bytes()
    assert '100%' in proc.stderr


def run_download_tool(monkeypatch, *args: str) -> str:
    """tools/misc/download_checkpoint.py in this process (no torch import to wait for)."""
    monkeypatch.setattr(sys, 'argv', ['download_checkpoint.py', *args])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(REPO / 'tools' / 'misc' / 'download_checkpoint.py'),
                       run_name='__main__')
    return str(info.value.code)


def test_download_tool_explains_a_name_without_weights(monkeypatch) -> None:
    message = run_download_tool(monkeypatch, 'stgcn_80e_ntu60_xsub_keypoint_3d')
    assert message.startswith("error: model 'stgcn_80e_ntu60_xsub_keypoint_3d' has no released "
                              'checkpoint (no Weights: in ')
    assert 'close names with weights: slowonly_r50_u48_240e_ntu60_xsub_keypoint' in message
    message = run_download_tool(monkeypatch, 'stgcn_80e_ntu60_xsub_keypont_3d')
    assert 'close names: stgcn_80e_ntu60_xsub_keypoint_3d' in message


def test_test_tool_takes_a_url(tools, trained, published, file_server, tmp_path) -> None:
    url = file_server.add(published.name, published.read_bytes())
    env = dict(tools.env(), MMSKEL_HOME=str(tmp_path / 'home'))
    tools.run(['tools/test.py', CONFIG, url, '--work-dir', tmp_path / 'work_dir', '--out',
               tmp_path / 'result.pkl', '--cfg-options', *tools.options()], cwd=tmp_path, env=env)
    assert (tmp_path / 'home' / 'checkpoints' / url_key(url) / published.name).is_file()
    with open(tmp_path / 'result.pkl', 'rb') as f:
        result = pickle.load(f)
    top1 = float((result['scores'].argmax(1) == result['labels']).mean())
    assert top1 == pytest.approx(trained.val_top1()[2], abs=1e-9)


def test_train_tool_starts_from_a_url(tools, published, file_server, tmp_path) -> None:
    # load_from takes a path, URL or zoo name, as tools/test.py does; a missing file is named
    url = file_server.add(published.name, published.read_bytes())
    env = dict(tools.env(), MMSKEL_HOME=str(tmp_path / 'home'))
    tools.run(['tools/train.py', CONFIG, '--work-dir', tmp_path / 'work_dir', '--cfg-options',
               *tools.options(max_epochs=1), f'load_from={url}'], cwd=tmp_path, env=env)
    downloaded = tmp_path / 'home' / 'checkpoints' / url_key(url) / published.name
    assert downloaded.is_file()
    assert f'Load checkpoint from {downloaded}' in WorkDir(tmp_path / 'work_dir').log()
    missing = tools.run(['tools/train.py', CONFIG, '--work-dir', tmp_path / 'missing',
                         '--cfg-options', 'load_from=work_dirs/nothing/epoch_1.pth'],
                        cwd=tmp_path, check=False)
    assert missing.returncode == 1
    assert 'checkpoint work_dirs/nothing/epoch_1.pth does not exist' in missing.stderr


class _GetCwd:
    """Pickles as a call of ``os.getcwd``: harmless, but a function call, which
    ``weights_only`` loading refuses."""

    def __reduce__(self):
        return (os.getcwd, ())


def serve_checkpoint_with_a_call(trained, file_server, tmp_path, tools) -> tuple:
    """epoch_2.pth of the shared run with a function call added to its meta, behind a
    hash-named URL; return the tools/test.py arguments and environment."""
    checkpoint = torch.load(trained.path / 'epoch_2.pth', map_location='cpu', weights_only=False)
    checkpoint['meta']['note'] = _GetCwd()
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    data = buffer.getvalue()
    url = file_server.add(f'raw_20260101-{hashlib.sha256(data).hexdigest()[:8]}.pth', data)
    env = dict(tools.env(), MMSKEL_HOME=str(tmp_path / 'home'))
    return ['tools/test.py', CONFIG, url, '--work-dir', tmp_path / 'work_dir', '--cfg-options',
            *tools.options()], env


def test_test_tool_refuses_a_checkpoint_that_calls_a_function(tools, trained, file_server,
                                                              tmp_path) -> None:
    args, env = serve_checkpoint_with_a_call(trained, file_server, tmp_path, tools)
    proc = tools.run(args, cwd=tmp_path, env=env, check=False)
    assert proc.returncode != 0
    assert 'refused by weights_only loading (Trying to load unsupported GLOBAL posix.getcwd' \
        in proc.stderr
    assert '--cfg-options safe_checkpoint_load=False' in proc.stderr


@pytest.mark.slow
def test_test_tool_opt_out_of_weights_only(tools, trained, file_server, tmp_path) -> None:
    args, env = serve_checkpoint_with_a_call(trained, file_server, tmp_path, tools)
    tools.run(args + ['safe_checkpoint_load=False'], cwd=tmp_path, env=env)
    assert 'acc/top1' in WorkDir(tmp_path / 'work_dir').test_metrics()
