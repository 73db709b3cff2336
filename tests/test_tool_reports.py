"""What tools/misc/print_config.py and tools/test.py tell the user beside their main output."""
import argparse
import ast
import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'


def test_print_config_shows_the_rescaled_schedule_and_says_so_on_stderr(monkeypatch,
                                                                        capsys) -> None:
    monkeypatch.setattr(sys, 'argv', [
        'print_config.py', str(CONFIG), '--key', 'param_scheduler', '--cfg-options',
        'train_cfg.max_epochs=10', 'clip_len=64'])
    runpy.run_path(str(REPO / 'tools' / 'misc' / 'print_config.py'), run_name='__main__')
    out, err = capsys.readouterr()
    schedule = ast.literal_eval(out)  # stdout holds the entry alone
    assert [(s['type'], s['begin'], s['end']) for s in schedule] == [
        ('LinearLR', 0, 1), ('CosineAnnealingLR', 1, 10)]
    assert err.splitlines() == [
        'clip_len = 64, not 52 as the dataset base wrote it: every entry named clip_len that '
        'held 52 now holds 64',
        'param_scheduler written for 50 epochs rescaled to train_cfg.max_epochs=10 (x0.2): '
        'LinearLR end 5 -> 1; CosineAnnealingLR begin 5 -> 1, end 50 -> 10, T_max 45 -> 9']


def test_test_tool_says_where_it_wrote_out_and_dump(tmp_path, monkeypatch, capsys) -> None:
    tool = runpy.run_path(str(REPO / 'tools' / 'test.py'), run_name='tools_test')
    (tmp_path / 'result.pkl').write_bytes(b'scores')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv('RANK', raising=False)
    tool['report_outputs'](argparse.Namespace(out='result.pkl', dump=None))
    assert capsys.readouterr().out == (
        f'wrote per-sample scores, labels and ids to {tmp_path / "result.pkl"}\n')
    tool['report_outputs'](argparse.Namespace(out='result.pkl', dump='missing.pkl'))
    assert 'missing.pkl' not in capsys.readouterr().out  # only files that were written
    monkeypatch.setenv('RANK', '1')  # the other processes of a distributed test stay quiet
    tool['report_outputs'](argparse.Namespace(out='result.pkl', dump=None))
    assert capsys.readouterr().out == ''
