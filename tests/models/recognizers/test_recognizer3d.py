"""Recognizer3D over heatmap volumes: batching, 10-clip x flip averaging, bad input, and short
training runs on heatmaps that the PoseC3D pipeline makes from real NW-UCLA sequences and from
the NTU samples' colour-camera pixels."""
import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'benchmarks'))
import heatmap_pipeline  # noqa: E402

NWUCLA_ACTIONS = (4, 5, 6, 11)  # walk around, sit down, stand up, throw
# SlowOnly at a quarter of PoseC3D's width, one block per stage
SMALL_SLOWONLY = dict(type='ResNet3dSlowOnly', in_channels=17, base_channels=8, num_stages=3,
                      out_indices=(2,), stage_blocks=(1, 1, 1), conv1_stride_s=1,
                      pool1_stride_s=1, inflate=(0, 1, 1), spatial_strides=(2, 2, 2),
                      temporal_strides=(1, 1, 2))


def small_model(num_classes=4, dropout_ratio=0., in_channels=17):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='Recognizer3D',
                              backbone=dict(SMALL_SLOWONLY, in_channels=in_channels),
                              cls_head=dict(type='I3DHead', in_channels=128,
                                            num_classes=num_classes,
                                            dropout_ratio=dropout_ratio)))
    model.init_weights()
    return model


def test_preprocessor_batches_heatmap_volumes():
    model = small_model()
    volumes = [torch.rand(20, 17, 4, 8, 8, dtype=torch.float64) for _ in range(3)]
    out = model.data_preprocessor(dict(inputs=volumes, data_samples=None))
    assert tuple(out['inputs'].shape) == (3, 20, 17, 4, 8, 8)
    assert out['inputs'].dtype == torch.float32
    torch.testing.assert_close(out['inputs'][1], volumes[1].float())


def test_ten_clips_and_their_flips_are_averaged_as_probabilities():
    model = small_model(num_classes=6).eval()
    with torch.no_grad():  # random statistics, so that clips differ in their scores
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm3d):
                module.weight.uniform_(0.5, 1.5)
                module.running_var.uniform_(0.5, 1.5)
        model.cls_head.fc_cls.weight.normal_(0, 1)  # scores of a few units, not hundredths
    generator = torch.Generator().manual_seed(0)
    inputs = torch.rand(2, 20, 17, 8, 16, 16, generator=generator)  # 10 clips + 10 flipped
    samples = [ActionDataSample().set_gt_label(k) for k in (1, 4)]
    with torch.no_grad():
        results = model(inputs, samples, mode='predict')
        per_clip = [[model(inputs[n, c][None, None], mode='tensor')[0] for c in range(20)]
                    for n in range(2)]
    for n, sample in enumerate(results):
        expected = torch.stack([scores.softmax(0) for scores in per_clip[n]]).mean(0)
        torch.testing.assert_close(sample.pred_score, expected)
        assert sample.pred_label.item() == expected.argmax().item()
        assert sample.gt_label.item() == (1, 4)[n]
    clip_scores = torch.stack(per_clip[0])
    assert (clip_scores.softmax(1).mean(0) - clip_scores.mean(0).softmax(0)).abs().max() > 0.01


def test_wrong_input_shapes_are_refused():
    model = small_model().eval()
    with pytest.raises(ValueError, match=r'inputs \[N, num_clips, C, T, H, W\], got shape '
                                         r'\(2, 17, 8, 16, 16\)'):
        model(torch.rand(2, 17, 8, 16, 16))  # no clip axis
    with pytest.raises(ValueError, match=r'C = 17 \(heatmap channels\)'):
        model(torch.rand(1, 2, 19, 8, 16, 16))  # limb heatmaps of 19 limbs


