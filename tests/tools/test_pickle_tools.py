"""tools/data/inspect_pickle.py and tools/data/merge.py on small real and hand-made pickles."""
import importlib.util
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from mmskel.datasets.converters.kinetics import convert_kinetics
from mmskel.datasets.io import dump_annotations, load_annotations

REPO = Path(__file__).resolve().parents[2]


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / 'tools' / 'data' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sample(frame_dir: str, label: int, persons: int = 1, frames: int = 4, fill: float = 1.0):
    keypoint = np.full((persons, frames, 5, 2), fill, dtype=np.float32)
    return dict(frame_dir=frame_dir, label=label, total_frames=frames, keypoint=keypoint)


def _kinetics_pickle(tmp_path: Path) -> Path:
    """The 7 real Kinetics val samples, converted with the 400 class names."""
    samples = shared_path('Kinetics-skeleton-samples')
    root = tmp_path / 'kinetics'
    root.mkdir()
    (root / 'kinetics_val').symlink_to(samples / 'kinetics_val_old')
    (root / 'kinetics_val_label.json').symlink_to(samples / 'kinetics_val_label-old.json')
    (root / 'label_name.txt').symlink_to(samples / 'label_name.txt')
    convert_kinetics(root, tmp_path / 'k.pkl', progress=False)
    return tmp_path / 'k.pkl'


def test_inspect_real_kinetics(tmp_path):
    path = _kinetics_pickle(tmp_path)
    result = subprocess.run([sys.executable, str(REPO / 'tools/data/inspect_pickle.py'),
                             str(path), '--json'], capture_output=True, text=True,
                            cwd=tmp_path, env={'PYTHONPATH': str(REPO), 'PATH': ''})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    assert report['num_samples'] == 7 and report['classes'] == 400
    assert report['split_sizes'] == {'train': 0, 'val': 7}
    assert report['class_counts'] == {'abseiling': 1, 'clay pottery making': 1,
                                      'jumpstyle dancing': 1, 'parkour': 2,
                                      'passing American football (in game)': 1,
                                      'strumming guitar': 1}
    # 299 frames x 4, 249 x 2, 164 x 1
    assert report['frames'] == dict(min=164, median=299.0, mean=265.43, max=299)
    assert report['persons'] == dict(min=2, median=2.0, mean=2.0, max=2)
    assert report['shapes'] == {'18x2': 7} and report['dtypes'] == {'float32': 7}
    assert report['problems'] == {} and report['invalid'] == ''


def test_inspect_finds_problems():
    inspect_pickle = _tool('inspect_pickle')
    bad = _sample('nan', 0)
    bad['keypoint'][0, 1, 2, 0] = np.nan
    data = dict(split={'train': ['ok', 'zero']}, classes=['a', 'b'],
                annotations=[_sample('ok', 1, persons=2), _sample('zero', 0, fill=0.0), bad,
                             _sample('far', 5), _sample('ok', 0)])
    report = inspect_pickle.inspect_annotations(data)

    assert report['problems'] == {'NaN or inf keypoint': ['nan'], 'all-zero keypoint': ['zero'],
                                  'label outside classes': ['far'], 'id named twice': ['ok'],
                                  'id in no split': ['nan', 'far']}
    assert "field 'keypoint': contains NaN" in report['invalid']
    assert report['persons'] == dict(min=1, median=1.0, mean=1.2, max=2)
    assert report['persons_present'] == dict(min=0, median=1.0, mean=1.0, max=2)
    text = inspect_pickle.format_report(report)
    assert 'problem (all-zero keypoint): 1: zero' in text and 'splits: train 2' in text


def test_merge_remaps_labels_by_class_name(tmp_path):
    merge = _tool('merge')
    dump_annotations([_sample('a1', 0), _sample('a2', 1), _sample('a3', 1)],
                     str(tmp_path / 'a.pkl'), split=dict(train=['a1', 'a2'], val=['a3']),
                     classes=['wave', 'clap'])
    dump_annotations([_sample('b1', 0), _sample('b2', 1), _sample('b3', 2)],
                     str(tmp_path / 'b.pkl'), split=dict(train=['b1'], test=['b2', 'b3']),
                     classes=['clap', 'jump', 'wave'])
    summary = merge.merge_annotations([str(tmp_path / 'a.pkl'), str(tmp_path / 'b.pkl')],
                                      str(tmp_path / 'ab.pkl'))
    data = load_annotations(str(tmp_path / 'ab.pkl'))

    assert data['classes'] == ['wave', 'clap', 'jump'] == summary['classes']
    names = {s['frame_dir']: data['classes'][s['label']] for s in data['annotations']}
    assert names == dict(a1='wave', a2='clap', a3='clap', b1='clap', b2='jump', b3='wave')
    assert data['split'] == dict(train=['a1', 'a2', 'b1'], val=['a3'], test=['b2', 'b3'])

    merge.merge_annotations([str(tmp_path / 'a.pkl'), str(tmp_path / 'b.pkl')],
                            str(tmp_path / 'c.pkl'), classes=['clap', 'wave'],
                            splits=['train', 'test:val'])
    data = load_annotations(str(tmp_path / 'c.pkl'))
    assert data['classes'] == ['clap', 'wave']
    assert {s['frame_dir']: s['label'] for s in data['annotations']} == \
        dict(a1=1, a2=0, b1=0, b3=1)
    assert data['split'] == dict(train=['a1', 'a2', 'b1'], val=['b3'])
    with pytest.raises(ValueError, match="id 'a1' is in both"):
        merge.merge_annotations([str(tmp_path / 'a.pkl')] * 2, str(tmp_path / 'd.pkl'))


def test_merge_cli_on_real_kinetics(tmp_path):
    kinetics = _kinetics_pickle(tmp_path)
    with open(kinetics, 'rb') as f:
        raw = pickle.load(f)
    other = [_sample('mine', 0, frames=3)]
    other[0]['keypoint'] = np.ones((1, 3, 18, 2), dtype=np.float32)
    dump_annotations(other, str(tmp_path / 'mine.pkl'), split=dict(train=['mine']),
                     classes=['parkour'])
    result = subprocess.run([sys.executable, str(REPO / 'tools/data/merge.py'),
                             str(tmp_path / 'm.pkl'), str(kinetics), str(tmp_path / 'mine.pkl'),
                             '--classes', 'parkour', 'abseiling'], capture_output=True,
                            text=True, env={'PYTHONPATH': str(REPO), 'PATH': ''})
    assert result.returncode == 0, result.stderr
    assert f'dropped from {kinetics}: 4' in result.stdout
    data = load_annotations(str(tmp_path / 'm.pkl'))
    assert data['split'] == dict(train=['mine'], val=['__NrybzYzUg', '__u6odV5hrI',
                                                      '__vOysOPoCY'])
    assert [s['label'] for s in data['annotations']] == [1, 0, 0, 0]
    kept = {s['frame_dir']: s for s in raw['annotations']}
    np.testing.assert_array_equal(data['annotations'][1]['keypoint'],
                                  kept['__u6odV5hrI']['keypoint'])
