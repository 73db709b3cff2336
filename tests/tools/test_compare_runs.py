"""tools/analysis/compare_runs.py: arms of reproduce.py tables compared seed by seed, its errors,
and the comparison in docs/lst.md, which must be what the tool prints from the committed tables."""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

_SPEC = importlib.util.spec_from_file_location(
    'compare_runs', REPO / 'tools' / 'analysis' / 'compare_runs.py')
compare_runs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(compare_runs)


def write_table(path: Path, runs, command: str = 'python tools/reproduce.py --seeds 0') -> str:
    """A reproduce.py-shaped table of ``runs`` (seed, top-1, mean-class) for stream j."""
    streams = [dict(seed=s, stream='j', top1=t, mean1=m, train_seconds=600.0 * (s + 1),
                    config='configs/x.py') for s, t, m in runs]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(streams=streams, fusions=[], command=command,
                                    git_commit='abc123')))
    return str(path)


def test_arms_compared_seed_by_seed(tmp_path: Path) -> None:
    ce = [write_table(tmp_path / 'ce0.json', [(0, 0.80, 0.79)]),
          write_table(tmp_path / 'ce1.json', [(1, 0.82, 0.80)])]
    lst = [write_table(tmp_path / 'lst.json', [(0, 0.86, 0.85), (1, 0.84, 0.83)])]
    rows = compare_runs.rows(compare_runs.collect(compare_runs.load_arms(
        [['ce', *ce], ['lst', *lst]])))
    assert [(r['arm'], r['stream'], r['seeds']) for r in rows] == [('ce', 'j', [0, 1]),
                                                                   ('lst', 'j', [0, 1])]
    assert rows[0]['top1'] == pytest.approx([80.0, 82.0])
    assert rows[0]['top1_mean'] == pytest.approx(81.0)
    assert rows[0]['mean1_mean'] == pytest.approx(79.5)
    assert rows[0]['train_minutes'] == pytest.approx(15.0)  # 10 and 20 minutes
    assert rows[0]['delta'] is None
    assert rows[1]['delta'] == pytest.approx(4.0)  # (6 + 2) / 2, seed for seed
    assert rows[1]['delta_seeds'] == [0, 1]


def test_difference_only_on_shared_seeds(tmp_path: Path) -> None:
    ce = write_table(tmp_path / 'ce.json', [(0, 0.80, 0.8), (1, 0.70, 0.7)])
    lst = write_table(tmp_path / 'lst.json', [(0, 0.83, 0.8), (2, 0.99, 0.9)])
    other = write_table(tmp_path / 'other.json', [(3, 0.5, 0.5)])
    arms = compare_runs.load_arms([['ce', ce], ['lst', lst], ['x', other]])
    rows = compare_runs.rows(compare_runs.collect(arms))
    assert rows[1]['delta'] == pytest.approx(3.0)  # seed 0 only, not 91.0 - 75.0
    assert rows[1]['delta_seeds'] == [0]
    assert rows[2]['delta'] is None and rows[2]['delta_seeds'] == []
    page = compare_runs.markdown(rows, arms)
    assert '| +3.00 (0) |' in page


def test_cli_prints_and_writes_the_page(tmp_path: Path) -> None:
    ce = write_table(tmp_path / 'ce.json', [(0, 0.80, 0.79)], 'python tools/reproduce.py --ce')
    lst = write_table(tmp_path / 'lst.json', [(0, 0.835, 0.83)])
    out = tmp_path / 'page' / 'comparison.md'
    result = subprocess.run([sys.executable, str(REPO / 'tools/analysis/compare_runs.py'),
                             '--arm', 'ce', ce, '--arm', 'lst', lst, '--out', str(out)],
                            capture_output=True, text=True, check=True)
    page = out.read_text()
    assert page in result.stdout
    assert '| ce | j | 0 | 80.00 | 80.00 | 79.00 | 79.00 |  | 10.0 |' in page
    assert '| lst | j | 0 | 83.50 | 83.50 | 83.00 | 83.00 | +3.50 (0) | 10.0 |' in page
    assert '| top-1 vs ce (on seeds) |' in page
    assert f'# ce: {ce} (commit abc123)\npython tools/reproduce.py --ce' in page


def test_errors_name_the_file_run_and_field(tmp_path: Path) -> None:
    first = write_table(tmp_path / 'a.json', [(0, 0.8, 0.8)])
    again = write_table(tmp_path / 'b.json', [(0, 0.7, 0.7)])
    with pytest.raises(ValueError, match=rf'arm ce: stream j seed 0 is in both {first} and '
                       rf'{again}'):
        compare_runs.collect(compare_runs.load_arms([['ce', first, again]]))
    broken = tmp_path / 'broken.json'
    broken.write_text(json.dumps(dict(streams=[dict(seed=0, stream='j', top1=0.5)])))
    with pytest.raises(ValueError, match=rf"{broken}: run 0 of 'streams' has no field 'mean1'"):
        compare_runs.load_table(str(broken))
    listed = tmp_path / 'list.json'
    listed.write_text('[]')
    with pytest.raises(ValueError, match=rf'{listed}: expected a reproduce.py results table'):
        compare_runs.load_table(str(listed))
    with pytest.raises(SystemExit, match=r'no_such\.json'):
        compare_runs.main(['--arm', 'ce', str(tmp_path / 'no_such.json')])


def test_an_arm_needs_tables_and_its_own_name(tmp_path: Path, capsys) -> None:
    table = write_table(tmp_path / 'a.json', [(0, 0.8, 0.8)])
    with pytest.raises(SystemExit):
        compare_runs.parse_args(['--arm', 'ce'])
    assert 'expected a name and at least one table' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        compare_runs.parse_args(['--arm', 'ce', table, '--arm', 'ce', table])
    assert 'arm names must differ' in capsys.readouterr().err


def test_docs_lst_comparison_is_the_tools_output_of_the_committed_tables() -> None:
    """The table of docs/lst.md's NW-UCLA comparison is regenerated from the tables under
    docs/results/lst_arms with the command the page gives: its figures are measured ones."""
    page = (REPO / 'docs' / 'lst.md').read_text()
    commands = re.findall(r'^python tools/analysis/compare_runs\.py .*$', page, flags=re.M)
    assert len(commands) == 1, 'docs/lst.md gives one compare_runs.py command'
    argv = commands[0].split()[2:]
    assert all((REPO / a).is_file() for a in argv if a.endswith('.json'))
    result = subprocess.run([sys.executable, str(REPO / 'tools/analysis/compare_runs.py'),
                             *argv], capture_output=True, text=True, check=True, cwd=REPO)
    table = [line for line in result.stdout.splitlines() if line.startswith('|')]
    assert len(table) >= 4  # header, rule, and a row per arm
    assert '\n'.join(table) in page
