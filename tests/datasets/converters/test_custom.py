import json

import numpy as np
import pytest
import torch
from mmengine import Config

from mmskel.datasets.converters.custom import (convert_custom, format_summary, load_keypoint_file,
                                               split_samples)
from mmskel.datasets.io import load_annotations
from mmskel.registry import DATASETS, MODELS
from mmskel.structures import get_layout
from mmskel.utils import register_all_modules

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0,
            joint_names=['wrist', 'a', 'b', 'c', 'd'])


def _pose(seed: int, shape=(6, 17, 2)) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 100, shape).astype(np.float32)


def test_every_format_reads_back(tmp_path):
    root = tmp_path / 'root'
    (root / 'wave').mkdir(parents=True)
    (root / 'clap').mkdir()
    one, two, score = _pose(0), _pose(1, (2, 6, 17, 2)), _pose(2, (2, 6, 17)) / 100
    np.save(root / 'wave' / 'a.npy', one)
    np.savez(root / 'wave' / 'b.npz', keypoint=two)
    (root / 'clap' / 'c.json').write_text(json.dumps(dict(keypoint=one.tolist())))
    (root / 'clap' / 'e.json').write_text(json.dumps(dict(keypoint=two.tolist(),
                                                          keypoint_score=score.tolist())))
    csv = root / 'clap' / 'd.csv'
    rows = one.reshape(6, -1).tolist()
    csv.write_text('x0,y0\n' + '\n'.join(','.join(map(repr, row)) for row in rows))
    summary = convert_custom(root, tmp_path / 'out' / 'mine.pkl', 'coco', split_by='regex:^d$',
                             img_shape=(100, 100), progress=False)
    data = load_annotations(str(tmp_path / 'out' / 'mine.pkl'))

    assert summary['num_samples'] == 4
    assert summary['skipped'] == {'inconsistent channels': ['clap/e.json']}
    assert summary['details']['clap/e.json'] == ('2 channels with keypoint_score, but most '
                                                 'samples have 2 channels without keypoint_score')
    assert data['classes'] == ['clap', 'wave'] and summary['classes'] == data['classes']
    assert data['split'] == {'train': ['c', 'a', 'b'], 'val': ['d']}
    samples = {s['frame_dir']: s for s in data['annotations']}
    assert {k: s['label'] for k, s in samples.items()} == dict(a=1, b=1, c=0, d=0)
    for key in 'acd':
        np.testing.assert_allclose(samples[key]['keypoint'], one[None], rtol=1e-6)
    np.testing.assert_array_equal(samples['b']['keypoint'], two)
    assert 'keypoint_score' not in samples['b']
    with_score = load_keypoint_file(root / 'clap' / 'e.json', get_layout('coco'))
    np.testing.assert_allclose(with_score['keypoint_score'], score, rtol=1e-6)
    assert samples['a']['img_shape'] == (100, 100) and samples['a']['total_frames'] == 6
    assert 'classes: clap 2, wave 2' in format_summary(summary)
    cfg = Config.fromfile(summary['config'])
    assert cfg.train_dataloader.dataset.pipeline.normalize == dict(type='PreNormalize2D')
    assert (cfg.layout, cfg.num_classes, cfg.num_persons) == ('coco', 2, 2)  # b has 2
    assert cfg.model.backbone.in_channels == 2


def test_joint_count_must_match_layout(tmp_path):
    root = tmp_path / 'root'
    (root / 'wave').mkdir(parents=True)
    np.save(root / 'wave' / 'good.npy', _pose(0, (4, 25, 3)))
    np.save(root / 'wave' / 'coco.npy', _pose(1, (4, 17, 3)))
    (root / 'wave' / 'odd.csv').write_text('1,2,3,4\n5,6,7,8\n')
    np.save(root / 'wave' / 'flat.npy', _pose(2, (4, 25)))
    (root / 'wave' / 'broken.json').write_text('{"keypoint": [[')
    summary = convert_custom(root, tmp_path / 'n.pkl', 'nturgb+d', progress=False)

    assert summary['num_samples'] == 1
    assert summary['skipped'] == {'wrong joint count': ['wave/coco.npy', 'wave/odd.csv'],
                                  'bad shape': ['wave/flat.npy'],
                                  'unreadable file': ['wave/broken.json']}
    assert summary['details']['wave/coco.npy'] == \
        "keypoint has 17 joints, layout 'nturgb+d' has 25"
    assert 'wave/coco.npy (keypoint has 17 joints' in format_summary(summary)
    (root / 'wave' / 'good.npy').unlink()
    with pytest.raises(ValueError, match=r'none of 4 files .* wave/coco.npy \(keypoint has 17'):
        convert_custom(root, tmp_path / 'm.pkl', 'nturgb+d', progress=False)


