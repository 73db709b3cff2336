"""input_spec: a config's input (layout, persons, clip length, channels, format), read once."""
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.models.input_spec import input_spec

CONFIGS = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton'


@pytest.mark.parametrize('name, expected', [
    ('ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py', ('nturgb+d', 2, 64, 3, 3, False)),
    ('stgcn/stgcn_50e_nwucla_xview_bone_motion_3d.py', ('nw-ucla', 1, 52, 3, 3, False)),
    ('stgcn/stgcn_80e_kinetics_val_keypoint.py', ('openpose', 2, 100, 3, 3, True)),
    ('stgcn/stgcn_80e_ntu60_xsub_keypoint.py', ('coco', 2, 100, 3, 3, True)),
    ('stgcn/stgcn_80e_babel60_val_keypoint_3d_wfl.py', ('nturgb+d', 1, 100, 3, 3, False)),
])
def test_spec_of_configs(name, expected):
    spec = input_spec(Config.fromfile(str(CONFIGS / name)))
    assert (spec.layout.name, spec.num_persons, spec.clip_len, spec.in_channels,
            spec.channels, spec.is_2d) == expected
    assert spec.input_format == 'MTVC'
    assert spec.shape == (expected[1], expected[2], spec.layout.num_joints, expected[3])


def test_several_features_share_the_channels():
    cfg = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'))
    cfg.model.backbone.in_channels = 6
    pipeline = cfg.test_dataloader.dataset.pipeline
    pipeline.feats.feats = ['j', 'b']
    spec = input_spec(cfg)
    assert (spec.in_channels, spec.channels) == (6, 3)


def test_facts_come_from_the_top_level_when_the_pipeline_is_silent():
    cfg = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'))
    cfg.test_dataloader.dataset.pipeline.format.pop('num_persons')
    assert input_spec(cfg).num_persons == 1  # the dataset base's num_persons
    facts = cfg.to_dict()
    facts.pop('num_persons')
    cfg = Config(facts, filename=cfg.filename)
    with pytest.raises(KeyError, match="stgcn_50e_nwucla_xview_keypoint_3d.py: cannot tell the "
                       r"input's num_persons: state it as FormatGCNInput\(num_persons=...\)"):
        input_spec(cfg)


@pytest.mark.parametrize('name, loader, expected', [
    ('slowonly_r50_u48_240e_ntu60_xsub_keypoint.py', 'test', (17, 48, 64, 64)),
    ('slowonly_r50_u48_240e_ntu60_xsub_keypoint.py', 'train', (17, 48, 56, 56)),
    ('slowonly_kinetics400_pretrained_r50_u48_120e_ucf101_split1_keypoint.py', 'test',
     (17, 48, 56, 56)),
    ('slowonly_kinetics400_pretrained_r50_u48_120e_ucf101_split1_keypoint.py', 'train',
     (17, 48, 48, 48)),
    ('x3d_shallow_gym_limb.py', 'test', (17, 48, 64, 64)),  # Resize((64, 64)), no crop
])
def test_heatmap_configs_give_a_cthw_volume(name, loader, expected):
    cfg = Config.fromfile(str(CONFIGS / 'posec3d' / name))
    spec = input_spec(cfg, cfg[f'{loader}_dataloader'].dataset.pipeline)
    assert (spec.input_format, spec.layout.name, spec.num_persons, spec.is_2d) == \
        ('CTHW', 'coco', None, True)
    assert spec.shape == expected


def test_heatmap_channels_are_the_layouts_joints_and_limbs():
    cfg = Config.fromfile(str(CONFIGS / 'posec3d' / 'slowonly_r50_u48_240e_ntu60_xsub_keypoint.py'))
    heatmap = cfg.test_dataloader.dataset.pipeline.heatmap
    heatmap.update(with_limb=True)
    assert input_spec(cfg).shape[0] == 17 + 17  # coco: 17 joints, 17 limbs
    heatmap.update(with_kp=False, skeletons=[[5, 7], [7, 9]])
    assert input_spec(cfg).shape[0] == 2


def test_heatmap_size_must_be_fixed_by_the_pipeline():
    cfg = Config.fromfile(str(CONFIGS / 'posec3d' / 'slowonly_r50_u48_240e_ntu60_xsub_keypoint.py'))
    cfg.test_dataloader.dataset.pipeline.crop = None  # Resize(-1, 64): the width is the data's
    with pytest.raises(ValueError, match="cannot tell the heatmaps' height and width"):
        input_spec(cfg)
