"""An annotation pickle carries its layout: stored, read back, checked against every sample."""
import pickle

import numpy as np
import pytest

from mmskel.datasets.io import (AnnotationError, annotation_layout, dump_annotations,
                                load_annotations)
from mmskel.structures import get_layout

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0)


def _sample(name: str, joints: int) -> dict:
    keypoint = np.ones((1, 4, joints, 3), np.float32)
    return dict(frame_dir=name, label=0, total_frames=4, keypoint=keypoint)


def test_layout_is_stored_and_read_back(tmp_path):
    path = tmp_path / 'a.pkl'
    dump_annotations([_sample('a', 20)], str(path), split=dict(train=['a']), layout='nw-ucla')
    with open(path, 'rb') as f:
        raw = pickle.load(f)  # a plain pickle, as pyskl and mmaction2 read it
    assert raw['layout'] == 'nw-ucla' and set(raw) == {'split', 'annotations', 'layout'}
    assert annotation_layout(load_annotations(str(path))) is get_layout('nw-ucla')
    dump_annotations([_sample('h', 5)], str(tmp_path / 'h.pkl'), layout=HAND)
    data = load_annotations(str(tmp_path / 'h.pkl'))
    assert data['layout'] == HAND and annotation_layout(data).parents == (0, 0, 1, 2, 3)
    assert annotation_layout(dict(annotations=[])) is None  # older pickles carry none


def test_joint_count_must_match_the_stored_layout(tmp_path):
    path = tmp_path / 'bad.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}, annotations=[_sample('ok', 20), _sample('coco', 17)],
                         layout='nw-ucla'), f)
    with pytest.raises(AnnotationError) as error:
        load_annotations(str(path))
    assert str(error.value) == (
        f"{path}: sample 1 (frame_dir='coco'), field 'keypoint': 17 joints (shape "
        "(1, 4, 17, 3)), but the file's layout 'nw-ucla' has 20")
    with pytest.raises(AnnotationError, match='bad.pkl'):
        dump_annotations([_sample('x', 17)], str(path), layout='nw-ucla')
    with open(path, 'rb') as f:
        assert pickle.load(f)['annotations'][1]['frame_dir'] == 'coco'  # not overwritten


@pytest.mark.parametrize('layout, message', [
    ('nw_ucla', "unknown layout 'nw_ucla'"),
    (dict(parents=[0, 0]), "custom layout dict lacks ['center']"),
    (dict(parents=[1, 0], center=0), 'centre 0 must be a joint that is its own parent')])
def test_invalid_layout_is_named(tmp_path, layout, message):
    with pytest.raises(AnnotationError) as error:
        dump_annotations([_sample('a', 2)], str(tmp_path / 'x.pkl'), layout=layout)
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 'x.pkl'}: top-level 'layout': expected a built-in "
                           'layout name or a layout dict')
    assert message in text
    assert not (tmp_path / 'x.pkl').exists()
