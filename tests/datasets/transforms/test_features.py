"""GenSkeFeat (joint / bone / motion streams) on a real NW-UCLA sequence."""
import json

import numpy as np
import pytest

from mmskel.datasets.transforms import GenSkeFeat, joint_to_bone, to_motion
from mmskel.structures.layouts import get_layout

SAMPLE = 'a01_s01_e00_v01'
NWUCLA_PARENTS = get_layout('nw-ucla').parents


@pytest.fixture
def sample(nwucla_root):
    with open(nwucla_root / f'{SAMPLE}.json') as f:
        data = json.load(f)
    keypoint = np.array(data['skeletons'], dtype=np.float32)[None]  # [1, 44, 20, 3]
    return dict(keypoint=keypoint, total_frames=keypoint.shape[1], label=data['label'] - 1,
                frame_dir=data['file_name'])


def manual_bones(joints, parents):
    bones = np.zeros_like(joints)
    for v, p in enumerate(parents):
        bones[..., v, :] = joints[..., v, :] - joints[..., p, :]
    return bones


def manual_motion(x):
    motion = np.zeros_like(x)
    for t in range(x.shape[1] - 1):
        motion[:, t] = x[:, t + 1] - x[:, t]
    return motion


def test_joint_stream_is_identity(sample):
    raw = sample['keypoint'].copy()
    out = GenSkeFeat(layout='nw-ucla', feats=['j'])(dict(sample))
    assert out['keypoint'].dtype == np.float32
    np.testing.assert_array_equal(out['keypoint'], raw)


def test_bone_stream(sample):
    raw = sample['keypoint'].copy()
    bones = GenSkeFeat(layout='nw-ucla', feats=['b'])(dict(sample))['keypoint']
    assert bones.shape == raw.shape
    np.testing.assert_allclose(bones, manual_bones(raw, NWUCLA_PARENTS), atol=1e-6)
    assert np.all(bones[..., 2, :] == 0)  # the root (shoulder centre) has no bone
    # e.g. the left elbow's bone is elbow minus shoulder
    np.testing.assert_allclose(bones[0, 7, 5], raw[0, 7, 5] - raw[0, 7, 4], atol=1e-6)
    # joints are recovered from bones by walking down the tree from the root
    rebuilt = np.zeros_like(raw)
    rebuilt[..., 2, :] = raw[..., 2, :]
    for v in sorted(range(20), key=lambda j: _depth(j)):
        if v != 2:
            rebuilt[..., v, :] = rebuilt[..., NWUCLA_PARENTS[v], :] + bones[..., v, :]
    np.testing.assert_allclose(rebuilt, raw, atol=1e-5)


def _depth(j):
    depth = 0
    while NWUCLA_PARENTS[j] != j:
        j, depth = NWUCLA_PARENTS[j], depth + 1
    return depth


def test_joint_motion_stream(sample):
    raw = sample['keypoint'].copy()
    motion = GenSkeFeat(layout='nw-ucla', feats=['jm'])(dict(sample))['keypoint']
    np.testing.assert_allclose(motion[:, 0], raw[:, 1] - raw[:, 0], atol=1e-6)
    assert np.all(motion[:, -1] == 0)
    np.testing.assert_allclose(motion, manual_motion(raw), atol=1e-6)


def test_four_streams_in_order(sample):
    raw = sample['keypoint'].copy()
    out = GenSkeFeat(layout='nw-ucla', feats=['j', 'b', 'jm', 'bm'])(dict(sample))['keypoint']
    assert out.shape == (1, 44, 20, 12)
    bones = manual_bones(raw, NWUCLA_PARENTS)
    np.testing.assert_allclose(out[..., 0:3], raw, atol=1e-6)
    np.testing.assert_allclose(out[..., 3:6], bones, atol=1e-6)
    np.testing.assert_allclose(out[..., 6:9], manual_motion(raw), atol=1e-6)
    np.testing.assert_allclose(out[..., 9:12], manual_motion(bones), atol=1e-6)
    # another order gives the same streams in that order
    swapped = GenSkeFeat(layout='nw-ucla', feats=['bm', 'j'])(dict(sample))['keypoint']
    np.testing.assert_allclose(swapped, np.concatenate([out[..., 9:12], out[..., 0:3]], -1))


