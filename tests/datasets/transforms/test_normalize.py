"""PreNormalize3D / PreNormalize2D on real NW-UCLA skeletons."""
import json

import numpy as np
import pytest

from mmskel.datasets.transforms import PreNormalize2D, PreNormalize3D
from mmskel.structures.layouts import get_layout

SAMPLE = 'a01_s01_e00_v01'  # pick up with one hand, 44 frames, one person
HIP, SPINE, L_SHOULDER, R_SHOULDER = 0, 1, 4, 8  # nw-ucla joints


def load_nwucla(root, name=SAMPLE):
    with open(root / f'{name}.json') as f:
        data = json.load(f)
    keypoint = np.array(data['skeletons'], dtype=np.float32)[None]  # [1, T, 20, 3]
    return dict(keypoint=keypoint, total_frames=keypoint.shape[1], label=data['label'] - 1,
                frame_dir=data['file_name'])


def rotation(axis, angle):
    axis = np.asarray(axis, dtype=np.float64) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def pyskl_prenormalize3d(skeleton, center_joint, zaxis=(0, 1), xaxis=(8, 4)):
    """pyskl's PreNormalize3D for one person (angle_between + Euler-Rodrigues rotation)."""

    def angle_between(v1, v2):
        v1, v2 = v1 / np.linalg.norm(v1), v2 / np.linalg.norm(v2)
        return np.arccos(np.clip(np.dot(v1, v2), -1.0, 1.0))

    def rotation_matrix(axis, theta):
        if np.abs(axis).sum() < 1e-6 or np.abs(theta) < 1e-6:
            return np.eye(3)
        axis = np.asarray(axis) / np.sqrt(np.dot(axis, axis))
        a = np.cos(theta / 2.0)
        b, c, d = -axis * np.sin(theta / 2.0)
        aa, bb, cc, dd = a * a, b * b, c * c, d * d
        bc, ad, ac, ab, bd, cd = b * c, a * d, a * c, a * b, b * d, c * d
        return np.array([[aa + bb - cc - dd, 2 * (bc + ad), 2 * (bd - ac)],
                         [2 * (bc - ad), aa + cc - bb - dd, 2 * (cd + ab)],
                         [2 * (bd + ac), 2 * (cd - ab), aa + dd - bb - cc]])

    skeleton = skeleton.astype(np.float64)
    skeleton = skeleton - skeleton[0, 0, center_joint]
    spine = skeleton[0, 0, zaxis[1]] - skeleton[0, 0, zaxis[0]]
    matrix = rotation_matrix(np.cross(spine, [0, 0, 1]), angle_between(spine, [0, 0, 1]))
    skeleton = np.einsum('abcd,kd->abck', skeleton, matrix)
    shoulders = skeleton[0, 0, xaxis[0]] - skeleton[0, 0, xaxis[1]]  # right - left
    matrix = rotation_matrix(np.cross(shoulders, [1, 0, 0]), angle_between(shoulders, [1, 0, 0]))
    return np.einsum('abcd,kd->abck', skeleton, matrix)


def bone_lengths(keypoint):
    parents = np.array(get_layout('nw-ucla').parents)
    return np.linalg.norm(keypoint - keypoint[..., parents, :], axis=-1)


@pytest.fixture
def sample(nwucla_root):
    return load_nwucla(nwucla_root)


def test_prenormalize3d_canonical_pose_on_real_sample(sample):
    raw = sample['keypoint'].copy()
    out = PreNormalize3D(center_joint=1)(dict(sample))
    x = out['keypoint']
    assert x.shape == raw.shape == (1, 44, 20, 3) and x.dtype == np.float32
    assert out['total_frames'] == 44
    np.testing.assert_allclose(out['body_center'], raw[0, 0, SPINE])
    # the centre joint of frame 0 is at the origin
    np.testing.assert_allclose(x[0, 0, SPINE], 0, atol=1e-6)
    # the shoulders (right - left) point along +x: no y, no z, positive x
    shoulders = x[0, 0, R_SHOULDER] - x[0, 0, L_SHOULDER]
    raw_shoulders = raw[0, 0, R_SHOULDER] - raw[0, 0, L_SHOULDER]
    np.testing.assert_allclose(shoulders, [np.linalg.norm(raw_shoulders), 0, 0], atol=1e-5)
    # the spine points up; pyskl's second (shoulder) rotation tilts it off +z by the amount the
    # shoulders are off perpendicular, in the x-z direction, keeping the spine-shoulder angle
    spine = x[0, 0, SPINE] - x[0, 0, HIP]
    raw_spine = raw[0, 0, SPINE] - raw[0, 0, HIP]
    cos_raw = raw_spine @ raw_shoulders / np.linalg.norm(raw_spine) / np.linalg.norm(raw_shoulders)
    assert spine[0] / np.linalg.norm(spine) == pytest.approx(cos_raw, abs=1e-5)
    assert spine[2] / np.linalg.norm(spine) > 0.95
    assert abs(spine[1]) / np.linalg.norm(spine) < 0.05
    # a rigid motion: every bone keeps its length in every frame
    np.testing.assert_allclose(bone_lengths(x), bone_lengths(raw), atol=1e-5)
    # ... and no reflection: the handedness of (spine, shoulders, hip->left hip) is kept

    def triple(k):
        return np.linalg.det(np.stack([k[0, 0, SPINE] - k[0, 0, HIP],
                                       k[0, 0, R_SHOULDER] - k[0, 0, L_SHOULDER],
                                       k[0, 0, 12] - k[0, 0, HIP]]))
    assert triple(x) == pytest.approx(triple(raw), rel=1e-3)


