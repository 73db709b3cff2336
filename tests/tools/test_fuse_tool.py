"""tools/analysis/fuse.py on three streams (joint, bone, joint motion) that tools/test.py wrote
from the checkpoint of a real NW-UCLA run."""
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict

import numpy as np
import pytest

from mmskel.evaluation.functional import mean_class_accuracy, top_k_accuracy
from .conftest import REPO, Tools, WorkDir

STREAMS = ('j', 'b', 'jm')


@pytest.fixture(scope='module')
def streams(tools, trained, tmp_path_factory) -> Dict[str, Path]:
    """Stream name -> the result file tools/test.py --out wrote with that feature stream."""
    folder = tmp_path_factory.mktemp('streams')
    paths = {}
    for stream in STREAMS:
        paths[stream] = folder / f'{stream}.pkl'
        tools.test(trained.path / 'epoch_2.pth', folder / f'work_dir_{stream}', '--out',
                   paths[stream], '--cfg-options',
                   f'test_dataloader.dataset.pipeline.feats.feats=[{stream}]')
    return paths


def fuse(*args, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(REPO / 'tools/analysis/fuse.py'),
                           *map(str, args)], env=Tools.env(), capture_output=True, text=True,
                          timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def tables(stdout: str) -> list:
    """Each printed table as {row name: (top1, top5, mean1)} in %, in print order."""
    found = []
    for block in stdout.split('stream ')[1:]:
        rows = {}
        for line in block.splitlines()[1:]:
            match = re.match(r'(\S+)\s+(?:[\d.]+\s+)?([\d.]+)\s+([\d.]+)\s+([\d.]+)$', line)
            if not match:
                break
            rows[match.group(1)] = tuple(float(v) for v in match.groups()[1:])
        found.append(rows)
    return found


def load(path: Path) -> dict:
    with open(path, 'rb') as f:
        return pickle.load(f)


def by_id(result: dict) -> Dict[str, np.ndarray]:
    return dict(zip(result['frame_dir'], result['scores']))


def test_streams_differ_and_were_tested_on_the_same_samples(streams):
    results = [load(streams[s]) for s in STREAMS]
    assert all(r['frame_dir'] == results[0]['frame_dir'] for r in results)
    assert not np.allclose(results[0]['scores'], results[1]['scores'])
    assert not np.allclose(results[0]['scores'], results[2]['scores'])


def test_fusion_of_three_real_streams(streams, tmp_path):
    out = tmp_path / 'fused.pkl'
    proc = fuse('--results', *(streams[s] for s in STREAMS), '--weights', 2, 2, 1, '--out', out)
    table, = tables(proc.stdout)
    results = {s: load(streams[s]) for s in STREAMS}
    # each input's row is what tools/test.py logged for it
    for stream in STREAMS:
        metrics = WorkDir(streams[stream].parent / f'work_dir_{stream}').test_metrics()
        top1, top5, mean1 = table[str(streams[stream])]
        assert top1 == pytest.approx(100 * metrics['acc/top1'], abs=0.006)
        assert top5 == pytest.approx(100 * metrics['acc/top5'], abs=0.006)
        assert mean1 == pytest.approx(100 * metrics['acc/mean1'], abs=0.006)
    fused = load(out)
    labels = results['j']['labels']
    expected = sum(w * results[s]['scores'].astype(np.float64)
                   for w, s in zip((2, 2, 1), STREAMS))
    assert fused['frame_dir'] == results['j']['frame_dir']
    assert fused['classes'] == results['j']['classes']
    np.testing.assert_array_equal(fused['labels'], labels)
    assert fused['scores'].dtype == np.float32
    np.testing.assert_allclose(fused['scores'], expected, rtol=1e-5, atol=1e-5)
    top1, top5 = top_k_accuracy(expected, labels, (1, 5))
    assert table['fusion'] == pytest.approx(
        (100 * top1, 100 * top5, 100 * mean_class_accuracy(expected, labels)), abs=0.006)


