"""UniformSampleFrames and PoseDecode on a real NW-UCLA sequence (44 frames)."""
import json

import numpy as np
import pytest

from mmskel.datasets.transforms import PoseDecode, UniformSampleFrames

SAMPLE = 'a01_s01_e00_v01'


@pytest.fixture
def sample(nwucla_root):
    with open(nwucla_root / f'{SAMPLE}.json') as f:
        data = json.load(f)
    keypoint = np.array(data['skeletons'], dtype=np.float32)[None]
    return dict(keypoint=keypoint, total_frames=keypoint.shape[1], label=data['label'] - 1,
                frame_dir=data['file_name'])


def sample_inds(results, test_mode, **kwargs):
    out = UniformSampleFrames(**kwargs)(dict(results, test_mode=test_mode))
    return out['frame_inds']


@pytest.mark.parametrize('test_mode', [False, True])
@pytest.mark.parametrize('clip_len, num_clips', [(20, 1), (30, 1), (100, 1), (10, 3), (44, 2)])
def test_length_range_and_keys(sample, test_mode, clip_len, num_clips):
    np.random.seed(0)
    out = UniformSampleFrames(clip_len, num_clips)(dict(sample, test_mode=test_mode))
    inds = out['frame_inds']
    assert inds.shape == (clip_len * num_clips,) and inds.dtype == np.int64
    assert inds.min() >= 0 and inds.max() < 44
    assert out['clip_len'] == clip_len and out['num_clips'] == num_clips
    assert out['frame_interval'] is None


def test_test_mode_is_deterministic(sample):
    np.random.seed(1)
    first = sample_inds(sample, True, clip_len=20, num_clips=2)
    np.random.seed(2)
    second = sample_inds(sample, True, clip_len=20, num_clips=2)
    np.testing.assert_array_equal(first, second)
    # the global random state is not consumed by test-mode sampling
    np.random.seed(3)
    expected_next = np.random.rand()
    np.random.seed(3)
    sample_inds(sample, True, clip_len=20)
    assert np.random.rand() == expected_next
    # another seed gives another (still deterministic) clip
    other = sample_inds(sample, True, clip_len=20, num_clips=2, seed=7)
    assert not np.array_equal(first, other)


def test_training_mode_is_random_but_seedable(sample):
    np.random.seed(0)
    a = sample_inds(sample, False, clip_len=20)
    b = sample_inds(sample, False, clip_len=20)
    np.random.seed(0)
    c = sample_inds(sample, False, clip_len=20)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize('test_mode', [False, True])
def test_each_of_clip_len_segments_is_covered_when_long(sample, test_mode):
    clip_len = 20  # T = 44 >= 2 * clip_len
    bounds = np.arange(clip_len + 1) * 44 // clip_len
    for seed in range(20):
        np.random.seed(seed)
        inds = sample_inds(sample, test_mode, clip_len=clip_len)
        assert np.all(inds >= bounds[:-1]) and np.all(inds < bounds[1:])
        assert np.all(np.diff(inds) > 0)


@pytest.mark.parametrize('test_mode', [False, True])
def test_sorted_and_distinct_when_clip_len_le_t_lt_2clip_len(sample, test_mode):
    clip_len = 30  # 30 <= 44 < 60: the 14 surplus frames are single skips
    for seed in range(20):
        np.random.seed(seed)
        inds = sample_inds(sample, test_mode, clip_len=clip_len)
        steps = np.diff(inds)
        assert set(steps) <= {1, 2}
        assert inds[0] + steps.sum() == inds[-1] <= 43
        assert (steps == 2).sum() + inds[0] + (43 - inds[-1]) == 44 - clip_len


def test_exact_length_takes_every_frame(sample):
    np.testing.assert_array_equal(sample_inds(sample, True, clip_len=44), np.arange(44))


@pytest.mark.parametrize('test_mode', [False, True])
def test_loops_when_shorter_than_clip_len(sample, test_mode):
    clip_len = 100
    for seed in range(5):
        np.random.seed(seed)
        inds = sample_inds(sample, test_mode, clip_len=clip_len)
        # consecutive frames from a random start, wrapping around to frame 0
        np.testing.assert_array_equal(inds, (inds[0] + np.arange(clip_len)) % 44)
        counts = np.bincount(inds, minlength=44)
        assert set(counts) <= {2, 3} and counts.sum() == 100


