"""FormatGCNInput and PackActionInputs on a real NW-UCLA sequence."""
import json

import numpy as np
import pytest
import torch

from mmskel.datasets.transforms import (FormatGCNInput, GenSkeFeat, PackActionInputs, PoseDecode,
                                        PreNormalize3D, UniformSampleFrames)
from mmskel.structures import ActionDataSample

SAMPLE = 'a01_s01_e00_v01'


@pytest.fixture
def sample(nwucla_root):
    with open(nwucla_root / f'{SAMPLE}.json') as f:
        data = json.load(f)
    keypoint = np.array(data['skeletons'], dtype=np.float32)[None]  # [1, 44, 20, 3]
    return dict(keypoint=keypoint, total_frames=keypoint.shape[1], label=data['label'] - 1,
                frame_dir=data['file_name'])


def test_zero_padding(sample):
    raw = sample['keypoint'].copy()
    out = FormatGCNInput(num_persons=3)(dict(sample))['keypoint']
    assert out.shape == (1, 3, 44, 20, 3) and out.dtype == np.float32
    assert out.flags['C_CONTIGUOUS']
    np.testing.assert_array_equal(out[0, 0], raw[0])
    assert np.all(out[0, 1:] == 0)


def test_loop_padding(sample):
    raw = sample['keypoint'].copy()
    out = FormatGCNInput(num_persons=3, mode='loop')(dict(sample))['keypoint']
    for m in range(3):
        np.testing.assert_array_equal(out[0, m], raw[0])
    # two persons looped to five: 0, 1, 0, 1, 0
    two = np.stack([raw[0], raw[0] + 1])
    out = FormatGCNInput(num_persons=5, mode='loop')(dict(keypoint=two))['keypoint']
    for m, source in enumerate([0, 1, 0, 1, 0]):
        np.testing.assert_array_equal(out[0, m], two[source])


def test_loop_padding_of_nobody_is_zeros():
    out = FormatGCNInput(num_persons=2, mode='loop')(
        dict(keypoint=np.zeros((0, 4, 20, 3), np.float32)))['keypoint']
    assert out.shape == (1, 2, 4, 20, 3) and np.all(out == 0)


def test_truncation_to_num_person(sample):
    raw = sample['keypoint'][0]
    three = np.stack([raw, raw + 1, raw + 2])
    out = FormatGCNInput(num_persons=2)(dict(keypoint=three))['keypoint']
    assert out.shape == (1, 2, 44, 20, 3)
    np.testing.assert_array_equal(out[0, 0], raw)
    np.testing.assert_array_equal(out[0, 1], raw + 1)


def test_clip_split(sample):
    np.random.seed(0)
    results = UniformSampleFrames(clip_len=10, num_clips=4)(dict(sample, test_mode=True))
    results = PoseDecode()(results)
    decoded = results['keypoint'].copy()  # [1, 40, 20, 3]
    out = FormatGCNInput(num_persons=2)(results)['keypoint']
    assert out.shape == (4, 2, 10, 20, 3)  # [nc, M, T, V, C]
    for clip in range(4):
        np.testing.assert_array_equal(out[clip, 0], decoded[0, clip * 10:(clip + 1) * 10])
        assert np.all(out[clip, 1] == 0)


def test_clip_split_mismatch_raises(sample):
    with pytest.raises(ValueError, match='44 frames cannot be split into 3 clips'):
        FormatGCNInput(num_persons=1)(dict(sample, num_clips=3))


def test_keypoint_score_appended_when_still_present():
    keypoint = np.ones((1, 4, 17, 2), np.float32)
    score = np.full((1, 4, 17), 0.5, np.float32)
    out = FormatGCNInput(num_persons=1)(dict(keypoint=keypoint, keypoint_score=score))
    assert out['keypoint'].shape == (1, 1, 4, 17, 3) and 'keypoint_score' not in out
    assert np.all(out['keypoint'][..., 2] == 0.5)


def test_invalid_mode():
    with pytest.raises(ValueError, match="'zero' or 'loop'"):
        FormatGCNInput(mode='repeat')


def test_pack_action_inputs(sample):
    results = FormatGCNInput(num_persons=1)(dict(sample, num_clips=1, clip_len=44))
    expected = results['keypoint'].copy()
    packed = PackActionInputs()(results)
    assert set(packed) == {'inputs', 'data_samples'}
    inputs, data_sample = packed['inputs'], packed['data_samples']
    assert isinstance(inputs, torch.Tensor) and inputs.dtype == torch.float32
    assert tuple(inputs.shape) == (1, 1, 44, 20, 3)
    np.testing.assert_array_equal(inputs.numpy(), expected)
    assert isinstance(data_sample, ActionDataSample)
    assert data_sample.gt_label.dtype == torch.long
    assert data_sample.gt_label.tolist() == [0]  # a01 -> label 1 -> 0-based 0
    assert data_sample.frame_dir == 'a01_s01_e00_v01'
    assert data_sample.total_frames == 44
    assert data_sample.num_clips == 1 and data_sample.clip_len == 44
    assert 'img_shape' not in data_sample.metainfo


def test_pack_without_label_and_custom_meta_keys():
    packed = PackActionInputs(meta_keys=('frame_dir',))(
        dict(keypoint=np.zeros((1, 1, 2, 20, 3), np.float32), frame_dir='x', total_frames=2))
    assert 'gt_label' not in packed['data_samples']
    assert packed['data_samples'].metainfo == {'frame_dir': 'x'}
    with pytest.raises(KeyError, match='keypoint'):
        PackActionInputs()(dict(label=1))


def test_whole_nwucla_pipeline(sample):
    """The pipeline of configs/_base_/datasets/nwucla.py, in test mode."""
    pipeline = [PreNormalize3D(center_joint=1), GenSkeFeat(layout='nw-ucla', feats=['j']),
                UniformSampleFrames(clip_len=52), PoseDecode(), FormatGCNInput(num_persons=1),
                PackActionInputs()]
    results = dict(sample, test_mode=True)
    for transform in pipeline:
        results = transform(results)
    assert tuple(results['inputs'].shape) == (1, 1, 52, 20, 3)
    # frame 0 is sampled (44 < 52 loops from a start); the spine joint of frame 0 is the origin
    inds = UniformSampleFrames(clip_len=52).sample(44, test_mode=True)
    first = int(np.flatnonzero(inds == 0)[0])
    np.testing.assert_allclose(results['inputs'][0, 0, first, 1].numpy(), 0, atol=1e-6)
    assert results['data_samples'].gt_label.tolist() == [0]