def test_prenormalize3d_matches_pyskl(nwucla_root):
    for name in (SAMPLE, 'a06_s03_e01_v02', 'a12_s10_e02_v03'):
        sample = load_nwucla(nwucla_root, name)
        expected = pyskl_prenormalize3d(sample['keypoint'], center_joint=1)
        out = PreNormalize3D(center_joint=1)(dict(sample))['keypoint']
        np.testing.assert_allclose(out, expected, atol=2e-5)


def test_prenormalize3d_spine_up_when_shoulders_are_perpendicular(sample):
    """Shoulders perpendicular to the spine: any rigid view maps onto the same canonical pose."""
    keypoint = sample['keypoint'].astype(np.float64)
    spine = keypoint[0, 0, SPINE] - keypoint[0, 0, HIP]
    spine /= np.linalg.norm(spine)
    shoulders = keypoint[0, 0, R_SHOULDER] - keypoint[0, 0, L_SHOULDER]
    keypoint[0, :, R_SHOULDER] -= (shoulders @ spine) * spine  # move the right shoulder
    transform = PreNormalize3D(center_joint=1)
    canonical = transform(dict(keypoint=keypoint.astype(np.float32), total_frames=44))['keypoint']
    up = canonical[0, 0, SPINE] - canonical[0, 0, HIP]
    np.testing.assert_allclose(up / np.linalg.norm(up), [0, 0, 1], atol=1e-5)
    side = canonical[0, 0, R_SHOULDER] - canonical[0, 0, L_SHOULDER]
    np.testing.assert_allclose(side / np.linalg.norm(side), [1, 0, 0], atol=1e-5)
    for axis, angle in (([0, 0, 1], 2.5), ([1, 0, 0], 0.4), ([1, -2, 0.5], 1.1)):
        moved = keypoint @ rotation(axis, angle).T + np.array([0.3, -1.0, 2.0])
        out = transform(dict(keypoint=moved.astype(np.float32), total_frames=44))['keypoint']
        np.testing.assert_allclose(out, canonical, atol=1e-4)


def test_prenormalize3d_default_centre_for_20_joints_is_the_last_joint(sample):
    out = PreNormalize3D()(dict(sample))
    np.testing.assert_allclose(out['keypoint'][0, 0, 19], 0, atol=1e-6)
    np.testing.assert_allclose(out['body_center'], sample['keypoint'][0, 0, 19])


def test_prenormalize3d_drops_empty_frames_and_puts_the_main_person_first(sample):
    real = sample['keypoint'][0]  # [44, 20, 3]
    second = np.zeros((50, 20, 3), np.float32)
    second[3:47] = real  # the main person, 3 empty frames before, 3 after
    first = np.zeros((50, 20, 3), np.float32)
    first[10:20] = real[:10] + np.float32(0.5)  # a passer-by in 10 frames
    out = PreNormalize3D(center_joint=1)(dict(keypoint=np.stack([first, second]),
                                              total_frames=50))
    x = out['keypoint']
    assert x.shape == (2, 44, 20, 3) and out['total_frames'] == 44
    expected = PreNormalize3D(center_joint=1)(dict(sample))['keypoint'][0]
    np.testing.assert_allclose(x[0], expected, atol=1e-5)
    # the passer-by is moved by the same rigid motion; where it is absent it stays zero
    assert np.all(x[1, :7] == 0) and np.all(x[1, 17:] == 0)
    np.testing.assert_allclose(bone_lengths(x[1, 7:17]), bone_lengths(first[10:20]), atol=1e-5)


