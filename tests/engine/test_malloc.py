"""The allocator setting the tools apply: freed memory stays with the process."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.utils.malloc import keep_freed_memory

REPO = Path(__file__).resolve().parents[2]
GLIBC = sys.platform.startswith('linux') and bool(subprocess.run(
    ['ldd', '--version'], capture_output=True, text=True).stdout.lower().count('glibc'))

# Page faults of steps 4-11 of a loop that allocates ten 4 MiB tensors, writes them and frees
# them all. glibc's own default moves its mmap threshold up after the first free, and whether the
# heap's top is then trimmed at every step depends on where other allocations happen to sit
# (measured: either ~10200 faults a step or none). The baseline therefore fixes the threshold at
# glibc's initial 128 KiB, so that every block is mapped and unmapped again; keep_freed_memory's
# mallopt calls override it.
FAULTS = '''import resource, sys, torch
torch.set_num_threads(1)
if sys.argv[1] == 'keep':
    from mmskel.utils.malloc import keep_freed_memory
    assert keep_freed_memory()
def step():
    blocks = [torch.ones(1 << 20) for _ in range(10)]
    del blocks
step(); step(); step()
start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(8):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - start)
'''


def faults(mode: str) -> int:
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(128 << 10))
    out = subprocess.run([sys.executable, '-c', FAULTS, mode], check=True, capture_output=True,
                         text=True, cwd=REPO, env=env).stdout
    return int(out)


@pytest.mark.skipif(not GLIBC, reason='glibc only')
def test_keep_freed_memory_stops_the_page_faults_of_repeated_steps():
    default, kept = faults('default'), faults('keep')
    assert default > 40000  # 8 x 10250 measured
    assert kept < default / 20  # 0 measured, or one late 1024-page growth of the heap


def test_keep_freed_memory_reports_whether_it_applied():
    assert keep_freed_memory() is GLIBC


def test_default_runtime_asks_the_tools_for_it():
    cfg = Config.fromfile(str(REPO / 'configs' / '_base_' / 'default_runtime.py'))
    assert cfg.env_cfg.keep_freed_memory is True
