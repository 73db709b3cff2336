"""Every config under configs/skeleton builds: its model runs, its pipelines build."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose

from mmskel.registry import MODELS, TRANSFORMS
from mmskel.structures import get_layout
from mmskel.utils import register_all_modules

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted((REPO / 'configs' / 'skeleton').rglob('*.py'))


def pipeline_steps(pipeline):
    return [s for s in pipeline.values() if s is not None] if isinstance(pipeline, dict) \
        else list(pipeline)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_builds(path: Path) -> None:
    register_all_modules()
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == 'mmskel'
    model = MODELS.build(cfg.model).eval()
    backbone = cfg.model.backbone
    joints = get_layout(backbone.graph_cfg.layout).num_joints
    x = torch.randn(1, 1, backbone.get('num_person', 2), 8, joints, backbone.in_channels)
    with torch.no_grad():
        scores = model(x, mode='tensor')
    assert scores.shape == (1, cfg.model.cls_head.num_classes)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        Compose([TRANSFORMS.build(s) for s in pipeline_steps(dataset.pipeline)])


def test_config_names_follow_the_scheme() -> None:
    pattern = re.compile(r'^[a-z0-9+-]+_\d+e_[a-z0-9]+_[a-z]+_'
                         r'(keypoint|bone|keypoint_motion|bone_motion|limb)(_3d)?(_[a-z]+)?\.py$')
    for path in CONFIGS:
        assert pattern.match(path.name), f'{path.name} does not follow the config name scheme'


def test_stream_variant_changes_one_named_step(tmp_path: Path) -> None:
    """The bone-stream variant of docs/configs.md: five lines change every pipeline."""
    base = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_80e_ntu60_xsub_keypoint_3d.py'
    variant = tmp_path / 'stgcn_80e_ntu60_xsub_bone_3d.py'
    variant.write_text(f"_base_ = ['{base}']\n"
                       "bone = dict(feats=dict(feats=['b']))\n"
                       'train_dataloader = dict(dataset=dict(pipeline=bone))\n'
                       'val_dataloader = dict(dataset=dict(pipeline=bone))\n'
                       'test_dataloader = dict(dataset=dict(pipeline=bone))\n')
    cfg = Config.fromfile(str(variant))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        steps = cfg[loader].dataset.pipeline
        assert steps.feats == dict(type='GenSkeFeat', layout='nturgb+d', feats=['b'])
        assert list(steps) == ['normalize', 'feats', 'sample', 'decode', 'format', 'pack']
    assert cfg.test_dataloader.dataset.pipeline.sample.num_clips == 10
