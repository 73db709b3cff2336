"""benchmarks/amp_accuracy.py: fp32 and bf16 runs of one recipe, resumable, and their table."""
import json
import sys

import pytest
from conftest import table_rows as rows

from .conftest import CONFIG, REPO


def amp_accuracy(tools, root, *args: str) -> str:
    options = [o for o in tools.options() if not o.startswith('train_cfg.max_epochs=')]
    proc = tools.run([sys.executable, REPO / 'benchmarks' / 'amp_accuracy.py', '--config', CONFIG,
                      '--root', root, '--seeds', '0', '--epochs', '2', '--warmup', '1', *args,
                      '--cfg-options', *options], cwd=root.parent)
    return proc.stdout


def scalars(run_dir) -> list:
    return [json.loads(line) for path in sorted(run_dir.glob('*/vis_data/scalars.json'))
            for line in path.read_text().splitlines()]


def test_trains_each_precision_on_a_shortened_schedule_then_skips_finished_runs(tools, tmp_path):
    root = tmp_path / 'runs'
    out = amp_accuracy(tools, root)
    table = rows(out)
    assert list(table) == ['fp32_seed0', 'bf16_seed0']
    for name, cells in table.items():
        assert cells[0] == '2'  # epochs validated
        assert 0 <= float(cells[1]) <= float(cells[2]) <= 100
        assert cells[4].endswith(' min')
        # warm-up from 0.01 over epoch 1, then cosine from 0.1 towards 0 over epoch 2
        lrs = [r['lr'] for r in scalars(root / name) if 'lr' in r]
        assert lrs[0] == pytest.approx(0.01) and max(lrs) == pytest.approx(0.1)
        assert lrs[-1] < 0.02
    dumped = (root / 'bf16_seed0' / CONFIG.name).read_text()
    assert "type='AutocastOptimWrapper'" in dumped and "dtype='bfloat16'" in dumped
    assert 'AutocastOptimWrapper' not in (root / 'fp32_seed0' / CONFIG.name).read_text()
    assert 'fp32: mean last val top-1' in out and 'bf16: mean last val top-1' in out

    logs = {name: (root / name / 'train.out').stat().st_size for name in table}
    again = amp_accuracy(tools, root)
    assert rows(again) == table
    assert {name: (root / name / 'train.out').stat().st_size for name in table} == logs


def test_stopped_runs_resume_from_their_last_checkpoint(tools, tmp_path):
    root = tmp_path / 'runs'
    run_dir = root / 'fp32_seed0'
    stopped = amp_accuracy(tools, root, '--precisions', 'fp32', '--timeout', '0.5')
    assert 'timeout: the runs resume when this command runs again' in stopped
    assert rows(stopped)['fp32_seed0'][0] == '0'
    assert rows(amp_accuracy(tools, root, '--precisions', 'fp32'))['fp32_seed0'][0] == '2'

    # as if stopped during epoch 2: its checkpoint and records gone
    (run_dir / 'epoch_2.pth').unlink()
    (run_dir / 'last_checkpoint').write_text(str(run_dir / 'epoch_1.pth'))
    for path in run_dir.glob('*/vis_data/scalars.json'):
        lines = [line for line in path.read_text().splitlines()
                 if json.loads(line).get('epoch', json.loads(line)['step']) != 2]
        path.write_text('\n'.join(lines) + '\n')
    assert rows(amp_accuracy(tools, root, '--precisions', 'fp32'))['fp32_seed0'][0] == '2'
    last_piece = [r for r in scalars(run_dir) if 'lr' in r][-5:]
    assert {r['epoch'] for r in last_piece} == {2}
    log = (run_dir / 'train.out').read_text().split('resumed epoch: 1, iter: 5')[-1]
    assert 'Epoch(train) [2]' in log and 'Epoch(train) [1]' not in log
