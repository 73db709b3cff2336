"""Parameters and FLOPs from a config (tools/analysis/get_flops.py, docs/model_zoo.md)."""
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.models.complexity import complexity, input_shape
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules

CONFIGS = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton'


def test_input_shape_follows_the_test_pipeline_and_backbone():
    ntu = Config.fromfile(str(CONFIGS / 'ctrgcn' / 'ctrgcn_65e_ntu60_xsub_keypoint_3d.py'))
    assert input_shape(ntu) == (2, 64, 25, 3)
    ucla = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'))
    assert input_shape(ucla) == (1, 52, 20, 3)
    kinetics = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_80e_kinetics_val_keypoint.py'))
    assert input_shape(kinetics) == (2, 100, 18, 3)


def test_params_are_the_models_and_flops_grow_with_frames():
    register_all_modules()
    cfg = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_80e_ntu60_xsub_keypoint_3d.py'))
    model = MODELS.build(cfg.model)
    short, long = complexity(cfg, (2, 32, 25, 3)), complexity(cfg, (2, 64, 25, 3))
    assert short['params'] == long['params'] == sum(p.numel() for p in model.parameters())
    assert long['flops'] == pytest.approx(2 * short['flops'], rel=0.02)
    one_person = complexity(cfg, (1, 32, 25, 3))
    assert short['flops'] == pytest.approx(2 * one_person['flops'], rel=0.02)
    # the first layer of ST-GCN alone: a 1x1 conv 3 -> 64 x 3 subsets at every joint and frame
    assert short['flops'] > 2 * 32 * 25 * 3 * 64 * 3


def test_metafiles_list_every_config_with_its_measured_complexity():
    import yaml
    index = yaml.safe_load((CONFIGS.parents[1] / 'model-index.yml').read_text())
    listed = {}
    for metafile in index['Import']:
        for model in yaml.safe_load((CONFIGS.parents[1] / metafile).read_text())['Models']:
            assert (CONFIGS.parents[1] / model['Config']).exists(), model['Config']
            listed[Path(model['Config']).stem] = model['Metadata']
    assert set(listed) == {p.stem for p in CONFIGS.rglob('*.py')}
    cfg = Config.fromfile(str(CONFIGS / 'msg3d' / 'msg3d_50e_ntu60_xsub_bone_3d.py'))
    measured = complexity(cfg)
    assert listed['msg3d_50e_ntu60_xsub_bone_3d']['Parameters'] == measured['params']
    assert listed['msg3d_50e_ntu60_xsub_bone_3d']['FLOPs'] == measured['flops']


def test_flops_of_posec3d_match_upstream_and_the_tool_prints_the_volume():
    """mmaction2's PoseC3D README: SlowOnly-R50, 2.0 M parameters, 20.6 GFLOPs per 48 x 64 x 64
    view; ``get_flops.py`` reads C T H W from a heatmap config."""
    import subprocess
    import sys
    config = CONFIGS / 'posec3d' / 'slowonly_r50_u48_240e_ntu60_xsub_keypoint.py'
    result = complexity(Config.fromfile(str(config)))
    assert result['shape'] == (17, 48, 64, 64)
    assert result['params'] == 2024860
    assert round(result['flops'] / 1e9, 1) == 20.6
    out = subprocess.run([sys.executable, 'tools/analysis/get_flops.py', str(config), '--shape',
                          '17', '24', '32', '32'], cwd=CONFIGS.parents[1], capture_output=True,
                         text=True, check=True).stdout
    assert 'input: 1 sample, 1 clip, C=17 T=24 H=32 W=32' in out
    assert 'params: 2.02 M (2024860)' in out
