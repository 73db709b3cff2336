"""tools/dist_*.sh and tools/slurm_*.sh: the commands they build, and real 2-process runs with
gloo on the CPU (torchrun, and srun mimicked by a stand-in that starts the tasks locally)."""
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Optional

import numpy as np
import pytest
from conftest import free_port

from .conftest import CONFIG, REPO, WorkDir

SCRIPTS = ('dist_train.sh', 'dist_test.sh', 'slurm_train.sh', 'slurm_test.sh')

# Stand-ins for commands on PATH: they print the arguments they were given, one per line.
ECHO_ARGS = '#!/usr/bin/env bash\necho "PYTHONPATH=$PYTHONPATH"\nprintf "%s\\n" "$0" "$@"\n'

# A local `srun`: starts --ntasks copies of the command with SLURM's variables set.
FAKE_SRUN = r'''#!/usr/bin/env bash
ntasks=1
while [ $# -gt 0 ]; do
    case $1 in
        -p) shift 2 ;;
        --ntasks=*) ntasks=${1#--ntasks=}; shift ;;
        -*) shift ;;
        *) break ;;
    esac
done
pids=()
for ((i = 0; i < ntasks; i++)); do
    SLURM_PROCID=$i SLURM_LOCALID=$i SLURM_NTASKS=$ntasks SLURM_NODELIST=node-[1] "$@" &
    pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
exit $rc
'''
FAKE_SCONTROL = '#!/usr/bin/env bash\necho 127.0.0.1\n'


def fake_bin(folder: Path, **scripts: str) -> Path:
    """A folder of executable stand-ins, named by the keyword arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in scripts.items():
        path = folder / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def env_with(tools, bin_dir: Optional[Path] = None, **variables: str) -> dict:
    """The tools' environment, with ``bin_dir`` first on PATH and ``variables`` set."""
    env = tools.env()
    if bin_dir is not None:
        env['PATH'] = f'{bin_dir}{os.pathsep}{env["PATH"]}'
    env.update(variables)
    return env


def echoed(proc) -> list:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize('script', SCRIPTS)
def test_scripts_are_executable_and_print_usage(tools, script, tmp_path):
    path = REPO / 'tools' / script
    assert os.access(path, os.X_OK)
    proc = tools.run([f'tools/{script}'], cwd=tmp_path, check=False)
    assert proc.returncode == 2 and 'usage' in proc.stderr


def test_dist_train_builds_the_torchrun_command(tools, tmp_path):
    bin_dir = fake_bin(tmp_path / 'bin', python=ECHO_ARGS)
    env = env_with(tools, bin_dir, NNODES='2', NODE_RANK='1', PORT='29999',
                   MASTER_ADDR='10.0.0.1', PYTHONPATH='/elsewhere')
    lines = echoed(tools.run(['tools/dist_train.sh', 'my config.py', '4', '--validate',
                              '--cfg-options', 'a=1'], cwd=tmp_path, env=env))
    assert lines[0] == f'PYTHONPATH={REPO}:/elsewhere'
    assert lines[1:] == [
        str(bin_dir / 'python'), '-m', 'torch.distributed.run', '--nnodes=2', '--node_rank=1',
        '--master_addr=10.0.0.1', '--master_port=29999', '--nproc_per_node=4',
        str(REPO / 'tools' / 'train.py'), 'my config.py', '--launcher', 'pytorch', '--validate',
        '--cfg-options', 'a=1']


def test_dist_test_builds_the_torchrun_command_with_defaults(tools, tmp_path):
    bin_dir = fake_bin(tmp_path / 'bin', python=ECHO_ARGS)
    env = env_with(tools, bin_dir)
    for name in ('NNODES', 'NODE_RANK', 'PORT', 'MASTER_ADDR', 'PYTHONPATH'):
        env.pop(name, None)
    lines = echoed(tools.run(['tools/dist_test.sh', 'cfg.py', 'ckpt.pth', '2', '--out', 'r.pkl'],
                             cwd=tmp_path, env=env))
    assert lines[0] == f'PYTHONPATH={REPO}'
    assert lines[2:] == [
        '-m', 'torch.distributed.run', '--nnodes=1', '--node_rank=0', '--master_addr=127.0.0.1',
        '--master_port=29500', '--nproc_per_node=2', str(REPO / 'tools' / 'test.py'), 'cfg.py',
        'ckpt.pth', '--launcher', 'pytorch', '--out', 'r.pkl']