def test_normalised_coordinates_with_img_shape_are_skipped(tmp_path):
    root = tmp_path / 'root'
    (root / 'wave').mkdir(parents=True)
    np.save(root / 'wave' / 'pixels.npy', _pose(0, (4, 17, 2)))
    np.save(root / 'wave' / 'unit.npy', _pose(1, (4, 17, 2)) / 100)  # in [0, 1]
    summary = convert_custom(root, tmp_path / 'p.pkl', 'coco', img_shape=(100, 100),
                             progress=False)
    assert summary['num_samples'] == 1
    assert summary['skipped'] == {'normalised coordinates': ['wave/unit.npy']}
    assert summary['details']['wave/unit.npy'].startswith(
        'every non-zero x, y lies in [-1.5, 1.5], but --img-shape asks for pixels')
    summary = convert_custom(root, tmp_path / 'n.pkl', 'coco', progress=False)
    assert summary['num_samples'] == 2  # without img_shape, normalised data is welcome


def test_label_csv_and_custom_layout_json(tmp_path):
    root = tmp_path / 'root'
    root.mkdir()
    for i in range(4):
        np.save(root / f's{i}.npy', _pose(i, (3, 5, 3)))
    (root / 'labels.csv').write_text('sample_id,label_name\ns0,open\ns1,close\ns2,open\n')
    (tmp_path / 'hand.json').write_text(json.dumps(HAND))
    summary = convert_custom(root, tmp_path / 'h.pkl', tmp_path / 'hand.json',
                             labels=root / 'labels.csv', split_by='ratio:1', progress=False)
    data = load_annotations(str(tmp_path / 'h.pkl'))

    assert summary['num_files'] == 4 and summary['skipped'] == {'no label': ['s3.npy']}
    assert data['classes'] == ['close', 'open']
    assert [s['label'] for s in data['annotations']] == [1, 0, 1]
    assert data['split'] == {'train': ['s0', 's1', 's2'], 'val': []}
    with pytest.raises(KeyError, match='neither a built-in layout'):
        convert_custom(root, tmp_path / 'x.pkl', 'no-such-layout', progress=False)


def test_ratio_split_is_stratified_and_deterministic():
    ids = [f'id{i:02d}' for i in range(50)]
    labels = [0] * 30 + [1] * 10 + [2] * 10
    split = split_samples(ids, labels, 'ratio:0.8', seed=0)

    assert split == split_samples(ids, labels, 'ratio:0.8', seed=0)
    assert split != split_samples(ids, labels, 'ratio:0.8', seed=1)
    val = set(split['val'])
    assert [sum(i in val for i, k in zip(ids, labels) if k == c) for c in range(3)] == [6, 2, 2]
    assert sorted(split['train'] + split['val']) == ids
    with pytest.raises(ValueError, match='ratio:R'):
        split_samples(ids, labels, 'half')


def test_starter_config_loads_and_builds(tmp_path):
    register_all_modules()
    root = tmp_path / 'root'
    for c, name in enumerate(['a', 'b', 'c']):
        (root / name).mkdir(parents=True)
        np.savez(root / name / f'{name}0.npz', keypoint=_pose(c, (2, 8, 5, 2)),
                 keypoint_score=np.ones((2, 8, 5), np.float32))
    summary = convert_custom(root, tmp_path / 'h.pkl', HAND, progress=False)
    cfg = Config.fromfile(summary['config'])

    assert summary['config'] == f"{tmp_path / 'h.pkl'}.config.py"
    assert cfg.model.backbone.in_channels == 3 and cfg.model.backbone.num_persons == 2
    assert cfg.model.cls_head.num_classes == 3 and cfg.layout == HAND
    assert cfg.train_dataloader.dataset.ann_file == str(tmp_path / 'h.pkl')
    assert cfg.train_cfg.max_epochs == 80 and cfg.default_scope == 'mmskel'
    model = MODELS.build(cfg.model)
    item = DATASETS.build(cfg.train_dataloader.dataset)[0]  # the config's own pipeline
    assert tuple(item['inputs'].shape) == (1, 2, 8, 5, 3)  # clip_len: the 8-frame data
    with torch.no_grad():
        scores = model(item['inputs'][None].float(), mode='tensor')
    assert scores.shape == (1, 3)
