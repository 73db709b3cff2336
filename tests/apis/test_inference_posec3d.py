"""init_recognizer / inference_skeleton on a PoseC3D config (X3D-shallow, NW-UCLA projected to 2D
pixels): 2D keypoints and scores in, the same scores as the test dataloader's, with img_shape
given, read from the input, or taken from the keypoints' extent."""
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from mmskel.apis import inference_skeleton, init_recognizer
from mmskel.apis.inference import keypoint_extent
from mmskel.registry import DATASETS
from mmskel.utils import register_all_modules

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'posec3d' / 'x3d_shallow_nwucla_xview_keypoint.py'


@pytest.fixture(scope='module')
def pixels(nwucla_pixels) -> Path:
    return nwucla_pixels  # tests/conftest.py


@pytest.fixture(scope='module')
def model(pixels):
    torch.manual_seed(0)
    return init_recognizer(str(CONFIG), device='cpu', cfg_options={
        'model.backbone.base_channels': 8, 'model.cls_head.in_channels': 72,
        'test_dataloader.dataset.ann_file': str(pixels),
        'test_dataloader.dataset.pipeline.sample.num_clips': 2})


@pytest.fixture(scope='module')
def annotations(pixels) -> dict:
    with open(pixels, 'rb') as f:
        return pickle.load(f)


def dataloader_scores(model, index: int) -> tuple:
    """Scores and frame_dir of val sample ``index`` through the config's test dataset, as
    tools/test.py runs it."""
    register_all_modules()
    dataset = DATASETS.build(model.cfg.test_dataloader.dataset)
    data = dataset[index]
    with torch.no_grad():
        predicted = model.test_step(dict(inputs=[data['inputs']],
                                         data_samples=[data['data_samples']]))[0]
    return predicted.pred_score.numpy(), data['data_samples'].metainfo['frame_dir']


def test_pixel_keypoints_give_the_scores_of_the_test_dataloader(model, annotations, pixels):
    expected, frame_dir = dataloader_scores(model, 7)
    assert model.class_names[0] == 'pick up with one hand' and len(expected) == 10
    sample = next(s for s in annotations['annotations'] if s['frame_dir'] == frame_dir)
    assert sample['img_shape'] == (1080, 1920)
    from_file = inference_skeleton(model, str(pixels), sample=frame_dir, topk=3)
    assert from_file.frame_dir == frame_dir and len(from_file.labels) == 3
    np.testing.assert_allclose(from_file.all_scores, expected, atol=1e-6)
    # a raw [M, T, V, 3] array (x, y, score) has no img_shape: the given one, or the extent
    raw = np.concatenate([sample['keypoint'], sample['keypoint_score'][..., None]], axis=-1)
    given = inference_skeleton(model, raw, img_shape=(1080, 1920)).all_scores
    extent = inference_skeleton(model, raw).all_scores
    split = inference_skeleton(model, sample['keypoint'],
                               keypoint_score=sample['keypoint_score']).all_scores
    # PoseCompact pads the pose box beyond the frame (allow_imgpad), so the canvas does not count
    for scores in (given, extent, split):
        np.testing.assert_allclose(scores, expected, atol=1e-6)
    assert abs(float(expected.sum()) - 1) < 1e-5


def test_keypoint_extent_is_the_frame_that_holds_every_joint():
    keypoint = np.zeros((2, 3, 20, 2), np.float32)
    keypoint[0, 1, 4] = (99.2, 12.0)
    keypoint[1, 2, 7] = (30.0, 49.0)
    assert keypoint_extent(keypoint, 'clip') == (50, 101)  # pixels 0..49 and 0..100
    with pytest.raises(ValueError, match=r'clip: keypoints look normalised'):
        keypoint_extent(keypoint / 100, 'clip')
    with pytest.raises(ValueError, match=r'clip: every keypoint is 0'):
        keypoint_extent(np.zeros_like(keypoint), 'clip')


def test_bad_heatmap_inputs_are_refused_naming_what_was_expected(model, annotations):
    sample = annotations['annotations'][0]
    normalised = sample['keypoint'] / 1920
    with pytest.raises(ValueError, match='look normalised.*pixel coordinates'):
        inference_skeleton(model, normalised, keypoint_score=sample['keypoint_score'])
    with pytest.raises(ValueError, match=r'img_shape must be \(height, width\) > 0'):
        inference_skeleton(model, sample['keypoint'], keypoint_score=sample['keypoint_score'],
                           img_shape=(1080,))
    with pytest.raises(ValueError, match=r'has 17 joints; the config\'s layout \'nw-ucla\''):
        inference_skeleton(model, sample['keypoint'][:, :, :17],
                           keypoint_score=sample['keypoint_score'][:, :, :17])
