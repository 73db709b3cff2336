"""The model zoo (model READMEs' tables, metafiles, model-index.yml, docs/model_zoo.md) is up to
date with the configs: ``tools/misc/update_model_zoo.py --check`` finds nothing to rewrite; its
counts are cached by model, input and code."""
import importlib.util
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


@pytest.fixture
def zoo_tool(monkeypatch, tmp_path):
    """The tool as a module, its cache under a fresh MMSKEL_HOME, counting its FLOP counts."""
    spec = importlib.util.spec_from_file_location('update_model_zoo', REPO / 'tools' / 'misc' /
                                                  'update_model_zoo.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    monkeypatch.setattr(tool, 'MODELS', [m for m in tool.MODELS if m['folder'] == 'stgcn'])
    tool.counted = []

    def counting(cfg, shape):
        tool.counted.append(shape)
        return dict(params=len(tool.counted), flops=10 * len(tool.counted), shape=shape)
    monkeypatch.setattr(tool, 'complexity', counting)
    return tool


def test_counts_are_made_once_per_model_and_input_then_reused(zoo_tool, monkeypatch):
    configs = zoo_tool.joint_configs('stgcn')
    first = zoo_tool.measure()
    assert sorted(first) == sorted(p.stem for p in configs)
    # the NTU60 cross-subject and cross-view configs have one model and one input: one count
    assert first['stgcn_80e_ntu60_xsub_keypoint_3d'] == first['stgcn_80e_ntu60_xview_keypoint_3d']
    made = len(zoo_tool.counted)
    assert made < len(configs)
    assert zoo_tool.measure() == first and len(zoo_tool.counted) == made  # a rerun: from cache
    # other model code (or torch / mmengine) counts again
    monkeypatch.setattr(zoo_tool, 'code_version', lambda: 'other code')
    assert zoo_tool.measure() != first and len(zoo_tool.counted) == 2 * made
