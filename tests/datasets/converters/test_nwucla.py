import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mmskel.datasets.converters.nwucla import NWUCLA_CLASSES, convert_nwucla, format_summary
from mmskel.datasets.io import load_annotations

NWUCLA_ROOT = Path(__file__).parents[3] / '..' / 'shared' / 'data' / 'NW-UCLA' / 'all_sqe'


def _real_root() -> Path:
    if not NWUCLA_ROOT.is_dir():
        pytest.skip(f'NW-UCLA json files not found at {NWUCLA_ROOT.resolve()} (the shared/data '
                    'folder beside the repository)')
    return NWUCLA_ROOT


def _write(path: Path, content) -> None:
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def test_convert_subset_matches_json(tmp_path):
    root = tmp_path / 'all_sqe'
    root.mkdir()
    files = sorted(_real_root().glob('*.json'))[::37]  # 41 files spread over classes and views
    for f in files:
        shutil.copy(f, root)
    summary = convert_nwucla(root, tmp_path / 'out' / 'ucla.pkl', progress=False)
    data = load_annotations(str(tmp_path / 'out' / 'ucla.pkl'))

    assert summary['num_samples'] == len(files) == 41 and summary['num_skipped'] == {}
    assert data['classes'] == list(NWUCLA_CLASSES) and len(data['classes']) == 10
    samples = {s['frame_dir']: s for s in data['annotations']}
    for f in files:
        raw = json.loads(f.read_text())
        sample = samples[f.stem]
        expected = np.asarray(raw['skeletons'], dtype=np.float32)[None]
        assert sample['keypoint'].dtype == np.float32
        assert sample['keypoint'].shape == (1, len(raw['skeletons']), 20, 3)
        np.testing.assert_array_equal(sample['keypoint'], expected)
        assert sample['label'] == raw['label'] - 1
        assert sample['total_frames'] == len(raw['skeletons'])
        view = f.stem[-3:]
        assert (f.stem in data['split']['val']) == (view == 'v03')
        assert (f.stem in data['split']['train']) == (view in ('v01', 'v02'))
    assert summary['split_sizes'] == {name: len(ids) for name, ids in data['split'].items()}
    assert json.loads((tmp_path / 'out' / 'ucla.pkl.log.json').read_text()) == summary


def test_bad_files_are_skipped_and_named(tmp_path):
    root = tmp_path / 'all_sqe'
    root.mkdir()
    frame = [[0.1 * j, 0.2, 3.0] for j in range(20)]
    good = dict(file_name='a02_s01_e00_v01', skeletons=[frame] * 5, label=2)
    _write(root / 'a02_s01_e00_v01.json', good)
    _write(root / 'a02_s01_e00_v03.json', dict(good, label=7))
    _write(root / 'a01_s01_e00_v01.json', '{"skeletons": [[[0, 0')
    _write(root / 'a01_s02_e00_v01.json', dict(good, skeletons=[frame, frame[:19]]))
    _write(root / 'a01_s03_e00_v01.json', dict(file_name='x', label=1))
    _write(root / 'a01_s04_e00_v01.json', dict(good, skeletons=[]))
    _write(root / 'walk_v01.json', good)
    summary = convert_nwucla(root, tmp_path / 'ucla.pkl', progress=False)

    assert summary['num_files'] == 7 and summary['num_samples'] == 2
    assert summary['split_sizes'] == {'train': 1, 'val': 1}
    assert summary['skipped'] == {'unreadable json': ['a01_s01_e00_v01.json'],
                                  'wrong joint count': ['a01_s02_e00_v01.json'],
                                  'missing skeletons': ['a01_s03_e00_v01.json'],
                                  'empty sequence': ['a01_s04_e00_v01.json'],
                                  'bad file name': ['walk_v01.json']}
    assert summary['num_skipped'] == {reason: 1 for reason in summary['skipped']}
    text = format_summary(summary)
    assert 'skipped (wrong joint count): 1: a01_s02_e00_v01.json' in text
    data = load_annotations(str(tmp_path / 'ucla.pkl'))
    assert [s['label'] for s in data['annotations']] == [1, 6]
    assert data['split'] == {'train': ['a02_s01_e00_v01'], 'val': ['a02_s01_e00_v03']}
    np.testing.assert_allclose(data['annotations'][0]['keypoint'][0, 4, 7], [0.7, 0.2, 3.0],
                               rtol=1e-6)
    assert json.loads((tmp_path / 'ucla.pkl.log.json').read_text())['skipped'] == \
        summary['skipped']


def test_missing_root_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        convert_nwucla(tmp_path / 'nowhere', tmp_path / 'ucla.pkl', progress=False)


@pytest.mark.slow
def test_convert_full_cross_view_split(tmp_path):
    summary = convert_nwucla(_real_root(), tmp_path / 'ucla.pkl', workers=2, progress=False)
    data = load_annotations(str(tmp_path / 'ucla.pkl'))

    assert summary['num_skipped'] == {} and summary['num_samples'] == 1484
    assert {k: len(v) for k, v in data['split'].items()} == {'train': 1020, 'val': 464}
    assert all(name.endswith('_v03') for name in data['split']['val'])
    assert len(data['classes']) == 10
    assert list(summary['class_counts'].values()) == [150, 152, 141, 173, 148, 149, 142, 142,
                                                      145, 142]
    frames = [s['total_frames'] for s in data['annotations']]
    assert min(frames) == 1 and max(frames) == 201
    assert sorted({s['label'] for s in data['annotations']}) == list(range(10))


def test_pixels_are_the_pinhole_projection(tmp_path):
    root = tmp_path / 'all_sqe'
    root.mkdir()
    names = ('a04_s01_e01_v01', 'a01_s01_e00_v03')  # the first has absent joints (z = 0)
    for name in names:
        shutil.copy(_real_root() / f'{name}.json', root)
    summary = convert_nwucla(root, tmp_path / 'ucla_2d.pkl', pixels=True, progress=False)
    data = load_annotations(str(tmp_path / 'ucla_2d.pkl'))  # passes the pixel check
    assert summary['num_samples'] == 2 and summary['pixels'] is True
    samples = {s['frame_dir']: s for s in data['annotations']}
    for name in names:
        joints = np.asarray(json.loads((root / f'{name}.json').read_text())['skeletons'],
                            dtype=np.float64)
        sample = samples[name]
        assert sample['keypoint'].shape == (1, len(joints), 20, 2)
        assert sample['keypoint'].dtype == sample['keypoint_score'].dtype == np.float32
        assert sample['img_shape'] == sample['original_shape'] == (1080, 1920)
        x, y, z = joints[10, 7]  # frame 10, joint 8 (left hand), by hand
        np.testing.assert_allclose(sample['keypoint'][0, 10, 7],
                                   [960 + 1000 * x / z, 540 - 1000 * y / z], rtol=1e-6)
        np.testing.assert_array_equal(sample['keypoint_score'][0], joints[..., 2] > 0)
    absent = samples['a04_s01_e01_v01']
    assert (absent['keypoint'][0, 34, 0] == 0).all() and absent['keypoint_score'][0, 34, 0] == 0
    assert absent['keypoint_score'][0, 33].all()
