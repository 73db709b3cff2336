"""load_config: --cfg-options change named pipeline steps, and the dumped config keeps the order
of the steps (mmengine sorts dict keys when it writes a config)."""
from pathlib import Path

from mmengine.config import Config

from mmskel.engine.build import load_config

CONFIG = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton' / 'stgcn' / \
    'stgcn_50e_nwucla_xview_keypoint_3d.py'
ORDER = ['PreNormalize3D', 'GenSkeFeat', 'UniformSampleFrames', 'PoseDecode', 'FormatGCNInput',
         'PackActionInputs']


def test_named_steps_become_ordered_lists_that_survive_a_dump(tmp_path):
    cfg = load_config(str(CONFIG), {'test_dataloader.dataset.pipeline.feats.feats': ['b']})
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert [s['type'] for s in cfg[loader].dataset.pipeline] == ORDER
    assert cfg.test_dataloader.dataset.pipeline[1]['feats'] == ['b']
    assert cfg.train_dataloader.dataset.pipeline[1]['feats'] == ['j']
    cfg.dump(str(tmp_path / 'dumped.py'))
    dumped = Config.fromfile(str(tmp_path / 'dumped.py'))
    assert [s['type'] for s in dumped.test_dataloader.dataset.pipeline] == ORDER
    assert [s['type'] for s in dumped.train_dataloader.dataset.pipeline] == ORDER
    assert 'train_pipeline' not in dumped  # no stale copy beside the dataloaders
    assert cfg.work_dir.endswith('stgcn_50e_nwucla_xview_keypoint_3d')


def test_named_steps_keep_their_order_through_a_plain_mmengine_dump(tmp_path):
    """What ``mim download`` and any other mmengine tool do: read the config and dump it without
    mmskel's help. The dump sorts the steps' keys; ``order`` keeps the pipeline as written."""
    from mmskel.datasets import pipeline_steps
    Config.fromfile(str(CONFIG)).dump(str(tmp_path / 'dumped.py'))
    dumped = Config.fromfile(str(tmp_path / 'dumped.py'))
    assert list(dumped.train_dataloader.dataset.pipeline)[0] == 'decode'  # keys were sorted
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert [s['type'] for s in pipeline_steps(dumped[loader].dataset.pipeline)] == ORDER
    assert [s['type'] for s in load_config(str(tmp_path / 'dumped.py')).test_dataloader
            .dataset.pipeline] == ORDER


def test_a_named_pipeline_without_order_is_refused_naming_config_and_key(tmp_path):
    import re

    import pytest
    path = tmp_path / 'no_order.py'
    path.write_text("train_dataloader = dict(dataset=dict(pipeline=dict(\n"
                    "    decode=dict(type='PoseDecode'))))\n")
    with pytest.raises(ValueError, match=re.escape(f'{path}: train_dataloader.dataset.pipeline: ')):
        load_config(str(path))
