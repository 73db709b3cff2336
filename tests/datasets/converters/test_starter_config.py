"""Starter configs sized from the pickle: clip length, persons, classes, layout, CPU preset."""
import json

import numpy as np
import pytest
import torch
from mmengine import Config

from mmskel.datasets.converters.custom import convert_custom
from mmskel.datasets.converters.starter_config import (choose_clip_len, choose_cpu_epochs,
                                                       data_facts, write_starter_config)
from mmskel.datasets.io import dump_annotations, load_annotations
from mmskel.registry import DATASETS, MODELS
from mmskel.utils import register_all_modules

# a 5-joint layout in an order no built-in layout has
HAND = dict(name='five', parents=[1, 1, 1, 2, 3], center=1,
            joint_names=['a', 'wrist', 'b', 'c', 'd'])


def test_clip_length_follows_the_length_distribution():
    ucla_like = [21] * 25 + [31] * 25 + [46] * 25 + [81] * 25  # quartiles of NW-UCLA
    assert choose_clip_len(ucla_like) == 50  # 75th percentile 46 (the median is 31)
    assert choose_clip_len([39] * 10) == 40
    assert choose_clip_len([100, 300, 300, 300]) == 300
    assert choose_clip_len([6, 8, 8, 9]) == 9  # short data: rounded up, not to 10
    with pytest.raises(ValueError, match='no sequences'):
        choose_clip_len([])


def test_cpu_epochs_aim_at_a_fixed_step_count():
    assert choose_cpu_epochs(1019) == 16  # NW-UCLA's train split: 64 steps an epoch
    assert choose_cpu_epochs(40000) == 5  # never fewer than 5
    assert choose_cpu_epochs(8) == 50  # never more than 50
    assert choose_cpu_epochs(0) == 50


def _pickle(tmp_path, layout=HAND):
    """7 samples of 2 persons (the second present in one sample only), 12 to 60 frames."""
    rng = np.random.default_rng(0)
    samples = []
    for i, frames in enumerate([12, 20, 30, 40, 50, 60, 45]):
        keypoint = rng.normal(0, 1, (2, frames, 5, 3)).astype(np.float32)
        if i:
            keypoint[1] = 0  # padding: an absent person
        samples.append(dict(frame_dir=f's{i}', label=i % 3, total_frames=frames,
                            keypoint=keypoint))
    path = tmp_path / 'data.pkl'
    dump_annotations(samples, str(path), split=dict(train=['s0', 's1', 's2', 's3', 's4'],
                                                    val=['s5', 's6']),
                     classes=['x', 'y', 'z', 'w'], layout=layout)
    return path


def test_facts_come_from_the_pickle(tmp_path):
    facts = data_facts(_pickle(tmp_path))
    assert facts['layout'] == HAND and facts['num_classes'] == 4  # 'classes', not the labels
    assert facts['num_persons'] == 2 and facts['channels'] == 3 and not facts['with_score']
    assert facts['clip_len'] == 50 and facts['lengths']['median'] == 40
    assert facts['split_sizes'] == dict(train=5, val=2)
    bare = _pickle(tmp_path, layout=None)
    with pytest.raises(ValueError, match='carries no layout .* the joint count does not tell'):
        data_facts(bare)
    assert data_facts(bare, layout=HAND)['layout'] == HAND
    with pytest.raises(ValueError, match="says its layout is 'five', not the given 'other'"):
        data_facts(_pickle(tmp_path), layout=dict(HAND, name='other', parents=[0] * 5,
                                                  center=0))


def test_full_and_cpu_configs_build_and_run(tmp_path):
    register_all_modules()
    paths = write_starter_config(_pickle(tmp_path))
    full, cpu = Config.fromfile(paths['full']), Config.fromfile(paths['cpu'])
    assert paths['cpu'] == f"{tmp_path / 'data.pkl'}.cpu.config.py"
    assert (full.layout, full.num_classes, full.num_persons, full.clip_len) == (HAND, 4, 2, 50)
    assert full.model.backbone.graph_cfg.layout == HAND and full.train_cfg.max_epochs == 80
    assert cpu.layout == HAND and cpu.ann_file == full.ann_file
    assert cpu.max_epochs == cpu.train_cfg.max_epochs == 50 == cpu.param_scheduler[0].T_max
    assert cpu.model.backbone.base_channels == 16 and cpu.model.backbone.num_stages == 4
    assert cpu.train_dataloader.num_workers == 0 and cpu.train_cfg.val_interval == 10
    sizes = {name: sum(p.numel() for p in MODELS.build(cfg.model).parameters())
             for name, cfg in (('full', full), ('cpu', cpu))}
    assert sizes['full'] > 30 * sizes['cpu']
    model = MODELS.build(cpu.model)
    item = DATASETS.build(cpu.train_dataloader.dataset)[0]  # the config's own pipeline
    assert tuple(item['inputs'].shape) == (1, 2, 50, 5, 3)
    with torch.no_grad():
        assert model(item['inputs'][None], mode='tensor').shape == (1, 4)


def test_converter_stores_the_layout_json_and_sizes_from_it(tmp_path):
    root = tmp_path / 'root'
    for name, frames in (('open', 30), ('close', 34)):
        (root / name).mkdir(parents=True)
        for i in range(3):
            np.save(root / name / f'{name}{i}.npy',
                    np.random.default_rng(i).normal(0, 1, (frames + i, 5, 3)).astype('float32'))
    (tmp_path / 'hand.json').write_text(json.dumps(HAND))
    summary = convert_custom(root, tmp_path / 'h.pkl', tmp_path / 'hand.json', progress=False)
    assert load_annotations(str(tmp_path / 'h.pkl'))['layout'] == HAND
    assert summary['cpu_config'] == f"{tmp_path / 'h.pkl'}.cpu.config.py"
    cfg = Config.fromfile(summary['cpu_config'])
    assert cfg.layout == HAND and cfg.clip_len == 30 and cfg.num_persons == 1


def test_normalisation_follows_the_data(tmp_path):
    hand = Config.fromfile(write_starter_config(_pickle(tmp_path))['full'])
    assert hand.train_dataloader.dataset.pipeline.normalize == dict(
        type='PreNormalize3D', center_joint=1, align_spine=False)  # no spine named: centre
    rng = np.random.default_rng(0)
    ucla = tmp_path / 'ucla.pkl'
    dump_annotations([dict(frame_dir='a', label=0, total_frames=30,
                           keypoint=rng.normal(0, 1, (1, 30, 20, 3)).astype(np.float32))],
                     str(ucla), split=dict(train=['a']), layout='nw-ucla')
    turned = Config.fromfile(write_starter_config(ucla)['cpu'])
    assert turned.train_dataloader.dataset.pipeline.normalize == dict(
        type='PreNormalize3D', layout='nw-ucla')  # spine and shoulders named: turned
    assert turned.clip_len == 30 and turned.max_epochs == 50
    pixels = tmp_path / 'pixels.pkl'
    dump_annotations([dict(frame_dir='p', label=0, total_frames=8, img_shape=(480, 640),
                           keypoint=rng.uniform(0, 480, (1, 8, 17, 2)).astype(np.float32))],
                     str(pixels), layout='coco')
    flat = Config.fromfile(write_starter_config(pixels)['full'])
    assert flat.train_dataloader.dataset.pipeline.normalize == dict(type='PreNormalize2D')
    assert flat.model.backbone.in_channels == 2 and flat.clip_len == 8
