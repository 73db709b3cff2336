"""Every command in the README and the docs runs.

Each document's ``shell`` blocks are run in order, as one bash script, in a sandbox that looks
like the repository (``configs/``, ``tools/`` and ``../shared`` linked in). Training and testing
commands keep their arguments and get shrinking ``--cfg-options`` appended (a tiny model, a few
samples), so that a 50-epoch recipe still runs all its epochs and writes the checkpoint the next
command names; the model READMEs' runs are also cut to two epochs (see ``shrink``). Slurm is
played by a stand-in ``srun`` that runs the task as SLURM would (one process, with SLURM_*
variables). ``make`` targets are run elsewhere: ``make test`` is CI
itself and ``make demo`` runs in ``tests/test_demo.py``.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import free_port

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get('MMSKEL_SHARED_DATA', REPO.parent / 'shared' / 'data'))

DOCS = [REPO / 'README.md', *sorted((REPO / 'docs').rglob('*.md')),
        *sorted((REPO / 'configs').rglob('README.md'))]
RUN_ELSEWHERE = {'make demo': 'tests/test_demo.py', 'make test': '.ci/run',
                 'make venv': 'the Makefile prerequisite of make demo and make test',
                 'make test-slow': 'make test with slow tests',
                 'make lint': 'the first step of make test',
                 'python -m pytest -q -m "not slow and not integration" tests':
                     'make test, which runs these tests and more'}
SHRINK = ('train_dataloader.dataset.indices=8 train_dataloader.batch_size=4 '
          'val_dataloader.dataset.indices=8 test_dataloader.dataset.indices=8 '
          'train_dataloader.num_workers=0 train_dataloader.persistent_workers=False '
          'val_dataloader.num_workers=0 val_dataloader.persistent_workers=False '
          'test_dataloader.num_workers=0 test_dataloader.persistent_workers=False '
          'default_hooks.logger.interval=1')
FAKE_SRUN = """#!/usr/bin/env bash
# stand-in for srun: drop srun's own options, run the task once as SLURM task 0 of 1
while [[ "$1" == -* ]]; do
    case "$1" in -p|-N|-n|-w|-c|-J) shift 2 ;; *) shift ;; esac
done
export SLURM_PROCID=0 SLURM_NTASKS=1 SLURM_LOCALID=0 SLURM_NODELIST=localhost
export MASTER_ADDR=127.0.0.1 MASTER_PORT=${MASTER_PORT:-29531}
exec "$@"
"""


def shell_blocks(path: Path) -> list:
    """The commands of a markdown file's ```shell blocks, continuation lines joined."""
    commands = []
    for block in re.findall(r'```shell\n(.*?)```', path.read_text(), flags=re.S):
        for line in block.replace('\\\n', ' ').splitlines():
            line = line.split(' #')[0].strip()
            if line and not line.startswith('#'):
                commands.append(line)
    return commands


def run_once(command: str) -> str:
    """A ``tools/dev/repeat.sh N ...`` command runs its command once here, and a pytest run of
    tests of this suite only collects them (checking that they exist): the suite runs them."""
    command = re.sub(r'(tools/dev/repeat\.sh) \d+', r'\1 1', command)
    return re.sub(r'(python -m pytest -q) (tests/)', r'\1 --collect-only \2', command)


def is_tool_run(command: str) -> bool:
    return bool(re.search(r'tools/(train|test)\.py|tools/(dist|slurm)_(train|test)\.sh',
                          command))


# the narrowest width each backbone accepts (MSA-GCN splits channels into 5 and 8 groups)
NARROW = {'MSAGCN': 40}


def narrow_model(command: str) -> str:
    """Overrides that make the command's model narrow: base width 8 (or NARROW), the head's
    input width scaled with it. A config written by an earlier command (not under configs/)
    is an ST-GCN."""
    from mmengine.config import Config
    configs = [w for w in command.split() if w.endswith('.py') and w.startswith('configs/')]
    if not configs:
        return 'model.backbone.base_channels=8 model.cls_head.in_channels=32'
    model = Config.fromfile(str(REPO / configs[0])).model
    base = NARROW.get(model.backbone.type, 8)
    head = model.cls_head.in_channels * base // model.backbone.get('base_channels', 64)
    return f'model.backbone.base_channels={base} model.cls_head.in_channels={head}'


