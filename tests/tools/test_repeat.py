"""tools/dev/repeat.sh: runs a command N times, reports each failing run, counts them."""
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = str(REPO / 'tools' / 'dev' / 'repeat.sh')


def repeat(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(['bash', SCRIPT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, TMPDIR=str(cwd)))


def test_counts_failures_and_keeps_their_output(tmp_path: Path) -> None:
    # fails on its second run only, saying which run it was
    flaky = 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; ' \
            'echo "run number $n"; [ $n -ne 2 ]'
    proc = repeat('3', 'bash', '-c', flaky, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith('run 2 of 3 exited 1; its output: ')
    kept = Path(lines[0].split('its output: ')[1])
    assert kept.read_text() == 'run number 2\n'
    assert '    run number 2' in lines
    assert lines[-1].startswith('repeat: 3 runs, 1 failed, ')
    assert (tmp_path / 'count').read_text() == '3\n'


def test_all_passing_runs_exit_zero(tmp_path: Path) -> None:
    proc = repeat('4', 'true', cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith('repeat: 4 runs, 0 failed, ')


def test_usage(tmp_path: Path) -> None:
    for args in ([], ['3'], ['x', 'true']):
        proc = repeat(*args, cwd=tmp_path)
        assert proc.returncode == 2 and 'usage' in proc.stderr
