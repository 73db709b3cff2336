"""tools/misc/print_config.py: the config a run would use, whole or one entry."""
import ast
import runpy
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'


def print_config(monkeypatch, capsys, *args) -> str:
    monkeypatch.setattr(sys, 'argv', ['print_config.py', str(CONFIG), *args])
    runpy.run_path(str(REPO / 'tools' / 'misc' / 'print_config.py'), run_name='__main__')
    return capsys.readouterr().out


def test_key_with_options_prints_the_ordered_pipeline(monkeypatch, capsys) -> None:
    out = print_config(
        monkeypatch, capsys, '--key', 'train_dataloader.dataset.pipeline', '--cfg-options',
        'train_dataloader.dataset.pipeline.order=[normalize,rotate,feats,sample,decode,format,'
        'pack]', 'train_dataloader.dataset.pipeline.rotate.type=RandomRot')
    steps = ast.literal_eval(out)
    assert [s['type'] for s in steps] == ['PreNormalize3D', 'RandomRot', 'GenSkeFeat',
                                          'UniformSampleFrames', 'PoseDecode', 'FormatGCNInput',
                                          'PackActionInputs']
    assert steps[3] == {'type': 'UniformSampleFrames', 'clip_len': 52}


def test_whole_config_and_a_missing_key(monkeypatch, capsys) -> None:
    out = print_config(monkeypatch, capsys)
    assert "type='STGCN'" in out and 'max_epochs=50' in out
    with pytest.raises(SystemExit,
                       match=r"has no train_dataloader\.datset \(there: \['batch_size'"):
        print_config(monkeypatch, capsys, '--key', 'train_dataloader.datset.pipeline')
