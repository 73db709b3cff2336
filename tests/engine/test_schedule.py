"""fit_schedule: a run of another train_cfg.max_epochs gets its lr schedule scaled to it, and the
Runner's log says so (issue 17: a shortened run's cosine never decayed)."""
import re
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.engine.build import build_runner, load_config
from mmskel.engine.schedule import fit_schedule, schedule_reach

REPO = Path(__file__).resolve().parents[2]
SCHEDULES = REPO / 'configs' / '_base_' / 'schedules'
NWUCLA = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'


def schedule(name: str, **train_cfg) -> Config:
    cfg = Config.fromfile(str(SCHEDULES / name))
    cfg.train_cfg.update(train_cfg)
    return cfg


def test_warmup_and_cosine_follow_a_shorter_run() -> None:
    cfg = schedule('sgd_warmup_cosine_50e.py', max_epochs=10)
    note = fit_schedule(cfg)
    assert [dict(e) for e in cfg.param_scheduler] == [
        dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
             convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', eta_min=0, T_max=9, by_epoch=True, begin=1, end=10,
             convert_to_iter_based=True)]
    assert note == ('param_scheduler written for 50 epochs rescaled to train_cfg.max_epochs=10 '
                    '(x0.2): LinearLR end 5 -> 1; CosineAnnealingLR begin 5 -> 1, end 50 -> 10, '
                    'T_max 45 -> 9')
    assert cfg.max_epochs == 10
    assert fit_schedule(cfg) is None  # a second call changes nothing
    assert cfg.param_scheduler[1].T_max == 9


def test_longer_runs_stretch_the_whole_schedule_warmup_included() -> None:
    cfg = schedule('ctrgcn_65e.py', max_epochs=130)
    fit_schedule(cfg)
    warmup, steps = cfg.param_scheduler
    assert (warmup.begin, warmup.end) == (0, 10)
    assert (steps.milestones, steps.end) == ([70, 110], 130)


def test_milestones_round_to_whole_epochs_and_never_to_epoch_0() -> None:
    cfg = schedule('msagcn_190e.py', max_epochs=10)
    fit_schedule(cfg)
    assert cfg.param_scheduler[1].milestones == [4, 5, 6, 7, 8, 9]  # 70/19 = 3.7 -> 4, ...
    cfg = schedule('msagcn_190e.py', max_epochs=1)
    fit_schedule(cfg)
    warmup, steps = cfg.param_scheduler
    assert warmup.end == 1 and steps.milestones == [1] * 6 and steps.end == 1


def test_cosine_without_end_scales_t_max() -> None:
    cfg = schedule('sgd_cosine_80e.py', max_epochs=5)
    fit_schedule(cfg)
    assert dict(cfg.param_scheduler[0]) == dict(type='CosineAnnealingLR', eta_min=0, T_max=5,
                                                by_epoch=True, convert_to_iter_based=True)


def test_an_entry_left_with_no_epoch_is_dropped_and_said() -> None:
    cfg = schedule('sgd_warmup_cosine_50e.py', max_epochs=1)
    note = fit_schedule(cfg)
    assert [e.type for e in cfg.param_scheduler] == ['LinearLR']
    assert note.endswith('LinearLR end 5 -> 1; CosineAnnealingLR dropped (no epoch left to it)')


def test_a_schedule_written_for_the_run_is_left_alone() -> None:
    # benchmarks/amp_accuracy.py writes its shortened schedule with --cfg-options
    cfg = schedule('sgd_warmup_cosine_50e.py', max_epochs=2)
    cfg.merge_from_dict({'param_scheduler.0.end': 1, 'param_scheduler.1.begin': 1,
                         'param_scheduler.1.end': 2, 'param_scheduler.1.T_max': 1})
    before = [dict(e) for e in cfg.param_scheduler]
    assert fit_schedule(cfg) is None
    assert [dict(e) for e in cfg.param_scheduler] == before


