"""GeneratePoseTarget against hand-computed values: Gaussian peaks and widths, limb distances,
the flipped copy, the upstream limb flip lists from the layout, and bad input."""
import numpy as np
import pytest

from mmskel.datasets.transforms import GeneratePoseTarget
from mmskel.structures import get_layout

SIGMA = 0.6


def sample(points, scores=None, img_shape=(20, 30)):
    """One person, one frame per row of ``points`` [T, V, 2]."""
    keypoint = np.asarray(points, np.float32)[None]
    if scores is None:
        scores = np.ones(keypoint.shape[:3], np.float32)
    return dict(keypoint=keypoint, keypoint_score=np.asarray(scores, np.float32)[None]
                if np.ndim(scores) == 2 else scores, img_shape=img_shape)


def coco_frame(x=10., y=8.):
    points = np.zeros((1, 17, 2), np.float32)
    points[0, :] = (x, y)
    return points


def test_keypoint_gaussian_peak_width_and_three_sigma_cut():
    points = coco_frame()
    points[0, 1] = (20.3, 5.)  # joint 1 off the pixel grid
    scores = np.full((1, 17), 0.8, np.float32)
    imgs = GeneratePoseTarget(sigma=SIGMA)(sample(points, scores))['imgs']
    assert imgs.shape == (1, 17, 20, 30) and imgs.dtype == np.float32
    heat = imgs[0, 0]
    assert heat[8, 10] == pytest.approx(0.8)  # peak = score
    assert heat.max() == heat[8, 10]
    # at 1 sigma: exp(-1/2); one pixel away: exp(-1 / (2 sigma^2))
    one_pixel = 0.8 * np.exp(-1 / (2 * SIGMA ** 2))
    assert heat[8, 11] == pytest.approx(one_pixel, rel=1e-6)
    assert heat[9, 11] == pytest.approx(0.8 * np.exp(-2 / (2 * SIGMA ** 2)), rel=1e-6)
    # window [trunc(10 - 1.8), trunc(10 + 1.8)] = [8, 11]: nothing beyond
    assert heat[8, 8] > 0 and heat[8, 7] == 0 and heat[8, 12] == 0
    off = imgs[0, 1]
    assert off[5, 20] == pytest.approx(0.8 * np.exp(-0.09 / (2 * SIGMA ** 2)), rel=1e-6)
    assert off[5, 18] > 0 and off[5, 22] > 0 and off[5, 23] == 0  # [trunc(18.5), trunc(22.1)]
    scaled = GeneratePoseTarget(sigma=1.)(sample(points, scores))['imgs'][0, 0]
    assert scaled[8, 11] == pytest.approx(0.8 * np.exp(-0.5), rel=1e-6)  # 1 sigma = 1 pixel


def test_scores_persons_and_use_score():
    points = np.stack([coco_frame(), coco_frame(11, 8)])[:, 0][:, None]  # [M=2, T=1, V, 2]
    scores = np.stack([np.full((1, 17), 0.5), np.full((1, 17), 0.9)]).astype(np.float32)
    scores[0, 0, 2] = 5e-5  # below the 1e-4 cut: not drawn
    results = dict(keypoint=points, keypoint_score=scores, img_shape=(20, 30))
    imgs = GeneratePoseTarget()(dict(results))['imgs'][0]
    assert imgs[0, 8, 10] == pytest.approx(max(0.5, 0.9 * np.exp(-1 / 0.72)))  # max over persons
    assert imgs[0, 8, 11] == pytest.approx(0.9)
    assert imgs[2, 8, 10] == pytest.approx(0.9 * np.exp(-1 / 0.72))
    plain = GeneratePoseTarget(use_score=False)(dict(results))['imgs'][0]
    assert plain[0, 8, 10] == pytest.approx(1.0) and plain[2, 8, 10] == pytest.approx(1.0)


def test_limb_heatmap_is_the_gaussian_of_the_distance_to_the_segment():
    points = coco_frame()
    points[0, 0], points[0, 5] = (5, 10), (15, 10)  # limb 0 of coco: (0, 5), horizontal
    scores = np.full((1, 17), 0.9, np.float32)
    scores[0, 5] = 0.7
    target = GeneratePoseTarget(with_kp=False, with_limb=True)
    imgs = target(sample(points, scores))['imgs']
    assert imgs.shape == (1, 17, 20, 30)
    limb = imgs[0, 0]
    assert np.allclose(limb[10, 5:16], 0.7)  # on the segment: the lower score
    assert limb[11, 9] == pytest.approx(0.7 * np.exp(-1 / 0.72), rel=1e-6)  # 1 px away
    assert limb[10, 3] == pytest.approx(0.7 * np.exp(-4 / 0.72), rel=1e-6)  # 2 px beyond an end
    assert limb[10, 2] == 0 and limb[13, 10] == 0  # outside [trunc(5 - 1.8), ...] and 3 rows


