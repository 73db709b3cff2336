import numpy as np
import pytest

from mmskel.datasets.converters.synthetic import CLASSES, JOINT, TWO_PERSON, generate_synthetic
from mmskel.datasets.io import load_annotations
from mmskel.structures.layouts import get_layout

SIZES = dict(num_subjects=3, num_train_subjects=2, samples_per_class_per_subject=2)


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp('synthetic') / 'synthetic_3danno.pkl'
    summary = generate_synthetic(str(path), seed=0, **SIZES)
    return summary, load_annotations(str(path))


def test_sizes_shapes_and_splits(synthetic):
    summary, data = synthetic
    assert len(CLASSES) >= 12 and data['classes'] == list(CLASSES)
    assert summary['split_sizes'] == {'xsub_train': 2 * 2 * len(CLASSES),
                                      'xsub_val': 1 * 2 * len(CLASSES)}
    assert len(data['annotations']) == summary['num_samples'] == 3 * 2 * len(CLASSES)
    for sample in data['annotations']:
        keypoint = sample['keypoint']
        assert keypoint.dtype == np.float32 and np.isfinite(keypoint).all()
        assert keypoint.shape == (2, sample['total_frames'], 25, 3)
        assert 40 <= sample['total_frames'] <= 80
    subjects = {name: {int(i[1:4]) for i in ids} for name, ids in data['split'].items()}
    assert subjects == {'xsub_train': {1, 2}, 'xsub_val': {3}}
    labels = [s['label'] for s in data['annotations']]
    assert np.bincount(labels).tolist() == [6] * len(CLASSES)


def test_second_person_only_in_interactions(synthetic):
    _, data = synthetic
    for sample in data['annotations']:
        first, second = np.abs(sample['keypoint']).sum((1, 2, 3))
        assert first > 0
        assert (second > 0) == (CLASSES[sample['label']] in TWO_PERSON)


def test_bodies_are_rigid_and_human_sized(synthetic):
    _, data = synthetic
    parents = get_layout('nturgb+d').parents
    for sample in data['annotations']:
        for person in sample['keypoint']:
            if not person.any():
                continue
            bones = np.linalg.norm(person - person[:, list(parents)], axis=-1)  # [T, V]
            # Forward kinematics keeps bones rigid; only ~1 cm joint noise may change them.
            assert np.median(np.abs(bones - np.median(bones, 0)), 0).max() < 0.02
            arm = np.median(bones[:, JOINT['right_elbow']]) + np.median(
                bones[:, JOINT['right_wrist']])
            assert 0.4 < arm < 0.65
            z = np.median(person[:, :, 2])
            assert 2.0 < z < 4.2  # a few metres in front of the camera


def test_motions_mean_what_the_class_says(synthetic):
    _, data = synthetic
    head, right, left = JOINT['head'], JOINT['right_hand'], JOINT['left_hand']
    for sample in data['annotations']:
        name, person = CLASSES[sample['label']], sample['keypoint'][0]
        rise = person[-3:, head, 1].mean() - person[:3, head, 1].mean()
        if name == 'sit down':
            assert rise < -0.2
        elif name == 'stand up':
            assert rise > 0.2
        elif name == 'wave right hand':
            assert (person[:, right, 1] - person[:, head, 1]).max() > 0
            assert (person[:, left, 1] - person[:, head, 1]).max() < -0.2
        elif name == 'clap':
            assert np.abs(rise) < 0.1


def test_deterministic_per_seed(tmp_path, synthetic):
    _, data = synthetic
    generate_synthetic(str(tmp_path / 'a.pkl'), seed=0, **SIZES)
    generate_synthetic(str(tmp_path / 'b.pkl'), seed=1, **SIZES)
    same, other = (load_annotations(str(tmp_path / f'{n}.pkl'))['annotations'] for n in 'ab')
    for x, y in zip(data['annotations'], same):
        assert x['frame_dir'] == y['frame_dir'] and x['label'] == y['label']
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
    assert any(x['keypoint'].shape != y['keypoint'].shape
               or not np.array_equal(x['keypoint'], y['keypoint'])
               for x, y in zip(data['annotations'], other))


def test_rejects_bad_sizes(tmp_path):
    with pytest.raises(ValueError, match='num_train_subjects'):
        generate_synthetic(str(tmp_path / 'x.pkl'), num_subjects=2, num_train_subjects=2)