def test_2d_with_keypoint_score(sample):
    xy = sample['keypoint'][..., :2].copy()
    score = np.random.RandomState(0).uniform(0.2, 1.0, size=(1, 44, 20)).astype(np.float32)
    results = dict(sample, keypoint=xy.copy(), keypoint_score=score.copy())
    out = GenSkeFeat(layout='nw-ucla', feats=['j', 'b', 'jm', 'bm'])(results)
    assert 'keypoint_score' not in out
    x = out['keypoint']
    assert x.shape == (1, 44, 20, 12)  # (x, y, score) per stream
    j, b, jm, bm = x[..., 0:3], x[..., 3:6], x[..., 6:9], x[..., 9:12]
    np.testing.assert_array_equal(j[..., :2], xy)
    np.testing.assert_array_equal(j[..., 2], score)
    parents = list(NWUCLA_PARENTS)
    np.testing.assert_allclose(b[..., :2], manual_bones(xy, parents), atol=1e-6)
    np.testing.assert_allclose(b[..., 2], (score + score[..., parents]) / 2, atol=1e-6)
    np.testing.assert_allclose(b[..., 2, 2], score[..., 2])  # root: its own score
    np.testing.assert_allclose(jm[..., :2], manual_motion(xy), atol=1e-6)
    # motion score: mean of the two frames' scores; the last frame is all zero (pyskl)
    np.testing.assert_allclose(jm[:, :-1, :, 2], (score[:, :-1] + score[:, 1:]) / 2, atol=1e-6)
    assert np.all(jm[:, -1] == 0) and np.all(bm[:, -1] == 0)
    np.testing.assert_allclose(bm[:, :-1, :, 2], (b[:, :-1, :, 2] + b[:, 1:, :, 2]) / 2,
                               atol=1e-6)


def test_3d_keypoint_score_is_not_a_channel(sample):
    score = np.ones((1, 44, 20), np.float32)
    out = GenSkeFeat(layout='nw-ucla')(dict(sample, keypoint_score=score))
    assert out['keypoint'].shape == (1, 44, 20, 3)
    assert 'keypoint_score' in out  # left for FormatGCNInput


def test_pyskl_bone_convention_on_ntu():
    joints = np.random.RandomState(1).randn(2, 5, 25, 3).astype(np.float32)
    tree = GenSkeFeat(feats=['b'])(dict(keypoint=joints.copy()))['keypoint']
    pyskl = GenSkeFeat(feats=['b'], bone_convention='pyskl')(dict(keypoint=joints.copy()))
    pyskl = pyskl['keypoint']
    # pyskl's JointToBone pairs for nturgb+d (0-based), copied from pyskl
    pairs = [(0, 1), (1, 20), (2, 20), (3, 2), (4, 20), (5, 4), (6, 5), (7, 6), (8, 20),
             (9, 8), (10, 9), (11, 10), (12, 0), (13, 12), (14, 13), (15, 14), (16, 0),
             (17, 16), (18, 17), (19, 18), (21, 22), (20, 20), (22, 7), (23, 24), (24, 11)]
    expected = np.zeros_like(joints)
    for v1, v2 in pairs:
        expected[..., v1, :] = joints[..., v1, :] - joints[..., v2, :]
    np.testing.assert_allclose(pyskl, expected, atol=1e-6)
    differ = np.flatnonzero(np.abs(tree - pyskl).sum((0, 1, 3)) > 1e-6)
    assert differ.tolist() == [21, 23]


def test_helpers_directly():
    joints = np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(1, 3, 3, 4) ** 2
    bones = joint_to_bone(joints, [0, 0, 1], has_score=False)
    np.testing.assert_array_equal(bones[..., 2, :], joints[..., 2, :] - joints[..., 1, :])
    motion = to_motion(joints, has_score=False)
    np.testing.assert_array_equal(motion[:, 1], joints[:, 2] - joints[:, 1])
    np.testing.assert_array_equal(motion[:, 2], 0)


def test_wrong_joint_count_raises(sample):
    with pytest.raises(ValueError, match=r"'a01_s01_e00_v01'.*20 joints.*'nturgb\+d' has 25"):
        GenSkeFeat(layout='nturgb+d')(dict(sample))


@pytest.mark.parametrize('feats', [[], ['j', 'x'], ['bone']])
def test_invalid_feats(feats):
    with pytest.raises(ValueError, match='feats'):
        GenSkeFeat(layout='nw-ucla', feats=feats)


def test_invalid_bone_convention():
    with pytest.raises(ValueError, match='bone convention'):
        GenSkeFeat(layout='coco', bone_convention='mmaction')


def test_custom_layout(sample):
    # a 20-joint chain rooted at joint 0, given as a dict
    layout = dict(name='chain', parents=[0] + list(range(19)), center=0)
    bones = GenSkeFeat(layout=layout, feats=['b'])(dict(sample))['keypoint']
    raw = sample['keypoint']
    np.testing.assert_allclose(bones[..., 1:, :], raw[..., 1:, :] - raw[..., :-1, :], atol=1e-6)
    assert np.all(bones[..., 0, :] == 0)
