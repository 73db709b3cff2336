"""tools/train.py end to end on real NW-UCLA samples: logs, checkpoints and the switches."""
import math
from typing import Tuple

import pytest
import torch

from mmskel.engine.amp import cpu_supports_bf16
from .conftest import CONFIG, WorkDir


def test_train_validates_every_epoch_and_saves_checkpoints(trained):
    assert trained.val_top1().keys() == {1, 2}
    assert all(0 <= top1 <= 1 for top1 in trained.val_top1().values())
    records = trained.train_records()
    assert [r['epoch'] for r in records] == [1] * 5 + [2] * 5  # 40 samples, batch 8
    assert [r['step'] for r in records] == list(range(1, 11))
    for name in ('epoch_1.pth', 'epoch_2.pth', 'last_checkpoint'):
        assert (trained.path / name).is_file(), name
    assert (trained.path / 'last_checkpoint').read_text().strip() == str(
        trained.path / 'epoch_2.pth')
    checkpoint = torch.load(trained.path / 'epoch_2.pth', map_location='cpu', weights_only=False)
    assert (checkpoint['meta']['epoch'], checkpoint['meta']['iter']) == (2, 10)
    assert checkpoint['meta']['seed'] == 0


@pytest.fixture(scope='module')
def amp_scaled(tools, tmp_path_factory) -> Tuple[WorkDir, str]:
    """One epoch with ``--amp --auto-scale-lr`` and no ``--validate``; and its console output.

    The switches touch separate things (the optimiser wrapper, the lr, the val loop), so one
    run serves the three tests below."""
    work_dir = tmp_path_factory.mktemp('amp_scaled') / 'work_dir'
    proc = tools.train(work_dir, '--amp', '--auto-scale-lr', max_epochs=1)
    return WorkDir(work_dir), proc.stdout + proc.stderr


def test_train_without_validate_skips_validation(amp_scaled):
    work_dir, _ = amp_scaled
    assert work_dir.val_top1() == {}
    assert len(work_dir.train_records()) == 5
    assert not list(work_dir.path.glob('best_*.pth'))


def test_amp_on_cpu_trains_in_bf16_where_the_cpu_has_it(amp_scaled):
    work_dir, output = amp_scaled
    if cpu_supports_bf16():
        assert "type='AutocastOptimWrapper'" in work_dir.log()
        assert "dtype='bfloat16'" in work_dir.log()
    else:
        assert 'this CPU has no native bfloat16' in output
    assert 'AmpOptimWrapper' not in work_dir.log()
    assert all(math.isfinite(r['loss']) for r in work_dir.train_records())
    checkpoint = torch.load(work_dir.path / 'epoch_1.pth', map_location='cpu', weights_only=False)
    assert 'loss_scaler' not in checkpoint['optimizer']  # AmpOptimWrapper would save one
    assert {v.dtype for v in checkpoint['state_dict'].values() if v.is_floating_point()} == {
        torch.float32}


def test_auto_scale_lr_scales_by_total_batch_size(amp_scaled, trained):
    work_dir, _ = amp_scaled
    # the config's base batch is 16; this run's is 8 samples on 1 process
    assert ('LR is set based on batch size of 16 and the current batch size is 8. Scaling the '
            'original LR by 0.5') in work_dir.log()
    scaled = [r['lr'] for r in work_dir.train_records()]
    plain = [r['lr'] for r in trained.train_records()[:len(scaled)]]
    assert plain[0] == pytest.approx(0.1 * 0.1)  # lr 0.1 at the linear warm-up's start factor
    assert scaled == pytest.approx([0.5 * lr for lr in plain])


def test_seed_and_deterministic_make_runs_reproducible(tools, tmp_path):
    losses = []
    for name in ('a', 'b'):
        tools.train(tmp_path / name, '--seed', '0', '--deterministic', max_epochs=1)
        work_dir = WorkDir(tmp_path / name)
        losses.append([r['loss'] for r in work_dir.train_records()])
        assert 'seed: 0' in work_dir.log() and 'deterministic: True' in work_dir.log()
    # without --seed mmengine draws a random seed, so equal losses show the seed is applied
    assert len(losses[0]) == 5
    assert losses[0] == losses[1]


def test_loss_falls_on_real_data(tools, tmp_path):
    # Constant lr 0.1 (no warm-up) for 6 epochs over 40 real samples. The logged loss is a
    # running mean over the last 20 iterations; its first value is the loss of iteration 1.
    tools.train(tmp_path / 'work_dir', '--seed', '0', max_epochs=6,
                options=['param_scheduler.0.start_factor=1.0'])
    losses = [r['loss'] for r in WorkDir(tmp_path / 'work_dir').train_records()]
    assert len(losses) == 30
    assert losses[0] == pytest.approx(math.log(10), abs=0.15)  # chance over 10 classes
    assert losses[-1] < losses[0] - 0.15


@pytest.mark.slow
def test_loss_falls_and_accuracy_beats_chance_on_the_full_split(tools, tmp_path):
    # The whole train split (1020 samples), 3 epochs at lr 0.1, validated on the whole val
    # split (464 samples, view 3): about 2-3 minutes on 2 cores.
    tools.train(tmp_path / 'work_dir', '--validate', '--seed', '0', max_epochs=3,
                options=['param_scheduler.0.start_factor=1.0', 'log_processor.window_size=50',
                         'train_dataloader.dataset.indices=None',
                         'val_dataloader.dataset.indices=None'])
    work_dir = WorkDir(tmp_path / 'work_dir')
    records = work_dir.train_records()
    assert len(records) == 3 * math.ceil(1020 / 8)
    first_epoch = [r['loss'] for r in records if r['epoch'] == 1]
    assert records[-1]['loss'] < first_epoch[0] - 0.5
    assert max(work_dir.val_top1().values()) > 0.25  # chance is 0.1


def test_work_dir_holds_only_logs_config_and_checkpoints(trained):
    names = {p.name for p in trained.path.iterdir() if p.is_file()}
    assert names <= {'epoch_1.pth', 'epoch_2.pth', 'last_checkpoint',
                     'best_acc_top1_epoch_1.pth', 'best_acc_top1_epoch_2.pth',
                     'stgcn_50e_nwucla_xview_keypoint_3d.py'}
    assert not [p for p in trained.path.rglob('*') if p.suffix in ('.tmp', '.pkl')]


def test_compile_switch_reaches_torch_compile(tools, tmp_path):
    # `compile=...` is mmengine's switch: the Runner compiles the model's train_step with
    # torch.compile and these options. Dynamo's log shows it traced the step; the run trains
    # with finite losses. The 'eager' backend keeps the test fast (inductor's code generation
    # takes minutes on 2 cores: benchmarks/models.py --settings compile measures it).
    env = dict(tools.env(), TORCH_LOGS='dynamo')
    proc = tools.run(['tools/train.py', CONFIG, '--work-dir', tmp_path / 'work_dir',
                      '--cfg-options', *tools.options(max_epochs=1), 'compile.backend=eager'],
                     cwd=tmp_path, env=env)
    assert 'start tracing train_step' in proc.stdout + proc.stderr
    losses = [r['loss'] for r in WorkDir(tmp_path / 'work_dir').train_records()]
    assert len(losses) == 5 and all(math.isfinite(loss) for loss in losses)
