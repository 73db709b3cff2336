"""Inference on one raw text skeleton file (.txt/.csv), read as the custom converter reads it."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from mmskel.apis import inference_skeleton, init_recognizer
from mmskel.apis.inputs import read_skeleton_input
from mmskel.datasets.converters.readers import TextFormat
from mmskel.datasets.converters.starter_config import write_starter_config
from mmskel.datasets.io import dump_annotations
from mmskel.structures import get_layout

REPO = Path(__file__).resolve().parents[2]
UCLA = get_layout('nw-ucla')
JOINT_ROWS = TextFormat('joint', ('x', 'y', 'z', 'score'))


def _clip(seed: int = 0, frames: int = 12) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 1, (frames, 20, 3)).astype(np.float32)


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    """The CPU starter config of a small nw-ucla pickle, untrained."""
    folder = tmp_path_factory.mktemp('text_model')
    path = folder / 'ucla.pkl'
    samples = [dict(frame_dir=f's{i}', label=i % 2, total_frames=12, keypoint=_clip(i)[None])
               for i in range(4)]
    dump_annotations(samples, str(path), split=dict(train=['s0', 's1'], val=['s2', 's3']),
                     classes=['a', 'b'], layout='nw-ucla')
    torch.manual_seed(0)
    return init_recognizer(write_starter_config(path)['cpu'], device='cpu')


def _joint_rows(path: Path, clip: np.ndarray) -> Path:
    """One joint a line: x y z and a Kinect-style tracking confidence (2)."""
    rows = clip.reshape(-1, 3)
    np.savetxt(path, np.c_[rows, np.full(len(rows), 2)], fmt='%.6f')
    return path


def test_a_text_file_predicts_as_the_same_array(model, tmp_path):
    clip = _clip(7)
    expected = inference_skeleton(model, clip, topk=2)
    text = _joint_rows(tmp_path / 's1_clip.txt', clip)
    result = inference_skeleton(model, str(text), topk=2, text=JOINT_ROWS)
    assert result.frame_dir == 's1_clip'
    assert result.labels == expected.labels
    np.testing.assert_allclose(result.all_scores, expected.all_scores, atol=1e-5)
    # one frame a line, comma separated, with a header: the default text format
    csv = tmp_path / 'clip.csv'
    np.savetxt(csv, clip.reshape(len(clip), -1), fmt='%.6f', delimiter=',',
               header=','.join(f'{a}{j}' for j in range(20) for a in 'xyz'), comments='')
    np.testing.assert_allclose(inference_skeleton(model, str(csv)).all_scores,
                               expected.all_scores, atol=1e-5)


def test_a_bad_text_file_is_named_with_its_line_and_cause(model, tmp_path):
    text = _joint_rows(tmp_path / 'bad.txt', _clip(1))
    lines = text.read_text().splitlines()
    lines[4] = '0.1 0.2 n/a 2'
    text.write_text('\n'.join(lines) + '\n')
    with pytest.raises(ValueError, match=r"bad\.txt: non-numeric value: line 5, column 3: 'n/a' "
                       'is not a number'):
        inference_skeleton(model, str(text), text=JOINT_ROWS)
    short = _joint_rows(tmp_path / 'short.txt', _clip(1)[:, :17])  # 17 joints a frame
    with pytest.raises(ValueError, match=r'short\.txt: wrong joint count: 204 joint lines is not '
                       'a multiple of 20 joints a frame'):
        inference_skeleton(model, str(short), text=JOINT_ROWS)
    with pytest.raises(ValueError, match=r'bad\.txt: a text file needs the number of joints'):
        read_skeleton_input(str(text), text=JOINT_ROWS)


def test_a_text_file_in_another_joint_order_is_refused(model, tmp_path):
    order = [3, 2, 1, 0] + list(range(4, 20))
    index = {old: new for new, old in enumerate(order)}
    other = dict(name='head_first', parents=[index[UCLA.parents[j]] for j in order],
                 center=index[UCLA.center])
    (tmp_path / 'head_first.json').write_text(json.dumps(other))
    text = _joint_rows(tmp_path / 'clip.txt', _clip(2)[:, order])
    with pytest.raises(ValueError, match=r"clip\.txt: clip: the input's joints follow layout "
                       "'head_first', the model's config expects layout 'nw-ucla'"):
        inference_skeleton(model, str(text), text=JOINT_ROWS,
                           layout=str(tmp_path / 'head_first.json'))


def test_demo_reads_a_raw_text_file(model, tmp_path, monkeypatch, capsys):
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    text = _joint_rows(tmp_path / 's2_walk.txt', _clip(3))
    spec = importlib.util.spec_from_file_location('demo_skeleton',
                                                  REPO / 'demo' / 'demo_skeleton.py')
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    base = ['demo_skeleton.py', str(text), model.cfg.filename, str(checkpoint), '--device', 'cpu',
            '--topk', '2']
    monkeypatch.setattr(sys, 'argv', base)  # without the format: 4 values a line are no frame
    with pytest.raises(SystemExit, match=r"error: .*s2_walk\.txt: wrong joint count: line 1: 4 "
                       'values per line is not 20 joints'):
        demo.main()
    monkeypatch.setattr(sys, 'argv', base + ['--text-rows', 'joint', '--text-columns',
                                             'x,y,z,score', '--layout', 'nw-ucla'])
    demo.main()
    out = capsys.readouterr().out
    assert 's2_walk: top-2' in out
    assert '1. a ' in out or '1. b ' in out


def test_a_json_input_that_is_not_keypoints_is_named(tmp_path):
    (tmp_path / 'a.json').write_text('{"keypoint": [1,')
    with pytest.raises(ValueError, match=r'a.json: not readable json \(Expecting value'):
        read_skeleton_input(str(tmp_path / 'a.json'))
    (tmp_path / 'b.json').write_text('7')
    with pytest.raises(ValueError, match=r"b.json: expected a list or a dict with 'keypoint', "
                                         r'got int$'):
        read_skeleton_input(str(tmp_path / 'b.json'))
