"""Packaging: a wheel ships configs/, tools/ and model-index.yml under mmskel/.mim."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mmskel.datasets import pipeline_steps

REPO = Path(__file__).resolve().parents[1]
PACKAGED = ('setup.py', 'README.md', 'model-index.yml', 'requirements', 'mmskel', 'configs',
            'tools')


def copy_sources(dst: Path) -> None:
    """Copy what a clean clone holds (no .mim links, no caches)."""
    for name in PACKAGED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns(
                '__pycache__', '.mim', '*.egg-info'))
        else:
            shutil.copy2(src, dst / name)


def test_wheel_ships_mim_files(tmp_path: Path) -> None:
    src = tmp_path / 'src'
    src.mkdir()
    copy_sources(src)
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation',
                    '-q', '-w', str(tmp_path / 'dist'), str(src)], check=True,
                   capture_output=True)
    wheel = next((tmp_path / 'dist').glob('mmskel-*.whl'))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert 'mmskel/.mim/model-index.yml' in names
    assert 'mmskel/.mim/configs/skeleton/stgcn/stgcn_80e_ntu60_xsub_keypoint_3d.py' in names
    assert 'mmskel/.mim/configs/_base_/default_runtime.py' in names
    assert 'mmskel/.mim/tools/train.py' in names
    assert 'mmskel/registry.py' in names
    assert not any('__pycache__' in n for n in names)


def test_editable_install_links_mim_files() -> None:
    import mmskel
    mim = Path(mmskel.__file__).parent / '.mim'
    if not mim.exists():
        pytest.skip('mmskel is not installed in editable mode here (PYTHONPATH run)')
    assert (mim / 'configs' / 'skeleton' / 'stgcn').is_dir()
    assert (mim / 'model-index.yml').is_file()


@pytest.mark.slow
def test_install_by_hand_in_fresh_venv(tmp_path: Path) -> None:
    """docs/installation.md's by-hand commands, in a new virtual environment."""
    src = tmp_path / 'src'
    src.mkdir()
    copy_sources(src)
    script = '\n'.join([
        'python3 -m venv .venv && source .venv/bin/activate',
        'pip install -q torch==2.13.0',
        "pip install -q 'setuptools<81' -r requirements/runtime.txt",
        'pip install -q --no-build-isolation -e .',
        'cd / && python -c "import mmskel, os; '
        "print(sorted(os.listdir(os.path.join(os.path.dirname(mmskel.__file__), '.mim'))))\""])
    result = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=src,
                            capture_output=True, text=True, timeout=1200,
                            env={k: v for k, v in os.environ.items() if k != 'VIRTUAL_ENV'})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "['configs', 'model-index.yml', 'tools']" in result.stdout


MIM_MODEL = 'stgcn_50e_nwucla_xview_keypoint_3d'


def add_weights(metafile: Path, name: str, url: str) -> None:
    """Give model ``name`` of a metafile a ``Weights:`` URL, as a published model has."""
    config_line = f'    Config: configs/skeleton/stgcn/{name}.py\n'
    text = metafile.read_text(encoding='utf-8')
    assert config_line in text, f'{name} not in {metafile}'
    metafile.write_text(text.replace(config_line, f'{config_line}    Weights: {url}\n'),
                        encoding='utf-8')


@pytest.mark.slow
def test_mim_download_from_wheel_install(tmp_path: Path, file_server) -> None:
    """docs/model_zoo_download.md's ``mim download mmskel --config NAME --dest DIR``: openmim in
    a new virtual environment, mmskel installed from its wheel, the checkpoint served from
    127.0.0.1. mim must find the model through the shipped mmskel/.mim/model-index.yml, fetch the
    bytes and dump the config with its ``_base_`` files merged."""
    import io

    import torch
    from mmengine import Config
    buffer = io.BytesIO()
    torch.save({'state_dict': {'cls_head.fc.bias': torch.arange(10.)}}, buffer)
    checkpoint = f'{MIM_MODEL}_20261122-00000000.pth'
    url = file_server.add(checkpoint, buffer.getvalue())
    src = tmp_path / 'src'
    src.mkdir()
    copy_sources(src)
    add_weights(src / 'configs' / 'skeleton' / 'stgcn' / 'metafile.yml', MIM_MODEL,
                url)
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation',
                    '-q', '-w', str(tmp_path / 'dist'), str(src)], check=True,
                   capture_output=True)
    wheel = next((tmp_path / 'dist').glob('mmskel-*.whl'))
    script = '\n'.join([
        'python3 -m venv mimenv && source mimenv/bin/activate',
        "pip install -q openmim mmengine==0.10.7 'setuptools<81'",
        f'pip install -q --no-deps {wheel}',
        f'mim download mmskel --config {MIM_MODEL} --dest mimout'])
    result = subprocess.run(['bash', '-euo', 'pipefail', '-c', script], cwd=tmp_path,
                            capture_output=True, text=True, timeout=1200,
                            env={k: v for k, v in os.environ.items()
                                 if k not in ('VIRTUAL_ENV', 'PYTHONPATH')})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / 'mimout' / checkpoint).read_bytes() == buffer.getvalue()
    assert [request[0] for request in file_server.requests] == [f'/{checkpoint}']
    dumped = tmp_path / 'mimout' / f'{MIM_MODEL}.py'
    assert '_base_' not in dumped.read_text(encoding='utf-8')
    config, original = Config.fromfile(str(dumped)), Config.fromfile(str(
        REPO / 'configs' / 'skeleton' / 'stgcn' / f'{MIM_MODEL}.py'))
    assert config.model == original.model
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert pipeline_steps(config[loader].dataset.pipeline) == \
            pipeline_steps(original[loader].dataset.pipeline)
