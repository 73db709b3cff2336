"""The benchmark scripts run and print the tables docs/benchmarks.md shows (tiny sizes: what
they measure is not asserted, only that each figure is there and positive)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_path
from conftest import table_rows as rows

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={'OMP_NUM_THREADS': '1', 'PATH': '/usr/bin:/bin',
                                            'PYTHONPATH': str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_pipeline_benchmark_prints_rates_and_ratios():
    root = shared_path('NTU-RGBD-skeleton-samples')
    out = run('benchmarks/pipeline.py', '--ntu-root', str(root), '--models', 'ST-GCN',
              'CTR-GCN', '--samples', '10', '--batch', '2', '--repeats', '1', '--warmup', '0')
    table = rows(out)
    assert list(table) == ['ST-GCN', 'CTR-GCN']
    assert table['ST-GCN'][0] == '100' and table['CTR-GCN'][0] == '64'  # clip lengths
    for cells in table.values():
        assert all(float(c.rstrip('x')) > 0 for c in cells[1:])
    assert re.search(r'smallest train pipeline / step: \d+x', out)


def test_models_benchmark_compares_settings_side_by_side():
    out = run('benchmarks/models.py', '--models', 'ST-GCN', '--batch', '1', '--frames', '8',
              '--repeats', '1', '--warmup', '0', '--settings', 'fp32', 'bf16', 'channels_last')
    header = next(line for line in out.splitlines() if line.startswith('| model'))
    assert 'bf16/fp32' in header and 'channels_last/fp32' in header
    cells = rows(out)['ST-GCN']
    assert cells[0] == '3,098,832' and all(float(c.rstrip('x')) > 0 for c in cells[1:])


def test_models_benchmark_times_inference_and_compares_the_logits():
    out = run('benchmarks/models.py', '--models', 'ST-GCN', '--batch', '1', '--frames', '8',
              '--repeats', '1', '--warmup', '0', '--settings', 'fp32', 'fold_bn', '--inference')
    assert out.startswith('inference')
    assert float(rows(out)['ST-GCN'][-1].rstrip('x')) > 0
    diff = re.search(r'ST-GCN: largest logit difference .*: fold_bn (\S+)', out)
    assert float(diff.group(1)) < 1e-5  # batch norm folded into the convolutions changes rounding


def test_models_benchmark_refuses_fold_bn_for_training():
    result = subprocess.run([sys.executable, 'benchmarks/models.py', '--settings', 'fold_bn'],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2 and 'fold_bn' in result.stderr and '--inference' in result.stderr


MMACTION2_PYTHON = REPO / '.venv-mmaction2' / 'bin' / 'python'


@pytest.mark.skipif(not MMACTION2_PYTHON.exists(),
                    reason='mmaction2 is not installed beside mmskel (make venv-mmaction2)')
def test_compare_mmaction2_loads_its_weights_strictly_and_times_both_in_turn():
    proc = subprocess.run(
        [str(MMACTION2_PYTHON), 'benchmarks/compare_mmaction2.py', '--models', 'ST-GCN', 'CTR-GCN',
         '--batch', '1', '--frames', '8', '--repeats', '1', '--warmup', '0', '--threads', '1',
         '--settings', 'mmskel', 'mmskel+amp'], cwd=REPO, capture_output=True, text=True,
        timeout=600, env={'PATH': '/usr/bin:/bin', 'PYTHONPATH': str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ('ST-GCN', 'CTR-GCN'):
        difference = re.search(name.replace('+', r'\+') + r': weights loaded with strict=True, '
                               r'largest fp32 logit difference (\S+)', proc.stdout)
        assert difference and float(difference.group(1)) < 1e-5
    for title in ('Training step', 'Inference'):
        part = proc.stdout.split(title)[1]
        table = rows(part.split('\n\n')[1] if title == 'Training step' else part)
        assert list(table) == ['ST-GCN', 'CTR-GCN']
        for cells in table.values():  # 3 times (mmaction2 added first), 2 ratios
            assert len(cells) == 5 and all(float(c.rstrip('x')) > 0 for c in cells)


@pytest.mark.parametrize('against', ['loops', 'auto'])
def test_heatmap_pipeline_benchmark_prints_both_pipelines(against):
    root = shared_path('NW-UCLA', 'all_sqe')
    out = run('benchmarks/heatmap_pipeline.py', '--root', str(root), '--samples', '2',
              '--test-samples', '1', '--repeats', '1', '--against', against)
    header = next(line for line in out.splitlines() if line.startswith('| pipeline'))
    rival = 'loops' if against == 'loops' or not MMACTION2_PYTHON.exists() else 'mmaction2'
    assert f'| {rival} samples/s |' in header
    table = rows(out)
    assert [name.split()[0] for name in table] == ['train', 'test']
    for cells in table.values():
        assert len(cells) == 3 and all(float(c.rstrip('x')) > 0 for c in cells)


def test_conv_kernels_benchmark_times_each_dtype_and_layout():
    out = run('benchmarks/conv_kernels.py', '--batch', '2', '--channels', '8', '--frames', '10',
              '--repeats', '1')
    table = [line.split('|')[1:-1] for line in out.splitlines() if line.startswith('| ')][1:]
    assert [(d.strip(), layout.strip()) for d, layout, *_ in table] == [
        ('fp32', 'nchw'), ('fp32', 'channels_last'), ('bf16', 'nchw'), ('bf16', 'channels_last')]
    assert table[0][4:] == [' 1.00x ', ' 1.00x ']
    assert all(float(cell.strip().rstrip('x')) > 0 for row in table for cell in row[2:])


def kill_resume_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location('kill_resume', REPO / 'benchmarks/kill_resume.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FAKE_TRAINING = """import pathlib, sys, time
work_dir = pathlib.Path(sys.argv[1])
for step in range(1, 400):
    time.sleep(0.05)
    (work_dir / 'last_checkpoint').write_text(f'iter_{step}.pth')
