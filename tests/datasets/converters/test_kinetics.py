import json
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from mmskel.datasets.converters.kinetics import convert_kinetics, format_summary, load_kinetics_json
from mmskel.datasets.io import load_annotations

VAL_IDS = {'__NrybzYzUg': 0, '__PYrzYbzKE': 173, '__U_scuxNlQ': 58, '__lt03EF4ao': 208,
           '__u6odV5hrI': 207, '__vOysOPoCY': 207, '__vzEs2wzdQ': 335}
TRAIN_IDS = {'___dTOdxzXY': 0, '___qijXy2f0': 1, '__0muxHV-Uw': 2, '__4frZhaVDs': 3,
             '__6LvmReo3Y': 4}  # the samples' toy indices (see their PROVENANCE.md)


def _real_root(tmp_path: Path, label_names: bool = False) -> Path:
    """The ST-GCN layout over the shared samples: untouched val files, full val label file."""
    samples = shared_path('Kinetics-skeleton-samples')
    root = tmp_path / 'kinetics-skeleton'
    root.mkdir()
    (root / 'kinetics_train').symlink_to(samples / 'kinetics_train')
    (root / 'kinetics_val').symlink_to(samples / 'kinetics_val_old')
    (root / 'kinetics_train_label.json').symlink_to(samples / 'kinetics_train_label.json')
    (root / 'kinetics_val_label.json').symlink_to(samples / 'kinetics_val_label-old.json')
    if label_names:
        (root / 'label_name.txt').symlink_to(samples / 'label_name.txt')
    return root


def _person(x: float, conf: float) -> dict:
    return dict(pose=[x, 0.5] * 18, score=[conf] * 18)


def _write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def test_convert_real_samples(tmp_path):
    root = _real_root(tmp_path)
    summary = convert_kinetics(root, tmp_path / 'k.pkl', progress=False)
    data = load_annotations(str(tmp_path / 'k.pkl'))

    assert summary['num_files'] == 12 and summary['num_skipped'] == {}
    assert data['split'] == {'train': sorted(TRAIN_IDS), 'val': sorted(VAL_IDS)}
    assert 'classes' not in data
    samples = {s['frame_dir']: s for s in data['annotations']}
    assert {k: s['label'] for k, s in samples.items()} == {**TRAIN_IDS, **VAL_IDS}
    for video_id, folder in [('__PYrzYbzKE', 'kinetics_val'), ('__0muxHV-Uw', 'kinetics_train')]:
        raw = json.loads((root / folder / f'{video_id}.json').read_text())
        sample = samples[video_id]
        frames = {f['frame_index']: f['skeleton'] for f in raw['data']}
        most = max(len(people) for people in frames.values())
        assert sample['keypoint'].dtype == np.float32
        assert sample['keypoint'].shape == (min(2, most), max(frames), 18, 2)
        assert sample['keypoint_score'].shape == sample['keypoint'].shape[:3]
        assert sample['total_frames'] == max(frames)
        assert sample['img_shape'] == sample['original_shape'] == (256, 340)
        for index, people in frames.items():  # person 0 = most confident of its frame
            if not people:
                assert not sample['keypoint'][:, index - 1].any()
                continue
            best = max(people, key=lambda p: sum(p['score']))
            pose = np.asarray(best['pose'], dtype=np.float32).reshape(18, 2)
            np.testing.assert_allclose(sample['keypoint'][0, index - 1], pose * [340, 256],
                                       rtol=1e-6)
            np.testing.assert_allclose(sample['keypoint_score'][0, index - 1], best['score'],
                                       rtol=1e-6)
    assert samples['__PYrzYbzKE']['keypoint'].shape == (2, 299, 18, 2)  # 11 people at most
    assert json.loads((tmp_path / 'k.pkl.log.json').read_text()) == summary
    convert_kinetics(root, tmp_path / 'k2.pkl', workers=2, progress=False)
    again = load_annotations(str(tmp_path / 'k2.pkl'))
    assert again['split'] == data['split']
    for a, b in zip(again['annotations'], data['annotations']):
        np.testing.assert_array_equal(a['keypoint'], b['keypoint'])


def test_label_names_check_labels(tmp_path):
    summary = convert_kinetics(_real_root(tmp_path, label_names=True), tmp_path / 'k.pkl',
                               img_shape=(512, 680), progress=False)
    data = load_annotations(str(tmp_path / 'k.pkl'))

    assert len(data['classes']) == 400 and data['classes'][207] == 'parkour'
    assert summary['split_sizes'] == {'train': 0, 'val': 7}
    # the five train files carry rewritten toy indices that contradict their label names
    assert summary['num_skipped'] == {'label mismatch': 5}
    assert summary['details']['kinetics_train/___qijXy2f0.json'] == \
        "label 'playing harp' but class 1 is 'air drumming'"
    assert all(data['classes'][s['label']] for s in data['annotations'])
    assert data['annotations'][0]['img_shape'] == (512, 680)
    assert 'classes: 400 names, 6 present' in format_summary(summary)


