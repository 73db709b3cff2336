"""tools/deployment/export_onnx.py: ONNX and PyTorch agree within 1e-4 at batch 1 and 3."""
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip('onnxruntime', reason='onnx and onnxruntime (requirements/optional.txt) '
                    'are not installed')

REPO = Path(__file__).resolve().parents[2]
NARROW = ['model.backbone.base_channels=8', 'model.cls_head.in_channels=32']


def nwucla_config(algo: str, name: str) -> Path:
    return REPO / 'configs' / 'skeleton' / algo / f'{name}_nwucla_xview_keypoint_3d.py'


@pytest.fixture(scope='module')
def export_tool():
    spec = importlib.util.spec_from_file_location('export_onnx',
                                                  REPO / 'tools/deployment/export_onnx.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def printed_diffs(stdout: str) -> dict:
    return {int(b): float(d) for b, d in
            re.findall(r'batch (\d+): max abs difference onnxruntime vs PyTorch (\S+)', stdout)}


def test_trained_stgcn_exports_with_dynamic_batch(tools, trained, tmp_path):
    import onnxruntime as ort
    out = tmp_path / 'stgcn.onnx'
    proc = tools.run(['tools/deployment/export_onnx.py', nwucla_config('stgcn', 'stgcn_50e'),
                      trained.path / 'epoch_2.pth', '--out', out, '--device', 'cpu',
                      '--cfg-options', 'model.backbone.base_channels=16',
                      'model.cls_head.in_channels=64'], cwd=tmp_path)
    diffs = printed_diffs(proc.stdout)
    assert diffs.keys() == {1, 3} and max(diffs.values()) < 1e-4
    assert 'input [N, 1, 52, 20, 3] (N dynamic), scores [N, 10]' in proc.stdout
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    (scores,) = session.run(None, {'input': np.zeros((5, 1, 52, 20, 3), np.float32)})
    assert scores.shape == (5, 10)


def test_ctrgcn_tool_prints_its_check(tools, tmp_path):
    proc = tools.run(['tools/deployment/export_onnx.py', nwucla_config('ctrgcn', 'ctrgcn_65e'),
                      '--out', tmp_path / 'ctrgcn.onnx', '--shape', '1', '20', '20', '3',
                      '--device', 'cpu', '--cfg-options', *NARROW], cwd=tmp_path)
    diffs = printed_diffs(proc.stdout)
    assert diffs.keys() == {1, 3} and max(diffs.values()) < 1e-4
    assert 'onnxruntime matches PyTorch within 0.0001' in proc.stdout


@pytest.mark.parametrize('algo, name', [('stgcnpp', 'stgcnpp_50e'), ('2s-agcn', '2sagcn_50e'),
                                        ('mstgcn', 'mstgcn_50e'), ('msg3d', 'msg3d_50e')])
def test_other_gcn_backbones_agree(export_tool, algo, name, tmp_path):
    from mmskel.apis import init_recognizer
    torch.manual_seed(0)
    model = init_recognizer(str(nwucla_config(algo, name)), None, 'cpu',
                            cfg_options={'model.backbone.base_channels': 8,
                                         'model.cls_head.in_channels': 32})
    shape = (1, 20, 20, 3)
    export_tool.export_onnx(model, shape, str(tmp_path / 'model.onnx'))
    for batch, (diff, scale) in export_tool.check_onnx(model, str(tmp_path / 'model.onnx'),
                                                       shape).items():
        # untrained MST-GCN scores reach ~1e4, so float32 rounding alone is ~1e-3 there
        assert diff <= 1e-4 * max(1.0, scale), (batch, diff, scale)


class _Unfolding(torch.nn.Module):
    def forward(self, x):
        return x.unfold(2, 3, 1).mean(-1)  # ONNX cannot express this with a dynamic batch


class _UnfoldingRecognizer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone, self.fc = _Unfolding(), torch.nn.Linear(3, 2)

    def forward(self, x, mode='tensor'):
        return self.fc(self.backbone(x.flatten(1, 2)).mean((1, 2, 3)))


def test_an_unsupported_op_is_named_and_nothing_is_written(export_tool, tmp_path, capfd):
    out = tmp_path / 'model.onnx'
    with pytest.raises(RuntimeError, match=r'_Unfolding cannot be exported to ONNX opset 17: '
                                           r'SymbolicValueError: .*operator Unfold'):
        export_tool.export_onnx(_UnfoldingRecognizer().eval(), (1, 8, 5, 3), str(out))
    assert not out.exists()
    captured = capfd.readouterr()
    assert len(captured.out + captured.err) < 1000  # the traced graph dump is kept out


def posec3d_config(name: str) -> Path:
    return REPO / 'configs' / 'skeleton' / 'posec3d' / f'{name}_keypoint.py'


def test_posec3d_x3d_exports_its_heatmap_volume(tools, tmp_path):
    import onnxruntime as ort
    out = tmp_path / 'x3d.onnx'
    proc = tools.run(['tools/deployment/export_onnx.py', posec3d_config('x3d_shallow_nwucla_xview'),
                      '--out', out, '--device', 'cpu', '--cfg-options',
                      'model.backbone.base_channels=8', 'model.cls_head.in_channels=72'],
                     cwd=tmp_path)
    # [C, T, H, W] from the test pipeline: 20 nw-ucla joints, 52 frames, 64 x 64
    assert 'exported X3D to' in proc.stdout
    assert 'input [N, 20, 52, 64, 64] (N dynamic), scores [N, 10]' in proc.stdout
    diffs = printed_diffs(proc.stdout)
    assert diffs.keys() == {1, 3} and max(diffs.values()) < 1e-4
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    (scores,) = session.run(None, {'input': np.zeros((2, 20, 52, 64, 64), np.float32)})
    assert scores.shape == (2, 10)


def test_posec3d_slowonly_agrees(export_tool, tmp_path):
    from mmskel.apis import init_recognizer
    torch.manual_seed(0)
    model = init_recognizer(str(posec3d_config('slowonly_r50_u48_240e_ntu60_xsub')), None, 'cpu',
                            cfg_options={'model.backbone.base_channels': 8,
                                         'model.cls_head.in_channels': 128})
    shape = (17, 16, 32, 32)  # 17 coco joint heatmaps, a short small clip
    export_tool.export_onnx(model, shape, str(tmp_path / 'slowonly.onnx'))
    diffs = export_tool.check_onnx(model, str(tmp_path / 'slowonly.onnx'), shape)
    assert diffs.keys() == {1, 3}
    for batch, (diff, scale) in diffs.items():
        assert diff <= 1e-4 * max(1.0, scale), (batch, diff, scale)