@pytest.mark.parametrize('work_dir', [None, 'wd'])
def test_slurm_train_builds_the_srun_command(tools, tmp_path, work_dir):
    bin_dir = fake_bin(tmp_path / 'bin', srun=ECHO_ARGS)
    env = env_with(tools, bin_dir, GPUS='16', GPUS_PER_NODE='8', CPUS_PER_TASK='4',
                   SRUN_ARGS='--quotatype=auto --time=1:00:00')
    env.pop('PYTHONPATH')
    args = ['tools/slurm_train.sh', 'part', 'job', 'cfg.py'] + ([work_dir] if work_dir else [])
    lines = echoed(tools.run(args + ['--validate', '--seed', '0'], cwd=tmp_path, env=env))
    assert lines[0] == f'PYTHONPATH={REPO}'
    assert lines[2:] == [
        '-p', 'part', '--job-name=job', '--gres=gpu:8', '--ntasks=16', '--ntasks-per-node=8',
        '--cpus-per-task=4', '--kill-on-bad-exit=1', '--quotatype=auto', '--time=1:00:00',
        'python', '-u', str(REPO / 'tools' / 'train.py'), 'cfg.py',
        *(['--work-dir', 'wd'] if work_dir else []), '--launcher', 'slurm', '--validate',
        '--seed', '0']


def test_slurm_test_builds_the_srun_command(tools, tmp_path):
    bin_dir = fake_bin(tmp_path / 'bin', srun=ECHO_ARGS)
    env = env_with(tools, bin_dir)
    for name in ('GPUS', 'GPUS_PER_NODE', 'CPUS_PER_TASK', 'SRUN_ARGS'):
        env.pop(name, None)
    lines = echoed(tools.run(['tools/slurm_test.sh', 'part', 'job', 'cfg.py', 'ckpt.pth',
                              '--out', 'r.pkl'], cwd=tmp_path, env=env))
    assert lines[2:] == [
        '-p', 'part', '--job-name=job', '--gres=gpu:8', '--ntasks=8', '--ntasks-per-node=8',
        '--cpus-per-task=5', '--kill-on-bad-exit=1', 'python', '-u',
        str(REPO / 'tools' / 'test.py'), 'cfg.py', 'ckpt.pth', '--launcher', 'slurm', '--out',
        'r.pkl']


@pytest.fixture(scope='module')
def ddp_trained(tools, tmp_path_factory) -> WorkDir:
    """``bash tools/dist_train.sh CONFIG 2 --validate ...``: 1 epoch on 2 processes."""
    work_dir = tmp_path_factory.mktemp('ddp') / 'work_dir'
    env = env_with(tools, PORT=str(free_port()))
    tools.run(['tools/dist_train.sh', CONFIG, '2', '--work-dir', work_dir, '--validate',
               '--seed', '0', '--cfg-options', *tools.options(max_epochs=1)],
              cwd=work_dir.parent, env=env)
    return WorkDir(work_dir)


def test_dist_train_runs_two_gloo_processes(ddp_trained):
    log = ddp_trained.log()
    assert 'Distributed launcher: pytorch' in log and 'Distributed training: True' in log
    assert 'GPU number: 2' in log  # mmengine's name for the world size
    assert "dist_cfg: {'backend': 'gloo'}" in log
    # 40 samples over 2 processes at batch 8: 3 iterations each, not 5
    assert [r['step'] for r in ddp_trained.train_records()] == [1, 2, 3]
    assert ddp_trained.val_top1().keys() == {1}
    # one process wrote the logs and the checkpoint
    assert len(ddp_trained.runs()) == 1
    assert log.count('Saving checkpoint at 1 epochs') == 1
    assert {p.name for p in ddp_trained.path.glob('*.pth')} == {
        'epoch_1.pth', 'best_acc_top1_epoch_1.pth'}
    assert (ddp_trained.path / 'last_checkpoint').read_text().strip() == str(
        ddp_trained.path / 'epoch_1.pth')


def load_result(path: Path) -> dict:
    with open(path, 'rb') as f:
        return pickle.load(f)


def top1(result: dict) -> float:
    return float((result['scores'].argmax(1) == result['labels']).mean())


@pytest.fixture(scope='module')
def single_tested(tools, ddp_trained, tmp_path_factory) -> dict:
    """The DDP checkpoint tested by one process."""
    folder = tmp_path_factory.mktemp('single')
    tools.test(ddp_trained.path / 'epoch_1.pth', folder / 'work_dir', '--out',
               folder / 'result.pkl')
    return load_result(folder / 'result.pkl')


