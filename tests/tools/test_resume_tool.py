"""tools/train.py --resume, from the work dir's last checkpoint and from a given path.

mmengine's training checkpoints hold a pickled ``HistoryBuffer`` that torch >= 2.6 refuses to
load by default; these runs go through mmskel's SkeletonRunner, which loads its own checkpoints
with full unpickling when resuming.
"""
import os
import signal
from pathlib import Path
from typing import Set, Tuple

import pytest
import torch

from .conftest import CONFIG, REPO, WorkDir


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


class _Payload:
    """Unpickles as ``os.system('touch MARKER')``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_resume_from_a_poisoned_path_runs_nothing_and_names_the_opt_in(tools, auto_resumed,
                                                                       tmp_path):
    auto, _ = auto_resumed
    checkpoint = torch.load(auto.path / 'epoch_1.pth', weights_only=False)
    marker = tmp_path / 'payload_ran'
    checkpoint['meta']['note'] = _Payload(marker)
    poisoned = tmp_path / 'poisoned.pth'
    torch.save(checkpoint, poisoned)
    proc = tools.run(['tools/train.py', CONFIG, '--work-dir', tmp_path / 'work_dir', '--resume',
                      poisoned, '--cfg-options', *tools.options(max_epochs=2)], cwd=tmp_path,
                     check=False)
    assert not marker.exists()
    assert proc.returncode != 0
    assert f'error: {poisoned}: refused by weights_only loading' in proc.stderr
    assert '--trust-checkpoint' in proc.stderr


# Runs tools/train.py with mmengine's local file backend patched to kill the process (SIGKILL)
# at a chosen point of saving epoch 2's checkpoint: halfway through writing it ('write'), or just
# after deleting epoch_1.pth, which max_keep_ckpts=1 drops ('remove').
KILLING_TRAIN = '''
import os, runpy, signal, sys
from mmengine.fileio.backends.local_backend import LocalBackend
crash_at, put, remove = os.environ['CRASH_AT'], LocalBackend.put, LocalBackend.remove

def killing_put(self, obj, filepath):
    if crash_at == 'write' and 'epoch_2' in os.path.basename(str(filepath)):
        with open(filepath, 'wb') as f:
            f.write(obj[:len(obj) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    return put(self, obj, filepath)

def killing_remove(self, filepath):
    remove(self, filepath)
    if crash_at == 'remove' and os.path.basename(str(filepath)) == 'epoch_1.pth':
        os.kill(os.getpid(), signal.SIGKILL)

LocalBackend.put, LocalBackend.remove = killing_put, killing_remove
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
'''


@pytest.mark.parametrize('crash_at, resumed_from', [('write', 'epoch_1.pth'),
                                                    ('remove', 'epoch_2.pth')])
def test_a_kill_during_a_save_leaves_a_checkpoint_that_resumes(tools, tmp_path, crash_at,
                                                               resumed_from):
    script = tmp_path / 'killing_train.py'
    script.write_text(KILLING_TRAIN)
    work_dir = tmp_path / 'work_dir'
    options = [*tools.options(max_epochs=2), 'default_hooks.checkpoint.max_keep_ckpts=1']
    proc = tools.run([script, REPO / 'tools' / 'train.py', CONFIG, '--work-dir', work_dir,
                      '--cfg-options', *options], cwd=tmp_path, check=False,
                     env=dict(tools.env(), CRASH_AT=crash_at))
    assert proc.returncode == -signal.SIGKILL
    # what the kill left resumes: the last complete checkpoint is there and named
    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir / resumed_from)
    tools.train(work_dir, '--resume', max_epochs=2,
                options=['default_hooks.checkpoint.max_keep_ckpts=1'])
    log = WorkDir(work_dir).log()
    assert f'Auto resumed from the latest checkpoint {work_dir / resumed_from}' in log
    epoch_2 = torch.load(work_dir / 'epoch_2.pth', weights_only=False)
    assert epoch_2['meta']['epoch'] == 2 and epoch_2['meta']['iter'] == 10
    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir / 'epoch_2.pth')
    # no partial file and no leftover of the killed write
    names = {p.name for p in work_dir.iterdir() if p.is_file()}
    assert not [n for n in names if n.endswith('.tmp')]
    assert {n for n in names if n.endswith('.pth') and not n.startswith('best')} == {
        'epoch_2.pth'}
