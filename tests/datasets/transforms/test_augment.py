"""RandomRot, RandomScale and RandomGaussianNoise on a real NW-UCLA sequence (3D) and its x/y
projection (2D), with a second, absent person."""
import json

import numpy as np
import pytest

from mmskel.datasets.transforms import RandomGaussianNoise, RandomRot, RandomScale
from mmskel.datasets.transforms.augment import rotation_matrix

SAMPLE = 'a01_s01_e00_v01'


@pytest.fixture(params=[3, 2], ids=['3d', '2d'])
def sample(request, nwucla_root):
    with open(nwucla_root / f'{SAMPLE}.json') as f:
        joints = np.array(json.load(f)['skeletons'], dtype=np.float32)[..., :request.param]
    keypoint = np.stack([joints - joints[0, 1], np.zeros_like(joints)])  # person 2 absent
    return dict(keypoint=keypoint, total_frames=keypoint.shape[1])


def distances(keypoint):
    """[M, T, V, V] distances between the joints of each person in each frame."""
    return np.linalg.norm(keypoint[:, :, :, None] - keypoint[:, :, None], axis=-1)


def test_rotation_matrix():
    np.testing.assert_allclose(rotation_matrix([0, 0, np.pi / 2]) @ [1, 0, 0], [0, 1, 0],
                               atol=1e-12)
    np.testing.assert_allclose(rotation_matrix([np.pi / 2, 0, 0]) @ [0, 1, 0], [0, 0, 1],
                               atol=1e-12)
    r = rotation_matrix([0.1, -0.2, 0.3])
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1)
    np.testing.assert_allclose(rotation_matrix([0.3]), rotation_matrix([0, 0, 0.3])[:2, :2])


@pytest.mark.parametrize('theta', [0.3, (1.0, 0.5, 0.0)])
def test_random_rot_draws_in_range_and_applies_one_rotation(sample, monkeypatch, theta):
    draws = []
    uniform = np.random.uniform

    def recording_uniform(low, high):
        angles = uniform(low, high)
        draws.append((np.asarray(low), np.asarray(high), angles))
        return angles

    monkeypatch.setattr(np.random, 'uniform', recording_uniform)
    np.random.seed(0)
    before = sample['keypoint'].copy()
    after = RandomRot(theta=theta)(dict(sample))['keypoint']
    bounds = np.broadcast_to(np.asarray(theta), (3,))
    bounds = bounds if before.shape[-1] == 3 else bounds[2:]
    (low, high, angles), = draws
    np.testing.assert_array_equal(high, bounds)
    np.testing.assert_array_equal(low, -bounds)
    assert np.all(np.abs(angles) <= bounds)
    np.testing.assert_allclose(after, before @ rotation_matrix(angles).T, atol=1e-5)
    np.testing.assert_allclose(distances(after), distances(before), atol=1e-4)
    assert not after[1].any()  # the absent person stays zero
    if bounds.any():
        assert np.abs(after - before).max() > 1e-2
    else:  # 2D with no turn about z
        np.testing.assert_allclose(after, before, atol=1e-6)


def test_random_rot_varies_and_zero_theta_is_identity(sample):
    np.random.seed(1)
    first = RandomRot(0.5)(dict(sample))['keypoint']
    second = RandomRot(0.5)(dict(sample))['keypoint']
    assert np.abs(first - second).max() > 1e-2
    np.testing.assert_allclose(RandomRot(0)(dict(sample))['keypoint'], sample['keypoint'],
                               atol=1e-6)


@pytest.mark.parametrize('scale', [0.2, (0.2, 0.0, 0.1)])
def test_random_scale_one_factor_per_axis(sample, scale):
    channels = sample['keypoint'].shape[-1]
    scale = scale if np.isscalar(scale) else scale[:channels]
    np.random.seed(2)
    before = sample['keypoint']
    after = RandomScale(scale)(dict(sample))['keypoint']
    present = np.abs(before[0]) > 1e-3
    ratio = after[0][present] / before[0][present]
    axes = np.broadcast_to(np.arange(channels), before[0].shape)[present]
    limits = np.broadcast_to(np.asarray(scale), (channels,))
    for axis in range(channels):
        factors = ratio[axes == axis]
        np.testing.assert_allclose(factors, factors[0], rtol=1e-5)  # one factor per axis
        assert abs(factors[0] - 1) <= limits[axis] + 1e-6
    assert not after[1].any()


def test_random_gaussian_noise_has_sigma_and_spares_absent_joints(sample):
    np.random.seed(3)
    before = sample['keypoint']
    after = RandomGaussianNoise(sigma=0.05)(dict(sample))['keypoint']
    noise = after[0] - before[0]
    assert noise.std() == pytest.approx(0.05, rel=0.05)
    assert abs(noise.mean()) < 0.005
    assert not after[1].any()


@pytest.mark.parametrize('transform', [RandomRot(), RandomScale(), RandomGaussianNoise()])
def test_refuses_other_shapes(transform):
    with pytest.raises(ValueError, match=r'expects keypoint \[M, T, V, C\] with C = 2 or 3, '
                                         r'got shape \(1, 5, 17, 4\)'):
        transform(dict(keypoint=np.zeros((1, 5, 17, 4), dtype=np.float32)))


def test_negative_parameters_are_refused():
    with pytest.raises(ValueError, match='RandomRot: theta must be >= 0, got -0.1'):
        RandomRot(-0.1)
    with pytest.raises(ValueError, match=r'theta must be one angle or three \(x, y, z\)'):
        RandomRot((0.1, 0.2))
    with pytest.raises(ValueError, match='RandomGaussianNoise: sigma must be >= 0'):
        RandomGaussianNoise(-1)
    assert repr(RandomScale((0.1, 0.2))) == 'RandomScale(scale=(0.1, 0.2))'


def test_training_through_the_authors_nwucla_augmentation_lowers_the_loss(
        train_losses, loss_falls):
    """The steps of the CTR-GCN / MSA-GCN NW-UCLA configs before the features: centre without
    turning, rotate about x and y by up to 60 degrees, scale each axis onto [-1, 1]."""
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial'),
                      num_persons=1, base_channels=16, num_stages=4, inflate_stages=(3, ),
                      down_stages=(3, )),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32))
    steps = (dict(type='PreNormalize3D', center_joint=1, align_spine=False),
             dict(type='RandomRot', theta=(1.0471975511965976, 1.0471975511965976, 0.)),
             dict(type='MinMaxNormalize'))
    loss_falls(train_losses(model, before_feats=steps))