def test_short_limb_is_its_start_joint():
    points = coco_frame()
    points[0, 0], points[0, 5] = (10, 10), (10.5, 10.2)  # shorter than 1 pixel
    scores = np.full((1, 17), 0.9, np.float32)
    scores[0, 5] = 0.3
    limb = GeneratePoseTarget(with_kp=False, with_limb=True)(sample(points, scores))['imgs'][0, 0]
    assert limb[10, 10] == pytest.approx(0.9)  # the start joint's Gaussian and score
    assert limb[10, 11] == pytest.approx(0.9 * np.exp(-1 / 0.72), rel=1e-6)


def test_keypoints_and_limbs_stack_their_channels():
    imgs = GeneratePoseTarget(with_limb=True)(sample(coco_frame()))['imgs']
    assert imgs.shape == (1, 34, 20, 30)
    assert imgs[0, 0, 8, 10] == pytest.approx(1) and imgs[0, 17, 8, 10] == pytest.approx(1)


def test_double_appends_the_mirror_with_left_and_right_swapped():
    points = coco_frame()
    points[0, 5], points[0, 6] = (3, 4), (25, 12)  # left and right shoulder
    scores = np.ones((1, 17), np.float32)
    scores[0, 6] = 0.5
    imgs = GeneratePoseTarget(double=True)(sample(points, scores))['imgs']
    assert imgs.shape == (2, 17, 20, 30)
    np.testing.assert_array_equal(imgs[1, 6], imgs[0, 5, :, ::-1])
    np.testing.assert_array_equal(imgs[1, 5], imgs[0, 6, :, ::-1])
    assert imgs[1, 6, 4, 30 - 1 - 3] == pytest.approx(1)  # x -> W - 1 - x
    np.testing.assert_array_equal(imgs[1, 0], imgs[0, 0, :, ::-1])  # the nose stays
    limbs = GeneratePoseTarget(with_kp=False, with_limb=True, double=True)(
        sample(points, scores))['imgs']
    flip = get_layout('coco').limb_flip_index()
    for i, j in enumerate(flip):
        np.testing.assert_array_equal(limbs[1, j], limbs[0, i, :, ::-1])


def test_limb_flip_lists_of_the_upstream_configs_come_from_the_layout():
    coco = get_layout('coco')
    assert len(coco.heatmap_limbs) == 17

    def pairs(left, right):
        index = list(range(17))
        for a, b in zip(left, right):
            index[a], index[b] = b, a
        return index

    # mmaction2's posec3d limb configs, and GeneratePoseTarget's default limbs and lists
    assert coco.limb_flip_index() == pairs([0, 2, 3, 6, 7, 8, 12, 14],
                                           [1, 4, 5, 9, 10, 11, 13, 15])
    defaults = ((0, 1), (0, 2), (1, 3), (2, 4), (0, 5), (5, 7), (7, 9), (0, 6), (6, 8), (8, 10),
                (5, 11), (11, 13), (13, 15), (6, 12), (12, 14), (14, 16), (11, 12))
    assert coco.limb_flip_index(defaults) == pairs((0, 2, 4, 5, 6, 10, 11, 12),
                                                   (1, 3, 7, 8, 9, 13, 14, 15))
    target = GeneratePoseTarget(with_kp=False, with_limb=True, double=True, skeletons=defaults)
    assert target.limb_pairs == [(0, 1), (2, 3), (4, 7), (5, 8), (6, 9), (10, 13), (11, 14),
                                 (12, 15)]


def test_scaling_and_existing_imgs():
    results = sample(coco_frame(), img_shape=(20, 30))
    results['imgs'] = 'frames'
    out = GeneratePoseTarget(scaling=0.5)(results)
    assert out['imgs'] == 'frames'
    assert out['heatmap_imgs'].shape == (1, 17, 10, 15)
    assert out['heatmap_imgs'][0, 0, 4, 5] == pytest.approx(1)


def test_bad_input_is_named():
    results = sample(coco_frame())
    with pytest.raises(KeyError, match='keypoint_score'):
        GeneratePoseTarget()(dict(keypoint=results['keypoint'], img_shape=(20, 30)))
    with pytest.raises(ValueError, match=r'"keypoint_score" has shape \(1, 1, 3\)'):
        GeneratePoseTarget()(dict(results, keypoint_score=np.ones((1, 1, 3), np.float32)))
    with pytest.raises(ValueError, match='looks normalised'):
        GeneratePoseTarget()(dict(results, keypoint=results['keypoint'] / 40))
    with pytest.raises(KeyError, match='img_shape'):
        GeneratePoseTarget()(dict(keypoint=results['keypoint'],
                                  keypoint_score=results['keypoint_score']))
    with pytest.raises(ValueError, match="layout 'handmp' has no flip_pairs"):
        GeneratePoseTarget(double=True, layout='handmp')
    with pytest.raises(ValueError, match='with_kp or with_limb'):
        GeneratePoseTarget(with_kp=False)
    with pytest.raises(ValueError, match="has 17 joints but layout 'nturgb\\+d' has 25"):
        GeneratePoseTarget(double=True, layout='nturgb+d', skeletons=[(0, 1)])(dict(results))
    with pytest.raises(ValueError, match='left and right joint lists'):
        GeneratePoseTarget(double=True, left_kp=[1, 3], right_kp=[2])