def test_prenormalize3d_all_zero_is_left_alone():
    keypoint = np.zeros((1, 5, 20, 3), np.float32)
    out = PreNormalize3D()(dict(keypoint=keypoint, total_frames=5))
    assert out['keypoint'] is keypoint and out['total_frames'] == 5


def test_prenormalize3d_without_rotation_only_translates(sample):
    raw = sample['keypoint'].copy()
    out = PreNormalize3D(center_joint=1, align_spine=False)(dict(sample))['keypoint']
    np.testing.assert_allclose(out, raw - raw[0, 0, SPINE], atol=1e-6)


def test_prenormalize2d_maps_image_corners():
    h, w = 480, 640
    keypoint = np.array([[[[0, 0], [w, h], [w / 2, h / 2], [w / 4, 3 * h / 4]]]], np.float32)
    out = PreNormalize2D()(dict(keypoint=keypoint.copy(), img_shape=(h, w)))['keypoint']
    np.testing.assert_allclose(out[0, 0], [[-1, -1], [1, 1], [0, 0], [-0.5, 0.5]], atol=1e-6)
    # without img_shape the default (1080, 1920) is used
    out = PreNormalize2D()(dict(keypoint=np.array([[[[1920, 0]]]], np.float32)))['keypoint']
    np.testing.assert_allclose(out[0, 0, 0], [1, -1])
    keypoint = np.array([[[[50, 75]]]], np.float32)
    out = PreNormalize2D(img_shape=(100, 200))(dict(keypoint=keypoint))
    np.testing.assert_allclose(out['keypoint'][0, 0, 0], [-0.5, 0.5])


def test_prenormalize2d_keeps_a_third_channel():
    keypoint = np.array([[[[10.0, 20.0, 0.7]]]], np.float32)
    out = PreNormalize2D(img_shape=(40, 20))(dict(keypoint=keypoint))['keypoint']
    np.testing.assert_allclose(out[0, 0, 0], [0.0, 0.0, 0.7], atol=1e-6)


def test_min_max_normalize_maps_each_axis_onto_the_range(nwucla_root):
    from mmskel.datasets.transforms import MinMaxNormalize
    sample = load_nwucla(nwucla_root)
    joints = sample['keypoint'][0]
    keypoint = np.stack([joints, np.zeros_like(joints)])  # a second, absent person
    out = MinMaxNormalize()(dict(sample, keypoint=keypoint))['keypoint']
    person = out[0].reshape(-1, 3)
    np.testing.assert_allclose(person.min(0), -1, atol=1e-6)
    np.testing.assert_allclose(person.max(0), 1, atol=1e-6)
    assert not out[1].any()
    # linear per axis: the authors' formula, (x - min) / (max - min) * 2 - 1
    flat = joints.reshape(-1, 3).astype(np.float64)
    expected = (flat - flat.min(0)) / (flat.max(0) - flat.min(0)) * 2 - 1
    np.testing.assert_allclose(person, expected, atol=1e-5)
    z = np.full_like(joints[..., :1], 2.)
    flat_z = dict(sample, keypoint=np.concatenate([joints[..., :2], z], -1)[None])
    out = MinMaxNormalize(0, 10)(flat_z)['keypoint'][0]
    assert out[..., :2].min() == pytest.approx(0) and out[..., :2].max() == pytest.approx(10)
    np.testing.assert_array_equal(out[..., 2], 2.)  # no extent: left as it is
    with pytest.raises(ValueError, match='low must be < high'):
        MinMaxNormalize(1, 1)


def test_prenormalize3d_takes_its_joints_from_the_layout_by_name(sample):
    by_name = PreNormalize3D(layout='nw-ucla')
    assert (by_name.zaxis, by_name.xaxis, by_name.center_joint) == ((0, 1), (8, 4), 1)
    np.testing.assert_array_equal(by_name(dict(sample))['keypoint'],
                                  PreNormalize3D(center_joint=1)(dict(sample))['keypoint'])
    ntu = PreNormalize3D(layout='nturgb+d')
    assert (ntu.zaxis, ntu.xaxis, ntu.center_joint) == ((0, 1), (8, 4), 1)  # pyskl's indices
    assert PreNormalize3D(layout='nw-ucla', center_joint=3).center_joint == 3  # given wins
    with pytest.raises(ValueError, match="layout 'coco' names no spine joints"):
        PreNormalize3D(layout='coco')
    assert PreNormalize3D(layout='coco', align_spine=False, center_joint=0).center_joint == 0
    custom = dict(parents=[0, 0, 1], center=0, joint_names=['hip', 'chest', 'head'],
                  body_center='chest', spine=['hip', 'chest'], shoulders=['head', 'chest'])
    assert PreNormalize3D(layout=custom).center_joint == 1
