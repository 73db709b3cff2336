"""tools/train.py --resume, from the work dir's last checkpoint and from a given path.

mmengine's training checkpoints hold a pickled ``HistoryBuffer`` that torch >= 2.6 refuses to
load by default; these runs go through mmskel's SkeletonRunner, which loads its own checkpoints
with full unpickling when resuming.
"""
from typing import Set, Tuple

import pytest

from .conftest import WorkDir


@pytest.fixture(scope='module')
def auto_resumed(tools, tmp_path_factory) -> Tuple[WorkDir, Set[str]]:
    """A run stopped after epoch 1 (max_epochs=1), then continued to max_epochs=2 by a bare
    ``--resume`` in the same work dir; also the names of the files the first run left."""
    work_dir = tmp_path_factory.mktemp('resume') / 'work_dir'
    tools.train(work_dir, '--validate', '--seed', '0', max_epochs=1)
    first_files = {p.name for p in work_dir.iterdir() if p.is_file()}
    tools.train(work_dir, '--validate', '--seed', '0', '--resume', max_epochs=2)
    return WorkDir(work_dir), first_files


def check_resumed_into_epoch_2(work_dir: WorkDir) -> None:
    log = work_dir.log()
    assert 'resumed epoch: 1, iter: 5' in log
    records = work_dir.train_records()
    assert [r['epoch'] for r in records] == [2] * 5  # epoch 1 is not trained again
    assert [r['step'] for r in records] == [6, 7, 8, 9, 10]  # the iteration count continues
    assert work_dir.val_top1().keys() == {2}
    assert (work_dir.path / 'epoch_2.pth').is_file()
    assert (work_dir.path / 'last_checkpoint').read_text().strip() == str(
        work_dir.path / 'epoch_2.pth')


def test_first_run_stops_after_epoch_1(auto_resumed):
    work_dir, first_files = auto_resumed
    assert {'epoch_1.pth', 'last_checkpoint'} <= first_files
    assert 'epoch_2.pth' not in first_files
    assert [r['step'] for r in work_dir.train_records(run=0)] == [1, 2, 3, 4, 5]


def test_resume_without_path_continues_from_the_last_checkpoint(auto_resumed):
    work_dir, _ = auto_resumed
    assert len(work_dir.runs()) == 2
    assert (f'Auto resumed from the latest checkpoint {work_dir.path / "epoch_1.pth"}'
            in work_dir.log())
    check_resumed_into_epoch_2(work_dir)


def test_resume_from_path(tools, auto_resumed, tmp_path):
    auto, _ = auto_resumed
    work_dir = tmp_path / 'work_dir'
    tools.train(work_dir, '--validate', '--seed', '0', '--resume', str(auto.path / 'epoch_1.pth'),
                max_epochs=2)
    resumed = WorkDir(work_dir)
    assert len(resumed.runs()) == 1
    check_resumed_into_epoch_2(resumed)
    # the same checkpoint and seed give the same second epoch as the auto-resumed run
    assert ([r['loss'] for r in resumed.train_records()]
            == [r['loss'] for r in auto.train_records()])
    assert resumed.val_top1() == auto.val_top1()
