"""The inference API and the demo check the input's layout against the model's, and warn on
an input with no pose."""
import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from mmskel.apis import inference_skeleton, init_recognizer
from mmskel.datasets.converters.starter_config import write_starter_config
from mmskel.datasets.io import dump_annotations
from mmskel.structures import get_layout

REPO = Path(__file__).resolve().parents[2]
UCLA = get_layout('nw-ucla')
ORDER = [3, 2, 1, 0] + list(range(4, 20))  # another order of the same 20 joints


def _head_first() -> dict:
    index = {old: new for new, old in enumerate(ORDER)}
    return dict(name='head_first', parents=[index[UCLA.parents[j]] for j in ORDER],
                center=index[UCLA.center])


def _samples(num: int = 4) -> list:
    rng = np.random.default_rng(0)
    return [dict(frame_dir=f's{i}', label=i % 2, total_frames=12,
                 keypoint=rng.normal(0, 1, (1, 12, 20, 3)).astype(np.float32))
            for i in range(num)]


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    """The CPU starter config of a small nw-ucla pickle, untrained."""
    folder = tmp_path_factory.mktemp('layout_model')
    path = folder / 'ucla.pkl'
    dump_annotations(_samples(), str(path), split=dict(train=['s0', 's1'], val=['s2', 's3']),
                     classes=['a', 'b'], layout='nw-ucla')
    torch.manual_seed(0)
    return init_recognizer(write_starter_config(path)['cpu'], device='cpu')


def test_input_in_another_joint_order_is_refused(model, tmp_path):
    assert model.layout == UCLA
    own = tmp_path / 'own.pkl'
    dump_annotations(_samples(2), str(own), layout='nw-ucla')
    assert inference_skeleton(model, str(own), sample='s1', topk=2).frame_dir == 's1'
    other = tmp_path / 'other.pkl'
    dump_annotations(_samples(2), str(other), layout=_head_first())
    with pytest.raises(ValueError) as error:
        inference_skeleton(model, str(other), sample='s1')
    assert str(error.value).startswith(
        f"{other}: s1: the input's joints follow layout 'head_first', the model's config "
        "expects layout 'nw-ucla': another joint order")
    (tmp_path / 'other.json').write_text(json.dumps(_head_first()))
    array = _samples(1)[0]['keypoint']
    with pytest.raises(ValueError, match="follow layout 'head_first'"):
        inference_skeleton(model, array, layout=str(tmp_path / 'other.json'))
    assert len(inference_skeleton(model, array, layout='nw-ucla', topk=2).labels) == 2


def test_all_zero_input_warns(model):
    with pytest.warns(UserWarning, match=r'<array>: every keypoint is 0 \(no pose was '
                      r'detected\); the prediction is meaningless'):
        result = inference_skeleton(model, np.zeros((12, 20, 3), np.float32))
    assert len(result.labels) == 2
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # a real pose gives no warning
        inference_skeleton(model, _samples(1)[0]['keypoint'])


def test_demo_checks_layout_option(model, tmp_path, monkeypatch, capsys):
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    np.save(tmp_path / 'clip.npy', _samples(1)[0]['keypoint'][0])
    spec = importlib.util.spec_from_file_location('demo_skeleton',
                                                  REPO / 'demo' / 'demo_skeleton.py')
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    (tmp_path / 'other.json').write_text(json.dumps(_head_first()))
    base = ['demo_skeleton.py', str(tmp_path / 'clip.npy'), model.cfg.filename,
            str(checkpoint), '--device', 'cpu', '--topk', '2']
    monkeypatch.setattr(sys, 'argv', base + ['--layout', str(tmp_path / 'other.json')])
    with pytest.raises(SystemExit, match="error: .*clip.npy: clip: the input's joints follow "
                       "layout 'head_first'"):
        demo.main()
    monkeypatch.setattr(sys, 'argv', base + ['--layout', 'nw-ucla'])
    demo.main()
    assert 'clip: top-2' in capsys.readouterr().out