def nwucla_2d_samples(root: Path, per_class: int = 2) -> list:
    """2D samples (the 2D pickle's fields) of the first ``per_class`` sequences of each
    action, projected to COCO pixel joints as benchmarks/heatmap_pipeline.py does."""
    samples = []
    for label, action in enumerate(NWUCLA_ACTIONS):
        for path in sorted(root.glob(f'a{action:02d}_*.json'))[:per_class]:
            keypoint = heatmap_pipeline.coco_person(path)[None]  # [1, 100, 17, 2]
            samples.append(dict(
                frame_dir=path.stem, label=label, keypoint=keypoint, total_frames=100,
                keypoint_score=np.ones(keypoint.shape[:3], np.float32),
                img_shape=heatmap_pipeline.IMG_SHAPE, original_shape=heatmap_pipeline.IMG_SHAPE))
    return samples


@pytest.mark.integration  # trains on real data (conftest.py)
def test_training_loss_falls_on_real_nwucla_heatmaps(nwucla_root, loss_falls):
    # the PoseC3D train pipeline (random crop, flip, keypoint heatmaps), 16 frames of 32 x 32
    compose = heatmap_pipeline.build('mmskel', heatmap_pipeline.pipeline(
        'mmskel', 'train', clip_len=16, size=32))
    samples = nwucla_2d_samples(nwucla_root)
    assert len(samples) == 8
    losses = train_losses(small_model(), compose, samples, 40, (1, 17, 16, 32, 32))
    loss_falls(losses, ratio=0.5)  # measured: 1.38 -> 0.50


def train_losses(model, compose, samples: list, steps: int, shape: tuple) -> list:
    """The losses of ``steps`` SGD steps (PoseC3D's lr 0.2, Nesterov, wd 3e-4), each on all
    ``samples`` freshly augmented by ``compose`` (seeded), whose volumes must be ``shape``."""
    random.seed(0)
    np.random.seed(0)
    model.train()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9,
                                           nesterov=True, weight_decay=3e-4))
    losses = []
    for _ in range(steps):
        data = pseudo_collate([compose(dict(sample)) for sample in samples])
        assert tuple(data['inputs'][0].shape) == shape
        losses.append(model.train_step(data, wrapper)['loss_cls'].item())
    return losses


@pytest.mark.integration  # trains on real data (conftest.py)
def test_training_loss_falls_on_real_ntu_colour_pixel_heatmaps(loss_falls):
    """The NTU RGB+D samples' colour-camera pixels (all this project holds of NTU: five raw
    files), as the NTU converter's 2D pickle gives them, through the PoseC3D train pipeline
    with the nturgb+d layout's 25 joint channels."""
    from conftest import shared_path

    from mmskel.datasets.converters.ntu import load_ntu_sample
    files = sorted(shared_path('NTU-RGBD-skeleton-samples', 'LevelCA').glob('*.skeleton'))
    assert len(files) == 5
    samples = [dict(load_ntu_sample(path, coords='color'), label=k)
               for k, path in enumerate(files)]  # five actions, a class each
    configs = heatmap_pipeline.pipeline('mmskel', 'train', clip_len=16, size=32)
    for step in configs:
        if step['type'] in ('Flip', 'GeneratePoseTarget'):
            step['layout'] = 'nturgb+d'
    compose = heatmap_pipeline.build('mmskel', configs)
    losses = train_losses(small_model(num_classes=5, in_channels=25), compose, samples, 60,
                          (1, 25, 16, 32, 32))
    loss_falls(losses, num_classes=5, ratio=0.5)  # measured: 1.49 -> 0.47


def test_test_pipeline_output_predicts(nwucla_root):
    compose = heatmap_pipeline.build('mmskel', heatmap_pipeline.pipeline(
        'mmskel', 'test', clip_len=8, size=32))
    packed = compose(dict(nwucla_2d_samples(nwucla_root, per_class=1)[0], test_mode=True))
    assert tuple(packed['inputs'].shape) == (20, 17, 8, 32, 32)  # 10 clips + their flips
    model = small_model().eval()
    with torch.no_grad():
        result, = model.test_step(pseudo_collate([packed]))
    assert result.pred_score.shape == (4,) and result.pred_score.sum().item() == pytest.approx(1)
