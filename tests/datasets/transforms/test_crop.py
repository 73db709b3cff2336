"""PoseCompact, Resize, crops, Flip, FormatShape and packing of heatmaps, on hand-made keypoints
whose results are worked out by hand."""
import random

import numpy as np
import pytest
import torch

from mmskel.datasets.transforms import (CenterCrop, Flip, FormatShape, PackActionInputs,
                                        PoseCompact, RandomResizedCrop, Resize)
from mmskel.structures import get_layout


def person(xy, joints=17):
    """[1, 1, V, 2] keypoints: the given (x, y) rows, the other joints absent (0)."""
    keypoint = np.zeros((1, 1, joints, 2), np.float32)
    keypoint[0, 0, :len(xy)] = xy
    return keypoint


def test_pose_compact_box_by_hand():
    keypoint = person([(100, 200), (140, 300), (120, 250)])
    out = PoseCompact()(dict(keypoint=keypoint, img_shape=(1080, 1920)))
    # box x 100..140, y 200..300; centre (120, 250); half sizes 20 * 1.25, 50 * 1.25
    left, top, right, bottom = int(120 - 25), int(250 - 62.5), int(120 + 25), int(250 + 62.5)
    assert out['img_shape'] == (bottom - top, right - left) == (125, 50)
    np.testing.assert_array_equal(out['keypoint'][0, 0, :3], [(5, 13), (45, 113), (25, 63)])
    assert np.all(out['keypoint'][0, 0, 3:] == 0)  # absent joints stay absent
    assert out['crop_quadruple'] == pytest.approx((95 / 1920, 187 / 1080, 50 / 1920, 125 / 1080))
    square = PoseCompact(hw_ratio=1.)(dict(keypoint=keypoint.copy(), img_shape=(1080, 1920)))
    assert square['img_shape'] == (125, 125)  # widened to the height: 250 -+ 62.5, 120 -+ 62.5
    assert square['keypoint'][0, 0, 0].tolist() == [100 - 57, 200 - 187]


def test_pose_compact_keeps_small_boxes_and_clips_without_padding():
    small = person([(100, 200), (105, 300)])  # 5 px wide < threshold 10
    out = PoseCompact()(dict(keypoint=small.copy(), img_shape=(1080, 1920)))
    assert out['img_shape'] == (1080, 1920) and 'crop_quadruple' not in out
    np.testing.assert_array_equal(out['keypoint'], small)
    edge = person([(2, 2), (42, 102)])
    out = PoseCompact(allow_imgpad=False)(dict(keypoint=edge, img_shape=(1080, 1920)))
    assert out['img_shape'] == (114, 47)  # [0, 47) x [0, 114.5): clipped at the image's edge
    nan = person([(100, 200), (np.nan, 300), (140, 300)])
    out = PoseCompact()(dict(keypoint=nan, img_shape=(1080, 1920)))
    assert out['keypoint'][0, 0, 1, 0] == 0


def test_resize_short_side_and_exact_size():
    keypoint = person([(10, 20), (30, 40)])
    out = Resize(scale=(-1, 64))(dict(keypoint=keypoint, img_shape=(125, 50)))
    assert out['img_shape'] == (160, 64)  # short side 50 -> 64, height 125 * 1.28
    np.testing.assert_allclose(out['keypoint'][0, 0, :2], [(12.8, 25.6), (38.4, 51.2)],
                               rtol=1e-6)
    out = Resize(scale=(56, 56), keep_ratio=False)(out)
    assert out['img_shape'] == (56, 56)
    np.testing.assert_allclose(out['scale_factor'], [56 / 50, 56 / 125], rtol=1e-6)
    assert out['keypoint'][0, 0, 1].tolist() == pytest.approx([38.4 * 56 / 64, 51.2 * 56 / 160],
                                                              rel=1e-6)
    assert Resize(scale=0.5)(dict(keypoint=keypoint, img_shape=(125, 50)))['img_shape'] == \
        (63, 25)  # int(62.5 + 0.5), int(25 + 0.5)
    with pytest.raises(TypeError, match='factor or a pair'):
        Resize(scale='big')
    with pytest.raises(ValueError, match='looks normalised'):
        Resize(scale=(-1, 64))(dict(keypoint=keypoint / 100, img_shape=(125, 50)))