def test_ddp_validation_equals_single_process_evaluation(tools, ddp_trained, single_tested):
    # 21 val samples on 2 processes: the sampler pads to 22, and the gathered results must
    # drop the padding and keep the dataset order
    assert single_tested['frame_dir'] == [tools.data.ids['val'][i]
                                          for i in tools.data.val_indices]
    assert len(single_tested['frame_dir']) % 2 == 1
    assert top1(single_tested) == pytest.approx(ddp_trained.val_top1()[1], abs=1e-9)


def test_dist_test_equals_single_process_test(tools, ddp_trained, single_tested, tmp_path):
    env = env_with(tools, PORT=str(free_port()))
    tools.run(['tools/dist_test.sh', CONFIG, ddp_trained.path / 'epoch_1.pth', '2',
               '--work-dir', tmp_path / 'work_dir', '--out', tmp_path / 'result.pkl',
               '--dump', tmp_path / 'dump.pkl', '--cfg-options', *tools.options()],
              cwd=tmp_path, env=env)
    result = load_result(tmp_path / 'result.pkl')
    assert result['frame_dir'] == single_tested['frame_dir']
    assert [d['frame_dir'] for d in load_result(tmp_path / 'dump.pkl')] == result['frame_dir']
    np.testing.assert_array_equal(result['labels'], single_tested['labels'])
    np.testing.assert_allclose(result['scores'], single_tested['scores'], rtol=1e-5, atol=1e-6)
    assert top1(result) == top1(single_tested)
    assert WorkDir(tmp_path / 'work_dir').test_metrics()['acc/top1'] == pytest.approx(
        top1(single_tested))


# Runs a tool's main() under torchrun, then writes the number of gloo threads still alive in
# that rank to gloo_threads_<rank> (a file each: the ranks' prints would interleave). A thread
# that was joined can stay listed in /proc for a moment while the kernel reaps it (seen once on a
# loaded machine), so the count is taken again for up to 5 s; a thread never joined stays listed.
AFTER_MAIN = '''import os, runpy, sys, time
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0])['main']()

def gloo_threads():
    count = 0
    for task in os.listdir('/proc/self/task'):
        try:
            count += 'gloo' in open(f'/proc/self/task/{task}/comm').read()
        except OSError:  # reaped while listed
            pass
    return count

deadline = time.monotonic() + 5
while gloo_threads() and time.monotonic() < deadline:
    time.sleep(0.05)
with open(f"gloo_threads_{os.environ['RANK']}", 'w') as f:
    f.write(str(gloo_threads()))
'''


@pytest.mark.skipif(not Path('/proc/self/task').is_dir(), reason='needs Linux /proc')
@pytest.mark.parametrize('tool', ['train', 'test'])
def test_tools_join_gloo_threads_before_exit(tools, ddp_trained, tmp_path, tool):
    # A gloo backend still alive when the interpreter exits can abort the process after the
    # work is done; the tools must have joined its threads by the end of main().
    script = tmp_path / 'after_main.py'
    script.write_text(AFTER_MAIN)
    args = [CONFIG, '--work-dir', tmp_path / 'work_dir', '--launcher', 'pytorch',
            '--cfg-options', *tools.options(max_epochs=1)]
    if tool == 'test':
        args.insert(1, ddp_trained.path / 'epoch_1.pth')
    tools.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
               f'--master_port={free_port()}', script, REPO / 'tools' / f'{tool}.py', *args],
              cwd=tmp_path)
    assert [(tmp_path / f'gloo_threads_{rank}').read_text() for rank in (0, 1)] == ['0', '0']


@pytest.mark.slow
def test_slurm_train_runs_two_gloo_processes(tools, tmp_path):
    # srun is mimicked locally; MASTER_ADDR comes from `scontrol show hostname` as on a cluster
    bin_dir = fake_bin(tmp_path / 'bin', srun=FAKE_SRUN, scontrol=FAKE_SCONTROL)
    env = env_with(tools, bin_dir, GPUS='2', GPUS_PER_NODE='2', CPUS_PER_TASK='1',
                   MASTER_PORT=str(free_port()))
    tools.run(['tools/slurm_train.sh', 'part', 'job', CONFIG, tmp_path / 'work_dir',
               '--validate', '--cfg-options', *tools.options(max_epochs=1)],
              cwd=tmp_path, env=env)
    work_dir = WorkDir(tmp_path / 'work_dir')
    assert 'Distributed launcher: slurm' in work_dir.log()
    assert 'GPU number: 2' in work_dir.log()
    assert [r['step'] for r in work_dir.train_records()] == [1, 2, 3]
    assert (work_dir.path / 'epoch_1.pth').is_file()