def test_shuffled_sample_order_gives_identical_fusion(streams, tmp_path):
    bone = load(streams['b'])
    order = np.random.default_rng(1).permutation(len(bone['frame_dir']))
    assert (order != np.arange(len(order))).any()
    shuffled = dict(bone, frame_dir=[bone['frame_dir'][i] for i in order],
                    scores=bone['scores'][order], labels=bone['labels'][order])
    shuffled_path = tmp_path / 'b.pkl'
    with open(shuffled_path, 'wb') as f:
        pickle.dump(shuffled, f)
    args = ('--weights', 2, 2, 1, '--softmax', '--search', '--seed', 3)
    plain = fuse('--results', streams['j'], streams['b'], streams['jm'], *args,
                 '--out', tmp_path / 'plain.pkl')
    mixed = fuse('--results', streams['j'], shuffled_path, streams['jm'], *args,
                 '--out', tmp_path / 'mixed.pkl')
    # the same numbers in every table (rows keyed by base name), and the same weights found
    named = [{Path(k).name: v for k, v in t.items()} for t in tables(plain.stdout)]
    assert len(named) == 3 and named[0]['b.pkl'] and named[0]['fusion']
    assert [{Path(k).name: v for k, v in t.items()} for t in tables(mixed.stdout)] == named
    found = re.compile(r'searched weights: .*')
    assert found.search(mixed.stdout).group() == found.search(plain.stdout).group()
    a, b = by_id(load(tmp_path / 'plain.pkl')), by_id(load(tmp_path / 'mixed.pkl'))
    assert a.keys() == b.keys()
    for sample_id in a:
        np.testing.assert_array_equal(a[sample_id], b[sample_id])


def test_file_missing_a_sample_is_refused_naming_it(streams, tmp_path):
    bone = load(streams['b'])
    removed = bone['frame_dir'][5]
    cut = dict(bone, frame_dir=bone['frame_dir'][:5] + bone['frame_dir'][6:],
               scores=np.delete(bone['scores'], 5, axis=0), labels=np.delete(bone['labels'], 5))
    path = tmp_path / 'cut.pkl'
    with open(path, 'wb') as f:
        pickle.dump(cut, f)
    proc = fuse('--results', streams['j'], path, check=False)
    assert proc.returncode != 0
    assert 'hold different samples' in proc.stderr
    assert removed in proc.stderr and f'only in {streams["j"]}' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_file_with_other_classes_is_refused(streams, tmp_path):
    bone = load(streams['b'])
    wider = dict(bone, scores=np.pad(bone['scores'], ((0, 0), (0, 1))),
                 classes=bone['classes'] + ['extra'])
    path = tmp_path / 'wider.pkl'
    with open(path, 'wb') as f:
        pickle.dump(wider, f)
    proc = fuse('--results', streams['j'], path, check=False)
    assert proc.returncode != 0
    assert f'{path} scores 11 classes but {streams["j"]} scores 10' in proc.stderr


def test_seed_project_style_directories(streams, tmp_path):
    joint_dir = tmp_path / 'joint'
    joint_dir.mkdir()
    (joint_dir / 'result.pkl').write_bytes(streams['j'].read_bytes())
    proc = fuse('--joint-dir', joint_dir, '--bone-dir', streams['b'],
                '--joint-motion-dir', streams['jm'], '--out', tmp_path / 'fused.pkl')
    assert re.search(r'result\.pkl\s+0\.6\s', proc.stdout)
    assert re.search(r'jm\.pkl\s+0\.4\s', proc.stdout)
    results = [load(streams[s]) for s in STREAMS]
    expected = sum(w * r['scores'].astype(np.float64) for w, r in zip((0.6, 0.6, 0.4), results))
    np.testing.assert_allclose(load(tmp_path / 'fused.pkl')['scores'], expected, rtol=1e-5,
                               atol=1e-5)
    missing = fuse('--joint-dir', tmp_path, '--bone-dir', streams['b'], check=False)
    assert missing.returncode != 0 and f'{tmp_path} holds no result.pkl' in missing.stderr