def shrink(command: str, short: bool = False) -> str:
    """Append the shrinking overrides to a train/test command (after any of its own).

    ``short`` (the model READMEs, whose commands show a model's full recipe): train for two
    epochs, validating each, and test the epoch-2 checkpoint in place of the last epoch's.
    """
    if not is_tool_run(command):
        return command
    options = f'{narrow_model(command)} {SHRINK}'
    if short:
        options += ' train_cfg.max_epochs=2 train_cfg.val_interval=1'
        command = re.sub(r'epoch_\d+\.pth', 'epoch_2.pth', command)
    if '--cfg-options' in command:
        return command.replace('--cfg-options', f'--cfg-options {options}', 1)
    return f'{command} --cfg-options {options}'


def documented() -> list:
    return [(path, shell_blocks(path)) for path in DOCS if shell_blocks(path)]


def make_sandbox(root: Path) -> Path:
    repo = root / 'repo'
    repo.mkdir()
    for name in ('configs', 'tools', 'mmskel', 'benchmarks', 'demo', 'model-index.yml',
                 'requirements', 'setup.py', 'README.md', 'tests', 'pytest.ini', 'setup.cfg'):
        (repo / name).symlink_to(REPO / name)
    (root / 'shared').symlink_to(SHARED_DATA.parent)
    bin_dir = root / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'srun').write_text(FAKE_SRUN)
    (bin_dir / 'srun').chmod(0o755)
    return repo


@pytest.fixture(scope='session')
def nwucla_pickle(tmp_path_factory) -> Path:
    """NW-UCLA converted once; the training docs assume the README's conversion was run."""
    root = SHARED_DATA / 'NW-UCLA' / 'all_sqe'
    if not root.exists():
        pytest.skip(f'the docs use NW-UCLA from {SHARED_DATA}, which is absent')
    out = tmp_path_factory.mktemp('nwucla') / 'nwucla_3danno.pkl'
    subprocess.run([sys.executable, str(REPO / 'tools/data/nwucla/convert_nwucla.py'), '--root',
                    str(root), '--out', str(out)], check=True, capture_output=True)
    return out


@pytest.mark.parametrize('path', [p for p, _ in documented()],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_documented_commands_run(path: Path, tmp_path: Path, nwucla_pickle: Path,
                                 babel_release: Path) -> None:
    script = []
    for command in shell_blocks(path):
        if command in RUN_ELSEWHERE:
            continue
        if command.startswith(('pip install', 'python -m venv')):
            pytest.skip('installation commands run in tests/test_install.py')
        model_readme = path.parent.parent == REPO / 'configs' / 'skeleton'
        script.append(shrink(run_once(command), short=model_readme))
    repo = make_sandbox(tmp_path)
    (repo / 'data' / 'nwucla').mkdir(parents=True)
    shutil.copy(nwucla_pickle, repo / 'data' / 'nwucla' / 'nwucla_3danno.pkl')
    # the five real NTU samples stand in for the user's full download
    (repo / 'data' / 'nturgbd_raw').symlink_to(SHARED_DATA / 'NTU-RGBD-skeleton-samples' /
                                               'LevelCA')
    (repo / 'data' / 'babel_v1.0_release').symlink_to(babel_release)  # a small test release
    env = dict(os.environ, PATH=f"{tmp_path / 'bin'}:{Path(sys.executable).parent}:"
               f"{os.environ['PATH']}", PYTHONPATH=str(REPO))
    # ports of their own: tests run in parallel (pytest -n), each launcher on a free port
    env.update(PORT=str(free_port()), MASTER_PORT=str(free_port()))
    result = subprocess.run(['bash', '-euo', 'pipefail', '-c', '\n'.join(script)], cwd=repo,
                            env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, (f'a command of {path.name} failed:\n'
                                    f'{result.stdout[-3000:]}\n{result.stderr[-5000:]}')


def test_every_make_target_in_docs_is_run_elsewhere() -> None:
    for path, commands in documented():
        for command in commands:
            if command.startswith('make'):
                assert command in RUN_ELSEWHERE, f'{path.name}: nothing runs {command!r}'
