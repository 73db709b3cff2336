"""A short training run on real NW-UCLA skeletons: the loss must fall.

80 real sequences from 4 classes go through the pipeline of configs/_base_/datasets/nwucla.py
(with a shorter clip) into a small ST-GCN, trained for 40 SGD iterations (8 epochs) with fixed
seeds.
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
ITERATIONS = 40


@pytest.fixture
def ann_file(nwucla_root, tmp_path):
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


def test_training_loss_falls_on_real_nwucla(ann_file):
    register_all_modules()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a small model: extra threads only contend on 2 cores
    try:
        torch.manual_seed(0)
        np.random.seed(0)  # UniformSampleFrames draws training clips from numpy's global state
        dataset = PoseDataset(ann_file, split='train', pipeline=[
            dict(type='PreNormalize3D', center_joint=1),
            dict(type='GenSkeFeat', layout='nw-ucla', feats=['j']),
            dict(type='UniformSampleFrames', clip_len=20),
            dict(type='PoseDecode'),
            dict(type='FormatGCNInput', num_person=1),
            dict(type='PackActionInputs')])
        assert len(dataset) == len(ACTIONS) * PER_CLASS
        assert tuple(dataset[0]['inputs'].shape) == (1, 1, 20, 20, 3)
        loader = DataLoader(dataset, batch_size=16, shuffle=True, collate_fn=pseudo_collate,
                            generator=torch.Generator().manual_seed(0), drop_last=True)
        model = MODELS.build(dict(
            type='RecognizerGCN',
            backbone=dict(type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial'),
                          base_channels=16, num_stages=4, inflate_stages=(3,),
                          down_stages=(3,)),
            cls_head=dict(type='GCNHead', num_classes=len(ACTIONS), in_channels=32)))
        model.init_weights()
        model.train()
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9,
                                               nesterov=True, weight_decay=5e-4))
        losses = []
        while len(losses) < ITERATIONS:
            for data in loader:
                losses.append(model.train_step(data, wrapper)['loss_cls'].item())
                if len(losses) == ITERATIONS:
                    break
    finally:
        torch.set_num_threads(threads)
    first, last = np.mean(losses[:5]), np.mean(losses[-5:])
    assert first == pytest.approx(np.log(len(ACTIONS)), abs=0.3)  # chance level at the start
    assert last < 0.7 * first, losses
