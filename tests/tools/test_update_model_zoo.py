"""The model zoo (model READMEs' tables, metafiles, model-index.yml, docs/model_zoo.md) is up to
date with the configs: ``tools/misc/update_model_zoo.py --check`` finds nothing to rewrite."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_model_zoo_is_up_to_date():
    result = subprocess.run([sys.executable, 'tools/misc/update_model_zoo.py', '--check'],
                            cwd=REPO, capture_output=True, text=True, timeout=1800,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'files were up to date' in result.stdout