def test_center_crop_and_random_resized_crop():
    keypoint = person([(40, 50)])
    out = CenterCrop(64)(dict(keypoint=keypoint, img_shape=(100, 80)))
    assert out['img_shape'] == (64, 64) and out['crop_bbox'].tolist() == [8, 18, 72, 82]
    assert out['keypoint'][0, 0, 0].tolist() == [32, 32]
    np.testing.assert_allclose(out['crop_quadruple'], [8 / 80, 18 / 100, 64 / 80, 64 / 100],
                               rtol=1e-6)
    crop = RandomResizedCrop(area_range=(0.56, 1.0))
    for seed in range(20):
        np.random.seed(seed)
        random.seed(seed)
        out = crop(dict(keypoint=keypoint, img_shape=(100, 80)))
        left, top, right, bottom = out['crop_bbox']
        height, width = out['img_shape']
        assert 0 <= left < right <= 80 and 0 <= top < bottom <= 100
        assert 0.56 * 8000 - 200 <= height * width <= 8000
        assert 3 / 4 - 0.05 <= width / height <= 4 / 3 + 0.05 or (width, height) == (80, 80)
        assert out['keypoint'][0, 0, 0].tolist() == [40 - left, 50 - top]
    with pytest.raises(ValueError, match='area_range'):
        RandomResizedCrop(area_range=(0.5, 1.5))


def test_flip_mirrors_x_and_swaps_the_layout_pairs():
    coco = get_layout('coco')
    keypoint = np.arange(1, 35, dtype=np.float32).reshape(1, 1, 17, 2)
    keypoint[0, 0, 16] = 0  # an absent joint stays at 0
    scores = np.linspace(0.1, 0.9, 17, dtype=np.float32)[None, None]
    out = Flip(flip_ratio=1.)(dict(keypoint=keypoint.copy(), keypoint_score=scores,
                                   img_shape=(56, 56)))
    assert out['flip'] is True or out['flip'] == np.True_
    for a, b in coco.flip_pairs:  # left_shoulder <-> right_shoulder, ...
        assert coco.joint_names[a].replace('left', 'right') == coco.joint_names[b]
        for j, k in ((a, b), (b, a)):
            expected_x = 56 - keypoint[0, 0, k, 0] if keypoint[0, 0, k, 0] else 0
            assert out['keypoint'][0, 0, j].tolist() == [expected_x, keypoint[0, 0, k, 1]]
            assert out['keypoint_score'][0, 0, j] == scores[0, 0, k]
    assert out['keypoint'][0, 0, 0].tolist() == [56 - 1, 2]  # the nose stays joint 0
    unflipped = Flip(flip_ratio=0.)(dict(keypoint=keypoint, img_shape=(56, 56)))
    assert not unflipped['flip'] and unflipped['keypoint'] is keypoint
    explicit = Flip(flip_ratio=1., left_kp=[5], right_kp=[6])(
        dict(keypoint=keypoint.copy(), img_shape=(56, 56)))['keypoint']
    assert explicit[0, 0, 1].tolist() == [56 - 3, 4]  # eyes not swapped here


def test_flip_errors():
    with pytest.raises(ValueError, match="layout 'handmp' has no flip_pairs"):
        Flip(layout='handmp')
    with pytest.raises(ValueError, match="25 joints but layout 'coco' has 17"):
        Flip(flip_ratio=1.)(dict(keypoint=np.ones((1, 1, 25, 2), np.float32) * 5,
                                 img_shape=(56, 56)))


def test_format_shape_splits_clips_and_puts_channels_first():
    imgs = np.arange(2 * 3 * 4 * 5 * 6 * 7, dtype=np.float32).reshape(2 * 3 * 4, 5, 6, 7)
    out = FormatShape('NCTHW_Heatmap')(dict(imgs=imgs, num_clips=3, clip_len=4))
    assert out['imgs'].shape == out['input_shape'] == (6, 5, 4, 6, 7)
    # crop c, clip n, channel k, frame t = input frame (c * 3 + n) * 4 + t, channel k
    for c, n, k, t in ((0, 0, 0, 0), (1, 2, 4, 3), (0, 1, 2, 1)):
        np.testing.assert_array_equal(out['imgs'][c * 3 + n, k, t], imgs[(c * 3 + n) * 4 + t, k])
    with pytest.raises(ValueError, match="'NCTHW_Heatmap'"):
        FormatShape('NCHW')
    with pytest.raises(ValueError, match='num_clips=5'):
        FormatShape()(dict(imgs=imgs, num_clips=5, clip_len=4))


def test_pack_takes_the_heatmap_volume():
    imgs = np.random.rand(2, 3, 4, 5, 5).astype(np.float32).transpose(0, 2, 1, 3, 4)
    packed = PackActionInputs()(dict(imgs=imgs, keypoint=np.zeros(3), label=4))
    assert isinstance(packed['inputs'], torch.Tensor)
    np.testing.assert_array_equal(packed['inputs'].numpy(), imgs)
    assert packed['data_samples'].gt_label.item() == 4
    flipped = PackActionInputs()(dict(imgs=imgs[..., ::-1]))['inputs']
    np.testing.assert_array_equal(flipped.numpy(), imgs[..., ::-1])
