"""tools/reproduce.py: the results table, the fusion weights, resume and skip; end to end (slow)
on a tiny budget of real NW-UCLA, against tools/test.py's own numbers."""
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import table_rows  # tests/conftest.py (tests/tools is a package)

from mmskel.evaluation.acc_metric import dump_results
from mmskel.evaluation.fusion import accuracies, align_results, load_result
from .conftest import REPO, Tools, WorkDir

_SPEC = importlib.util.spec_from_file_location('reproduce', REPO / 'tools' / 'reproduce.py')
reproduce = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(reproduce)

CTRGCN = 'configs/skeleton/ctrgcn/'


def test_find_config_per_budget(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert reproduce.find_config('ctrgcn', 'nwucla', 'j', 'cpu') == \
        CTRGCN + 'ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py'
    assert reproduce.find_config('ctrgcn', 'nwucla', 'bm', 'paper') == \
        CTRGCN + 'ctrgcn_65e_nwucla_xview_bone_motion_3d.py'
    with pytest.raises(FileNotFoundError, match=r'stgcn_<E>e_nwucla_xview_bone_3d_cpu\.py .*'
                       r'for --budget cpu, found none'):
        reproduce.find_config('stgcn', 'nwucla', 'b', 'cpu')


def test_find_config_by_name_prefix_or_folder(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    skeleton = 'configs/skeleton/'
    # the prefix of 2s-agcn's configs, and the folder itself
    for model in ('2sagcn', '2s-agcn'):
        assert reproduce.find_config(model, 'nwucla', 'j', 'paper') == \
            skeleton + '2s-agcn/2sagcn_50e_nwucla_xview_keypoint_3d.py'
    # lst holds a config per backbone: a prefix picks one; the folder fits where one config does
    assert reproduce.find_config('lst_ctrgcn', 'nwucla', 'b', 'paper') == \
        skeleton + 'lst/lst_ctrgcn_110e_nwucla_xview_bone_3d.py'
    assert reproduce.find_config('lst', 'nwucla', 'j', 'cpu') == \
        skeleton + 'lst/lst_ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py'
    with pytest.raises(FileNotFoundError, match=r"found \['configs/skeleton/lst/lst_2sagcn_50e_"):
        reproduce.find_config('lst', 'nwucla', 'j', 'paper')
    # a prefix is a whole name part: ctrgcn is not lst_ctrgcn, stgcn not stgcnpp
    assert reproduce.find_config('stgcn', 'nwucla', 'j', 'paper') == \
        skeleton + 'stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py'


def test_find_config_from_another_folder_is_absolute(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = reproduce.find_config('ctrgcn', 'nwucla', 'j', 'cpu')
    assert path == str(REPO / CTRGCN / 'ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py')


def test_stream_state(tmp_path) -> None:
    assert reproduce.stream_state(str(tmp_path)) == 'new'
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert reproduce.stream_state(str(tmp_path)) == 'interrupted'
    (tmp_path / 'trained.json').write_text('{}')
    assert reproduce.stream_state(str(tmp_path)) == 'trained'
    (tmp_path / 'done.json').write_text('{}')
    assert reproduce.stream_state(str(tmp_path)) == 'done'


def fake_train_tool(calls: list, waits: int = 0):
    """A stand-in for subprocess.Popen that records the command and, for tools/train.py, writes
    the checkpoint pointer of a 4-epoch run as the Runner does; it runs ``waits`` waits long."""
    class Process:
        def __init__(self, command):
            calls.append(command)
            self.waits = waits
            work_dir = Path(command[command.index('--work-dir') + 1])
            (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_4.pth'))

        def wait(self, timeout=None):
            if self.waits:
                self.waits -= 1
                time.sleep(timeout)
                raise subprocess.TimeoutExpired('train.py', timeout)
            return 0
    return Process


def test_train_resumes_an_interrupted_stream(tmp_path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(reproduce.subprocess, 'Popen', fake_train_tool(calls))
    run_dir = tmp_path / 'j'
    run_dir.mkdir()
    (run_dir / 'pieces.json').write_text(json.dumps([dict(command='first piece', seconds=30)]))
    (run_dir / 'last_checkpoint').write_text(str(run_dir / 'epoch_2.pth'))
    trained = reproduce.train('cfg.py', str(run_dir), 1, ['train_cfg.max_epochs=4'])
    assert calls[0][1:] == [str(REPO / 'tools' / 'train.py'), 'cfg.py', '--work-dir',
                            str(run_dir), '--seed', '1', '--resume', '--cfg-options',
                            'train_cfg.max_epochs=4']
    assert trained['epochs'] == 4 and trained['checkpoint'] == str(run_dir / 'epoch_4.pth')
    assert trained['train_seconds'] == pytest.approx(30 + trained['commands'][1]['seconds'])
    assert trained['commands'][1]['command'].endswith(
        f'cfg.py --work-dir {run_dir} --seed 1 --resume --cfg-options train_cfg.max_epochs=4')
    assert json.loads((run_dir / 'trained.json').read_text()) == trained


def test_a_running_piece_is_recorded_while_it_runs(tmp_path, monkeypatch) -> None:
    """pieces.json is rewritten while tools/train.py runs, so a driver killed with it (a job
    time limit) leaves the piece's command and time."""
    calls, saved = [], []
    monkeypatch.setattr(reproduce.subprocess, 'Popen', fake_train_tool(calls, waits=2))
    run_dir = tmp_path / 'j'
    run_dir.mkdir()
    pieces = []
    reproduce.run_tool(['train.py', 'cfg.py', '--work-dir', str(run_dir)], pieces,
                       save=lambda: saved.append([dict(p) for p in pieces]), every=0.06)
    assert len(saved) == 2 and saved[0][0]['command'].endswith(f'cfg.py --work-dir {run_dir}')
    assert 0 < saved[0][0]['seconds'] <= saved[1][0]['seconds'] <= pieces[0]['seconds']


def test_train_time_comes_from_the_logs_of_every_piece(tmp_path, monkeypatch) -> None:
    """Each piece lasted from its folder's time stamp to its log's last line, a killed piece
    (no pieces.json entry) included; the test runs' logs, one level down, are not training."""
    def piece(folder: Path, name: str, last: str) -> None:
        (folder / name).mkdir(parents=True)
        (folder / name / f'{name}.log').write_text(
            f'{name[:4]}/{name[4:6]}/{name[6:8]} {name[9:11]}:{name[11:13]}:{name[13:]} - '
            f'mmengine - INFO - \nSystem environment:\n...\n{last} - mmengine - INFO - '
            'Epoch(train) [3][20/64]  lr: 0.1\n')
    run_dir = tmp_path / 'j'
    assert reproduce.logged_train_seconds(str(run_dir)) is None
    piece(run_dir, '20261130_100000', '2026/11/30 10:30:00')  # killed: not in pieces.json
    piece(run_dir, '20261130_235900', '2026/12/01 00:04:30')  # over midnight
    piece(run_dir / 'test_val', '20261201_010000', '2026/12/01 02:00:00')
    assert reproduce.logged_train_seconds(str(run_dir)) == 30 * 60 + 5 * 60 + 30
    assert reproduce.train_seconds(str(run_dir), [dict(seconds=330.0)]) == 2130.0
    assert reproduce.train_seconds(str(tmp_path / 'k'), [dict(seconds=330.0)]) == 330.0


def test_commit_is_dirty_for_changes_outside_the_tables(tmp_path, monkeypatch) -> None:
    """A table rewritten by an earlier run (a tracked file under --out) does not make the next
    run's commit '+dirty'; a changed source file does."""
    def git(*args):
        subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t', *args], cwd=tmp_path,
                       check=True, capture_output=True)
    (tmp_path / 'docs' / 'results').mkdir(parents=True)
    (tmp_path / 'docs' / 'results' / 'table.md').write_text('old')
    (tmp_path / 'code.py').write_text('x = 1')
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'first')
    monkeypatch.setattr(reproduce, 'REPO', str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'docs' / 'results' / 'table.md').write_text('new')
    assert not reproduce.git_commit('docs/results').endswith('+dirty')
    assert reproduce.git_commit(str(tmp_path / 'docs' / 'results')) == \
        reproduce.git_commit('docs/results')
    assert reproduce.git_commit('elsewhere').endswith('+dirty')
    (tmp_path / 'code.py').write_text('x = 2')
    assert reproduce.git_commit('docs/results').endswith('+dirty')


def test_finished_stream_is_skipped(tmp_path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f'ran {args}')
    monkeypatch.setattr(reproduce.subprocess, 'Popen', refuse)
    args = reproduce.parse_args(['--benchmark', 'nwucla', '--model', 'ctrgcn', '--seeds', '3',
                                 '--work-dir', str(tmp_path)])
    run_dir = tmp_path / 'nwucla_ctrgcn_cpu' / 'seed3' / 'j'
    run_dir.mkdir(parents=True)
    checkpoint = str(run_dir / 'epoch_2.pth')
    torch.save(dict(state_dict={'fc.weight': torch.ones(2, 3)}, meta=dict(epoch=2)), checkpoint)
    done = dict(top1=0.5, mean1=0.25, config='configs/x/ctrgcn_30e_a_3d_cpu.py',
                checkpoint=checkpoint)
    (run_dir / 'done.json').write_text(json.dumps(done))
    run = reproduce.run_stream(args, 3, 'j')
    published = Path(run.pop('published'))
    assert run == dict(done, seed=3, stream='j', run_dir=str(run_dir))
    # the checkpoint is published once, weights only, named by its hash; a rerun finds it
    assert published.parent == run_dir / 'published'
    sha = hashlib.sha256(published.read_bytes()).hexdigest()
    assert re.fullmatch(f'ctrgcn_30e_a_3d_cpu_seed3_\\d{{8}}-{sha[:8]}\\.pth', published.name)
    assert torch.equal(torch.load(published)['state_dict']['fc.weight'], torch.ones(2, 3))
    assert reproduce.run_stream(args, 3, 'j')['published'] == str(published)
    assert len(list(published.parent.iterdir())) == 1


def write_stream(run_dir: Path, val: np.ndarray, train: np.ndarray, order=None) -> dict:
    """Result files of one stream: val and train scores [N, 3], labels 0, 1, 2, 0, 1, 2..."""
    run_dir.mkdir(parents=True)
    for split, scores in (('val', val), ('train', train)):
        ids = [f'{split}{i}' for i in range(len(scores))]
        labels = np.arange(len(scores)) % 3
        order = np.arange(len(scores)) if order is None else order
        dump_results(str(run_dir / f'{split}.pkl'), [ids[i] for i in order], scores[order],
                     labels[order])
    return dict(seed=0, run_dir=str(run_dir), stream=run_dir.name)


def test_fuse_searches_weights_on_train_and_reports_paper_weights(tmp_path) -> None:
    # 6 samples, labels 0 1 2 0 1 2. On train, j is right on samples 0-3 (margin 2), b on 4-5
    # (margin 3): 4 of 6 need 2 w_j > 3 w_b, the search must find such weights.
    eye = np.eye(3)[np.arange(6) % 3]
    wrong = np.eye(3)[(np.arange(6) + 1) % 3]
    j_train = np.where(np.arange(6)[:, None] < 4, eye, wrong) * 2
    b_train = np.where(np.arange(6)[:, None] < 4, wrong, eye) * 3
    # on val, j is right on all but sample 5, b only on 5 (with a margin the paper weights
    # 0.6 / 0.6 let win)
    j_val = np.where(np.arange(6)[:, None] < 5, eye, wrong)
    b_val = np.where(np.arange(6)[:, None] < 5, wrong * 0.5, eye * 3)
    runs = [write_stream(tmp_path / 'j', j_val, j_train),
            write_stream(tmp_path / 'b', b_val, b_train, order=[5, 4, 3, 2, 1, 0])]
    paper, searched = reproduce.fuse(runs)
    assert paper['weights'] == [0.6, 0.6] and paper['weights_from'] == 'paper weights'
    # paper: samples 0-4 j (0.6) beats b's 0.3 on the wrong class; sample 5 b wins
    assert paper['top1'] == pytest.approx(1.0)
    assert searched['weights_from'] == 'weights searched on train'
    w_j, w_b = searched['weights']
    assert 2 * w_j > 3 * w_b
    fused = w_j * j_val + w_b * b_val
    expected = accuracies(fused, np.arange(6) % 3)
    assert searched['top1'] == pytest.approx(expected['top1'])
    assert searched['mean1'] == pytest.approx(expected['mean1'])
    assert searched['stream'] == 'j+b' and searched['samples'] == 6


def test_fuse_keeps_equal_weights_when_train_cannot_tell(tmp_path) -> None:
    # every stream right on every train sample (a model fits its training set): all weights tie
    eye = np.eye(3)[np.arange(6) % 3]
    runs = [write_stream(tmp_path / s, eye * (1 + k), eye * (1 + k))
            for k, s in enumerate(('j', 'b', 'jm'))]
    assert reproduce.fuse(runs)[1]['weights'] == [1.0, 1.0, 1.0]


def table_of(top1: float) -> dict:
    command = dict(command='python tools/train.py cfg.py --work-dir w --seed 0', seconds=61.0)
    stream = dict(seed=0, stream='j', config='cfg.py', top1=top1, mean1=0.5, epochs=2,
                  train_seconds=120.0, test_seconds=30.0, checkpoint='w/epoch_2.pth',
                  published='w/published/cfg_seed0_20261130-0123abcd.pth', commands=[command])
    fusion = dict(seed=0, stream='j+b', weights_from='paper weights', weights=[0.6, 0.6],
                  top1=0.75, mean1=0.7, samples=8)
    return dict(benchmark='nwucla', model='ctrgcn', budget='cpu', command='python x',
                machine=dict(cpu='Some CPU', cores=2, torch_threads=2, torch='2.13.0',
                             python='3.11.7'),
                git_commit='abc', streams=[stream], fusions=[fusion], mean_top1=dict(j=top1))


def test_write_table(tmp_path) -> None:
    out = tmp_path / 'results'
    paths = reproduce.write_table(table_of(0.625), str(out))
    assert paths == [str(out / 'nwucla_ctrgcn_cpu.md'), str(out / 'nwucla_ctrgcn_cpu.json')]
    assert json.loads(Path(paths[1]).read_text()) == table_of(0.625)
    text = Path(paths[0]).read_text()
    rows = table_rows(text)
    assert rows['j'] == ['0', '62.50', '50.00', '2', '2.0', '0.5', '`cfg.py`',
                         '`cfg_seed0_20261130-0123abcd.pth`']
    assert rows['j+b fused (paper weights: 0.6 0.6)'] == ['0', '75.00', '70.00', '', '', '', '',
                                                          '']
    assert 'Machine: Some CPU, 2 cores (2 torch threads), torch 2.13.0' in text
    on_gpu = dict(table_of(0.625), machine=dict(table_of(0.625)['machine'], gpu='Some GPU'))
    reproduce.write_table(on_gpu, str(tmp_path / 'gpu'))
    assert ('Machine: Some CPU, 2 cores (2 torch threads), GPU Some GPU, torch 2.13.0'
            in (tmp_path / 'gpu' / 'nwucla_ctrgcn_cpu.md').read_text())
    assert 'python tools/train.py cfg.py --work-dir w --seed 0  # 61 s' in text
    reproduce.write_table(table_of(0.5), str(out))  # rewritten in place, no temp files left
    names = sorted(p.name for p in out.iterdir())
    assert names == ['nwucla_ctrgcn_cpu.json', 'nwucla_ctrgcn_cpu.md']
    assert json.loads(Path(paths[1]).read_text())['streams'][0]['top1'] == 0.5


def test_missing_config_stops_before_training(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit, match='stgcn_<E>e_nwucla_xview_keypoint_3d_cpu.py'):
        reproduce.main(['--benchmark', 'nwucla', '--model', 'stgcn', '--work-dir',
                        str(tmp_path / 'w'), '--out', str(tmp_path / 'out')])
    assert not (tmp_path / 'w').exists() and not (tmp_path / 'out').exists()


@pytest.mark.slow
def test_reproduce_end_to_end_and_resume(tools: Tools, tmp_path: Path) -> None:
    options = tools.options(max_epochs=1)  # CTR-GCN 16 channels wide, a class-balanced subset
    command = [sys.executable, str(REPO / 'tools' / 'reproduce.py'), '--benchmark', 'nwucla',
               '--model', 'ctrgcn', '--streams', 'j', 'b', '--work-dir', str(tmp_path / 'w'),
               '--out', str(tmp_path / 'out'), '--cfg-options', *options]

    def run() -> subprocess.CompletedProcess:
        proc = subprocess.run(command, cwd=tmp_path, env=tools.env(), capture_output=True,
                              text=True, timeout=900)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        return proc

    assert 'seed 0 stream j: new' in run().stdout
    table = json.loads((tmp_path / 'out' / 'nwucla_ctrgcn_cpu.json').read_text())
    run_dirs = {s: tmp_path / 'w' / 'nwucla_ctrgcn_cpu' / 'seed0' / s for s in ('j', 'b')}
    results = {s: load_result(str(d / 'val.pkl')) for s, d in run_dirs.items()}
    for row in table['streams']:
        # the table's numbers are tools/test.py's, recomputed from its --out file
        logged = WorkDir(run_dirs[row['stream']] / 'test_val').test_metrics()
        assert row['top1'] == pytest.approx(logged['acc/top1'], abs=1e-4)
        assert row['mean1'] == pytest.approx(logged['acc/mean1'], abs=1e-4)
        result = results[row['stream']]
        assert len(result.ids) == len(tools.data.val_indices)
        assert row['top1'] == pytest.approx(accuracies(result.scores, result.labels)['top1'])
        stream = reproduce.STREAMS[row['stream']]
        assert row['epochs'] == 1 and row['config'].endswith(f'_{stream}_3d_cpu.py')
    _, scores, labels, _ = align_results([results['j'], results['b']])
    for fusion in table['fusions']:
        fused = sum(w * s for w, s in zip(fusion['weights'], scores))
        assert fusion['top1'] == pytest.approx(accuracies(fused, labels)['top1'])
    assert [f['weights'] for f in table['fusions']][0] == [0.6, 0.6]
    assert (tmp_path / 'out' / 'nwucla_ctrgcn_cpu.md').read_text().count('tools/test.py') == 4
    for row in table['streams']:  # published: the checkpoint's weights, under their hash
        published = Path(row['published'])
        sha = hashlib.sha256(published.read_bytes()).hexdigest()
        assert published.name.endswith(f'-{sha[:8]}.pth')
        weights = torch.load(published, weights_only=True)['state_dict']
        trained = torch.load(row['checkpoint'], weights_only=False)['state_dict']
        assert weights.keys() == trained.keys()
        assert all(torch.equal(weights[k], trained[k]) for k in weights)

    # a second run skips both streams: no training, the same table
    checkpoint = Path(table['streams'][1]['checkpoint'])
    if not checkpoint.is_absolute():
        checkpoint = tmp_path / checkpoint
    stamp = checkpoint.stat().st_mtime_ns
    second = run()
    assert 'stream j: done' in second.stdout and 'stream b: done' in second.stdout
    assert len(WorkDir(run_dirs['b']).runs()) == 1
    assert json.loads((tmp_path / 'out' / 'nwucla_ctrgcn_cpu.json').read_text())['streams'] == \
        table['streams']
    # an interrupted stream (checkpoint, no marker) resumes from it instead of training again
    (run_dirs['b'] / 'done.json').unlink()
    (run_dirs['b'] / 'trained.json').unlink()
    third = run()
    assert 'stream j: done' in third.stdout and 'stream b: interrupted' in third.stdout
    assert checkpoint.stat().st_mtime_ns == stamp
    resumed_log = WorkDir(run_dirs['b']).log()
    assert 'resumed epoch: 1' in resumed_log and 'Epoch(train)' not in resumed_log
    pieces = json.loads((run_dirs['b'] / 'pieces.json').read_text())
    assert [p['command'].endswith(' --resume') or ' --resume ' in p['command']
            for p in pieces] == [False, True]
    row = json.loads((tmp_path / 'out' / 'nwucla_ctrgcn_cpu.json').read_text())['streams'][1]
    assert row['top1'] == table['streams'][1]['top1'] and row['epochs'] == 1
