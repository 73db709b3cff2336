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
    assert [s['type'] for s in dumped.train_pipeline] == ORDER
    assert cfg.work_dir.endswith('stgcn_50e_nwucla_xview_keypoint_3d')