def test_clips_are_each_sorted_and_differ(sample):
    inds = sample_inds(sample, True, clip_len=10, num_clips=3).reshape(3, 10)
    bounds = np.arange(11) * 44 // 10
    for clip in inds:
        assert np.all(clip >= bounds[:-1]) and np.all(clip < bounds[1:])
    assert len({tuple(c) for c in inds}) == 3


def test_p_interval_crop_stays_inside(sample):
    clip_len, length = 10, 22  # p_interval 0.5 of 44 frames: a 22-frame window at an offset
    bounds = np.arange(clip_len + 1) * length // clip_len
    offsets = set()
    for seed in range(200):
        np.random.seed(seed)
        inds = sample_inds(sample, False, clip_len=clip_len, p_interval=0.5)
        # some offset in [0, 44 - 22] puts every index in its segment of the window
        low = np.max(inds - bounds[1:] + 1)
        high = np.min(inds - bounds[:-1])
        assert max(low, 0) <= min(high, 44 - length)
        offsets.add(int(max(low, 0)))
    assert min(offsets) <= 2 and max(offsets) >= 20  # the window moves over the whole sequence


def test_p_interval_range_varies_the_window(sample):
    spans = []
    for seed in range(100):
        np.random.seed(seed)
        inds = sample_inds(sample, False, clip_len=10, p_interval=(0.5, 1))
        spans.append(inds[-1] - inds[0])
    assert max(spans) >= 35 and min(spans) <= 22


def test_test_mode_ignores_a_range_and_crops_the_centre_for_one_value(sample):
    np.testing.assert_array_equal(sample_inds(sample, True, clip_len=20, p_interval=(0.3, 1)),
                                  sample_inds(sample, True, clip_len=20))
    # CTR-GCN's test crop p_interval [0.95] of 44 frames: int(0.05 * 44 / 2) = 1 frame each end
    inds = sample_inds(sample, True, clip_len=21, p_interval=0.95)
    bounds = 1 + np.arange(22) * 42 // 21
    assert np.all(inds >= bounds[:-1]) and np.all(inds < bounds[1:])
    np.testing.assert_array_equal(inds, sample_inds(sample, True, clip_len=21, p_interval=0.95))
    inds = sample_inds(sample, True, clip_len=11, p_interval=0.5)  # frames 11..32
    assert inds.min() >= 11 and inds.max() <= 32 and len(set(inds)) == 11
    assert sample_inds(dict(total_frames=1), True, clip_len=4, p_interval=0.1).tolist() == [0] * 4


def test_invalid_arguments():
    with pytest.raises(ValueError, match='clip_len'):
        UniformSampleFrames(0)
    with pytest.raises(ValueError, match='p_interval'):
        UniformSampleFrames(10, p_interval=(0.8, 0.5))
    with pytest.raises(ValueError, match='p_interval'):
        UniformSampleFrames(10, p_interval=0)
    with pytest.raises(ValueError, match='total_frames=0'):
        UniformSampleFrames(10)(dict(total_frames=0))


@pytest.mark.parametrize('clip_len', [20, 100])
def test_pose_decode_picks_exactly_the_sampled_frames(sample, clip_len):
    raw = sample['keypoint'].copy()
    score = np.random.RandomState(0).rand(1, 44, 20).astype(np.float32)
    np.random.seed(4)
    results = UniformSampleFrames(clip_len)(dict(sample, keypoint_score=score))
    out = PoseDecode()(results)
    inds = out['frame_inds']
    assert out['keypoint'].shape == (1, clip_len, 20, 3) and out['keypoint'].dtype == np.float32
    for i, t in enumerate(inds):
        np.testing.assert_array_equal(out['keypoint'][0, i], raw[0, t])
        np.testing.assert_array_equal(out['keypoint_score'][0, i], score[0, t])


def test_pose_decode_without_frame_inds_keeps_all(sample):
    out = PoseDecode()(dict(keypoint=sample['keypoint'].astype(np.float16)))
    assert out['keypoint'].dtype == np.float32
    np.testing.assert_allclose(out['keypoint'], sample['keypoint'], atol=1e-3)
