"""Packaging: a wheel ships configs/, tools/ and model-index.yml under mmskel/.mim."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
