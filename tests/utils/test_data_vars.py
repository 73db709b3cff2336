"""Dataset variables (clip_len, ann_file, num_persons, ...) that a child config or --cfg-options
changes reach the datasets, pipelines and model that the dataset base wrote with the old value
(issue 17: a child's clip_len never reached the pipeline)."""
import re
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.engine.build import load_config
from mmskel.utils.data_vars import apply_data_vars

REPO = Path(__file__).resolve().parents[2]
NWUCLA = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def child(tmp_path: Path, text: str) -> Path:
    path = tmp_path / 'child.py'
    path.write_text(f"_base_ = ['{NWUCLA}']\n{text}")
    return path


def sample_steps(cfg) -> list:
    return [next(s for s in cfg[loader].dataset.pipeline if s['type'] == 'UniformSampleFrames')
            for loader in LOADERS]


def test_a_child_config_changes_clip_len_and_ann_file(tmp_path) -> None:
    path = child(tmp_path, "clip_len = 64\nann_file = 'data/mine.pkl'\n")
    plain = Config.fromfile(str(path))  # what mmengine alone makes of it: the base's values
    assert plain.train_dataloader.dataset.pipeline.sample.clip_len == 52
    assert plain.train_dataloader.dataset.ann_file == 'data/nwucla/nwucla_3danno.pkl'
    cfg = load_config(str(path))
    assert sample_steps(cfg) == [dict(type='UniformSampleFrames', clip_len=64)] + [
        dict(type='UniformSampleFrames', clip_len=64, num_clips=1)] * 2
    assert [cfg[loader].dataset.ann_file for loader in LOADERS] == ['data/mine.pkl'] * 3
    assert cfg.data_vars.clip_len == 52  # the record keeps what the base wrote


def test_cfg_options_reach_the_pipelines_and_the_model() -> None:
    cfg = load_config(str(NWUCLA), {'num_persons': 2, 'num_classes': 12, 'layout': 'nturgb+d'})
    for loader in LOADERS:
        steps = {s['type']: s for s in cfg[loader].dataset.pipeline}
        assert steps['FormatGCNInput']['num_persons'] == 2
        assert steps['PreNormalize3D']['layout'] == steps['GenSkeFeat']['layout'] == 'nturgb+d'
    assert cfg.model.backbone.num_persons == 2
    assert cfg.model.backbone.graph_cfg.layout == 'nturgb+d'
    assert cfg.model.cls_head.num_classes == 12


def test_an_entry_set_to_another_value_on_purpose_keeps_it(tmp_path) -> None:
    path = child(tmp_path, 'clip_len = 64\n'
                           'test_dataloader = dict(dataset=dict(pipeline=dict(\n'
                           '    sample=dict(clip_len=80))))\n')
    assert [s['clip_len'] for s in sample_steps(load_config(str(path)))] == [64, 64, 80]


def test_the_old_name_num_person_follows_num_persons() -> None:
    cfg = Config(dict(num_persons=1, data_vars=dict(num_persons=2),
                      model=dict(backbone=dict(num_person=2))))
    apply_data_vars(cfg)
    assert cfg.model.backbone.num_person == 1


def test_a_second_call_changes_nothing_and_says_the_same() -> None:
    cfg = load_config(str(NWUCLA), {'clip_len': 40})
    before = cfg.to_dict()
    assert apply_data_vars(cfg) == ['clip_len = 40, not 52 as the dataset base wrote it: every '
                                    'entry named clip_len that held 52 now holds 40']
    assert cfg.to_dict() == before
    assert apply_data_vars(load_config(str(NWUCLA))) == []


def test_a_change_that_reaches_nothing_is_refused(tmp_path) -> None:
    """A dataset base that changed clip_len and its steps (100 -> 52) without recording it: a
    child's clip_len = 64 would find no entry holding the recorded 100, and silently change
    nothing."""
    base = tmp_path / 'base.py'
    base.write_text("data_vars = dict(clip_len=100)\nclip_len = 52\n"
                    "train_dataloader = dict(dataset=dict(pipeline=[\n"
                    "    dict(type='UniformSampleFrames', clip_len=clip_len)]))\n")
    path = tmp_path / 'child.py'
    path.write_text("_base_ = ['./base.py']\nclip_len = 64\n")
    with pytest.raises(ValueError, match=re.escape(
            f'{path}: clip_len is 64, but no dataset, pipeline step or model entry named '
            'clip_len holds 100, the value data_vars records for it, or 64: the change would '
            'reach nothing (a dataset base that changes clip_len records it: '
            'data_vars = dict(clip_len=clip_len))')):
        load_config(str(path))


def test_inference_and_get_flops_read_a_child_configs_variables(tmp_path, monkeypatch,
                                                                capsys) -> None:
    import runpy
    import sys

    from mmskel.apis import init_recognizer
    path = child(tmp_path, 'clip_len = 64\n')
    model = init_recognizer(str(path), device='cpu')
    assert next(s for s in model.test_pipeline
                if type(s).__name__ == 'UniformSampleFrames').clip_len == 64
    monkeypatch.setattr(sys, 'argv', ['get_flops.py', str(path)])
    runpy.run_path(str(REPO / 'tools' / 'analysis' / 'get_flops.py'), run_name='__main__')
    assert 'input: 1 sample, 1 clip, M=1 T=64 V=20 C=3' in capsys.readouterr().out