def test_top_persons_are_ranked_per_frame(tmp_path):
    frames = [dict(frame_index=1, skeleton=[_person(0.1, 0.2), _person(0.2, 0.9),
                                            _person(0.3, 0.5)]),
              dict(frame_index=2, skeleton=[]),
              dict(frame_index=4, skeleton=[_person(0.4, 0.3), _person(0.5, 0.6)]),
              dict(frame_index=3, skeleton=[_person(0.6, 0.7)])]
    _write(tmp_path / 'vid.json', dict(data=frames, label='x', label_index=3))
    sample = load_kinetics_json(tmp_path / 'vid.json', img_shape=(100, 200))

    assert sample['keypoint'].shape == (2, 4, 18, 2) and sample['total_frames'] == 4
    np.testing.assert_allclose(sample['keypoint'][:, :, 0, 0],
                               [[40, 0, 120, 100], [60, 0, 0, 80]], rtol=1e-6)
    np.testing.assert_allclose(sample['keypoint'][0, 0, 5], [40, 50], rtol=1e-6)
    np.testing.assert_allclose(sample['keypoint_score'][:, :, 0],
                               [[0.9, 0, 0.7, 0.6], [0.5, 0, 0, 0.3]], rtol=1e-6)
    one = load_kinetics_json(tmp_path / 'vid.json', num_persons=1)
    assert one['keypoint'].shape == (1, 4, 18, 2)


def test_bad_files_are_skipped_and_named(tmp_path):
    root = tmp_path / 'root'
    good = dict(data=[dict(frame_index=1, skeleton=[_person(0.5, 0.8)])], label='a',
                label_index=1)
    _write(root / 'kinetics_train' / 'good.json', good)
    _write(root / 'kinetics_train' / 'noskel.json', good)
    _write(root / 'kinetics_train' / 'broken.json', '{"data": [{"frame_index": 1')
    _write(root / 'kinetics_train' / 'empty.json', '')
    _write(root / 'kinetics_train' / 'nobody.json',
           dict(good, data=[dict(frame_index=1, skeleton=[]), dict(frame_index=2, skeleton=[])]))
    _write(root / 'kinetics_train' / 'short.json', dict(good, data=[dict(
        frame_index=1, skeleton=[dict(pose=[0.1] * 30, score=[1.0] * 18)])]))
    _write(root / 'kinetics_train' / 'zero.json', dict(good, data=[dict(
        frame_index=0, skeleton=[_person(0.5, 0.8)])]))
    _write(root / 'kinetics_train' / 'nodata.json', dict(label='a', label_index=1))
    _write(root / 'kinetics_train' / 'other.json', dict(good, label_index=2))
    _write(root / 'kinetics_train' / 'unlisted.json', good)
    labels = {name: dict(has_skeleton=True, label='a', label_index=1) for name in
              ('good', 'broken', 'empty', 'nobody', 'short', 'zero', 'nodata', 'other')}
    labels['noskel'] = dict(has_skeleton=False, label='a', label_index=1)
    _write(root / 'kinetics_train_label.json', labels)
    _write(root / 'kinetics_val' / 'good.json', good)  # same id as in train; no label file
    _write(root / 'kinetics_val' / 'val1.json', good)
    summary = convert_kinetics(root, tmp_path / 'k.pkl', progress=False)

    assert summary['num_files'] == 12 and summary['num_samples'] == 2
    assert summary['split_sizes'] == {'train': 1, 'val': 1}
    assert summary['skipped'] == {
        'has_skeleton false': ['kinetics_train/noskel.json'],
        'not in label file': ['kinetics_train/unlisted.json'],
        'unreadable json': ['kinetics_train/broken.json', 'kinetics_train/empty.json'],
        'missing data': ['kinetics_train/nodata.json'],
        'no skeleton': ['kinetics_train/nobody.json'],
        'label mismatch': ['kinetics_train/other.json'],
        'bad skeleton': ['kinetics_train/short.json'],
        'bad frame_index': ['kinetics_train/zero.json'],
        'duplicate id': ['kinetics_val/good.json']}
    assert 'expected "pose" of 36' in summary['details']['kinetics_train/short.json']
    assert 'got 0' in summary['details']['kinetics_train/zero.json']
    text = format_summary(summary)
    assert 'skipped (has_skeleton false): 1: kinetics_train/noskel.json' in text
    data = load_annotations(str(tmp_path / 'k.pkl'))
    assert data['split'] == {'train': ['good'], 'val': ['val1']}
    assert [s['label'] for s in data['annotations']] == [1, 1]


def test_missing_root_and_broken_label_file_raise(tmp_path):
    with pytest.raises(FileNotFoundError, match='neither kinetics_train'):
        convert_kinetics(tmp_path, tmp_path / 'k.pkl', progress=False)
    _write(tmp_path / 'kinetics_val' / 'a.json', dict(data=[]))
    _write(tmp_path / 'kinetics_val_label.json', '{"a": ')
    with pytest.raises(ValueError, match='kinetics_val_label.json: unreadable label file'):
        convert_kinetics(tmp_path, tmp_path / 'k.pkl', progress=False)
    _write(tmp_path / 'kinetics_val_label.json', ['a'])
    with pytest.raises(ValueError, match=r'kinetics_val_label.json: expected \{video_id: '
                       r'\{"has_skeleton", "label", "label_index"\}\}, got list'):
        convert_kinetics(tmp_path, tmp_path / 'k.pkl', progress=False)