def test_a_replaced_schedule_is_measured_by_its_own_entries() -> None:
    """LST's configs replace their backbone's 65-epoch schedule with a 110-epoch one without
    restating the top-level max_epochs: the entries' reach (110) is the schedule's length."""
    cfg = Config.fromfile(str(REPO / 'configs' / 'skeleton' / 'lst' /
                              'lst_ctrgcn_110e_nwucla_xview_keypoint_3d.py'))
    assert (cfg.max_epochs, cfg.train_cfg.max_epochs, schedule_reach(cfg.param_scheduler)) == \
        (65, 110, 110)
    assert fit_schedule(cfg) is None
    cfg.train_cfg.max_epochs = 11
    assert fit_schedule(cfg).startswith('param_scheduler written for 110 epochs rescaled to '
                                        'train_cfg.max_epochs=11 (x0.1)')
    assert cfg.param_scheduler[1].milestones == [9, 10]


def test_a_child_that_restates_max_epochs_but_not_the_schedule_is_rescaled(tmp_path) -> None:
    child = tmp_path / 'short.py'
    child.write_text(f"_base_ = ['{SCHEDULES / 'sgd_cosine_80e.py'}']\n"
                     'max_epochs = 20\ntrain_cfg = dict(max_epochs=max_epochs)\n')
    cfg = Config.fromfile(str(child))
    assert fit_schedule(cfg).startswith('param_scheduler written for 80 epochs')
    assert cfg.param_scheduler[0].T_max == 20


def test_per_optimizer_schedules_and_iteration_runs() -> None:
    cfg = schedule('sgd_cosine_80e.py', max_epochs=8)
    cfg.param_scheduler = dict(backbone=[dict(type='CosineAnnealingLR', T_max=80)],
                               head=dict(type='MultiStepLR', milestones=[40], end=80))
    fit_schedule(cfg)
    assert cfg.param_scheduler.backbone[0].T_max == 8
    assert (cfg.param_scheduler.head.milestones, cfg.param_scheduler.head.end) == ([4], 8)
    cfg = Config(dict(train_cfg=dict(type='IterBasedTrainLoop', max_iters=10),
                      param_scheduler=[dict(type='CosineAnnealingLR', T_max=80)]))
    assert fit_schedule(cfg) is None and cfg.param_scheduler[0].T_max == 80


def test_scale_schedule_false_keeps_the_schedule_as_written() -> None:
    """To train the first 3 epochs of the 50-epoch schedule (and resume it to 50 later: a
    resumed run continues the schedulers saved in its checkpoint)."""
    cfg = schedule('sgd_warmup_cosine_50e.py', max_epochs=3)
    cfg.scale_schedule = False
    assert fit_schedule(cfg) is None
    assert [(e.begin, e.end) for e in cfg.param_scheduler] == [(0, 5), (5, 50)]


@pytest.mark.parametrize('value', [0, 2.5, '10'])
def test_a_bad_run_length_is_refused_naming_the_config(value) -> None:
    cfg = schedule('sgd_cosine_80e.py', max_epochs=value)
    with pytest.raises(ValueError, match=re.escape(
            f'{SCHEDULES / "sgd_cosine_80e.py"}: train_cfg.max_epochs must be a whole number '
            f'of epochs >= 1, got {value!r}')):
        fit_schedule(cfg)


def test_the_runner_log_says_what_was_rescaled_and_carried(tmp_path) -> None:
    """tools/train.py --cfg-options train_cfg.max_epochs=5 clip_len=40: the Runner gets the
    shortened schedule and the new clip length, and its log file says both."""
    cfg = load_config(str(NWUCLA), {'train_cfg.max_epochs': 5, 'clip_len': 40},
                      work_dir=str(tmp_path / 'work'))
    cfg.env_cfg.keep_freed_memory = False
    runner = build_runner(cfg)
    assert runner.cfg.param_scheduler[1].T_max == 4
    assert runner.cfg.train_dataloader.dataset.pipeline[2] == dict(
        type='UniformSampleFrames', clip_len=40)
    log = Path(runner.logger.handlers[-1].baseFilename).read_text()
    assert ('param_scheduler written for 50 epochs rescaled to train_cfg.max_epochs=5 (x0.1): '
            'LinearLR end 5 -> 1; CosineAnnealingLR begin 5 -> 1, end 50 -> 5, T_max 45 -> 4'
            in log)
    assert ('clip_len = 40, not 52 as the dataset base wrote it: every entry named clip_len that '
            'held 52 now holds 40' in log)
