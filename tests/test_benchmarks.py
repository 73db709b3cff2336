"""The benchmark scripts run and print the tables docs/benchmarks.md shows (tiny sizes: what
they measure is not asserted, only that each figure is there and positive)."""
import re
import subprocess
import sys
from pathlib import Path

from conftest import shared_path

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={'OMP_NUM_THREADS': '1', 'PATH': '/usr/bin:/bin',
                                            'PYTHONPATH': str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def rows(output: str) -> dict:
    table = [line.split('|')[1:-1] for line in output.splitlines() if line.startswith('| ')]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in table[1:]}


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