"""


def test_kill_resume_kills_only_after_a_new_checkpoint(tmp_path):
    import random
    kill_resume = kill_resume_module()
    (tmp_path / 'last_checkpoint').write_text('iter_0.pth')
    process = subprocess.Popen([sys.executable, '-c', FAKE_TRAINING, str(tmp_path)])
    seconds = kill_resume.kill_after_progress(process, tmp_path, window=0.1,
                                              rng=random.Random(0), timeout=60)
    assert seconds is not None and process.returncode == -9  # SIGKILL
    assert kill_resume.last_checkpoint(tmp_path) != 'iter_0.pth'
    finished = subprocess.Popen([sys.executable, '-c', 'pass'])
    assert kill_resume.kill_after_progress(finished, tmp_path, window=0.1,
                                           rng=random.Random(0), timeout=60) is None


def test_kill_resume_compares_weights_exactly():
    import torch
    kill_resume = kill_resume_module()
    weights = dict(iter=6, state_dict={'w': torch.ones(3), 'b': torch.zeros(2)})
    assert kill_resume.same_weights(weights, dict(weights))
    nudged = dict(weights, state_dict=dict(weights['state_dict'],
                                           w=torch.ones(3).nextafter(torch.full((3,), 2.))))
    assert not kill_resume.same_weights(weights, nudged)
    assert not kill_resume.same_weights(weights, dict(weights, iter=5))


@pytest.mark.slow  # four training processes: about a minute on a loaded 2-core machine
def test_kill_resume_soak_with_two_kills(tmp_path):
    out = run('benchmarks/kill_resume.py', '--kills', '2', '--epochs', '3',
              '--iters-per-epoch', '3', '--work-dir', str(tmp_path))
    assert out.splitlines()[-1] == '2 kills, 2 resumed, final weights equal: True'
    assert len(re.findall(r'^kill \d: after [\d.]+ s, last checkpoint iter_\d\.pth$', out,
                          flags=re.M)) == 2
