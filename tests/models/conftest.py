"""Fixtures for model tests: a short real-data training run on NW-UCLA.

``nwucla_subset`` writes 80 real NW-UCLA sequences from 4 classes to a pickle; ``train_losses``
trains a recognizer on them through the pipeline of configs/_base_/datasets/nwucla.py (with a
shorter clip) and returns the loss of every SGD iteration, with fixed seeds.
"""
import json

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from torch.utils.data import DataLoader

from mmskel.datasets import PoseDataset, dump_annotations
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules

ACTIONS = (4, 5, 6, 11)  # walk around, sit down, stand up, throw (a07 / a10 do not exist)
PER_CLASS = 20


@pytest.fixture
def nwucla_subset(nwucla_root, tmp_path) -> str:
    samples = []
    for label, action in enumerate(ACTIONS):
        files = sorted(nwucla_root.glob(f'a{action:02d}_*.json'))[:PER_CLASS]
        assert len(files) == PER_CLASS
        for path in files:
            with open(path) as f:
                data = json.load(f)
            keypoint = np.array(data['skeletons'], dtype=np.float32)[None]  # [1, T, 20, 3]
            samples.append(dict(frame_dir=data['file_name'], label=label, keypoint=keypoint,
                                total_frames=keypoint.shape[1]))
    path = tmp_path / 'nwucla_subset.pkl'
    dump_annotations(samples, str(path), split={'train': [s['frame_dir'] for s in samples]})
    return str(path)


def _train(ann_file: str, model_cfg: dict, iterations: int = 40, clip_len: int = 20,
           lr: float = 0.05, batch_size: int = 16) -> list:
    register_all_modules()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small models: extra threads only contend on 2 cores
    try:
        torch.manual_seed(0)
        np.random.seed(0)  # UniformSampleFrames draws training clips from numpy's global state
        dataset = PoseDataset(ann_file, split='train', pipeline=[
            dict(type='PreNormalize3D', center_joint=1),
            dict(type='GenSkeFeat', layout='nw-ucla', feats=['j']),
            dict(type='UniformSampleFrames', clip_len=clip_len),
            dict(type='PoseDecode'),
            dict(type='FormatGCNInput', num_person=1),
            dict(type='PackActionInputs')])
        assert len(dataset) == len(ACTIONS) * PER_CLASS
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                            collate_fn=pseudo_collate, drop_last=True,
                            generator=torch.Generator().manual_seed(0))
        model = MODELS.build(model_cfg)
        model.init_weights()
        model.train()
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9,
                                               nesterov=True, weight_decay=5e-4))
        losses = []
        while len(losses) < iterations:
            for data in loader:
                losses.append(model.train_step(data, wrapper)['loss_cls'].item())
                if len(losses) == iterations:
                    break
    finally:
        torch.set_num_threads(threads)
    return losses


@pytest.fixture
def train_losses(nwucla_subset):
    """``train_losses(model_cfg, iterations=40, clip_len=20, lr=0.05)`` -> losses per step.

    ``model_cfg`` is a recognizer config for the ``nw-ucla`` layout, one person, 4 classes.
    """
    def run(model_cfg: dict, **kwargs) -> list:
        return _train(nwucla_subset, model_cfg, **kwargs)
    return run


def assert_loss_falls(losses: list, num_classes: int = len(ACTIONS),
                      ratio: float = 0.7) -> None:
    """Chance-level loss at the start, and the last five steps below ``ratio`` of the first."""
    first, last = np.mean(losses[:5]), np.mean(losses[-5:])
    assert first == pytest.approx(np.log(num_classes), abs=0.3), losses
    assert last < ratio * first, losses


@pytest.fixture
def loss_falls():
    """The check of :func:`assert_loss_falls`, as a fixture (test basenames stay unique)."""
    return assert_loss_falls
