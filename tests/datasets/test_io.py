"""Annotation pickles: round trip, restricted unpickling, validation messages, atomic dump."""
import io
import os
import pickle
from collections import OrderedDict, defaultdict

import numpy as np
import pytest
from conftest import shared_path

from mmskel.datasets.converters.kinetics import load_kinetics_json
from mmskel.datasets.io import (AnnotationError, dump_annotations, load_annotations,
                                looks_normalised, validate_annotations)
from mmskel.utils.safe_pickle import RestrictedUnpickler, load_pickle


def make_sample(frame_dir='S001C001P001R001A001', label=0, num_frames=6, num_persons=2,
                num_joints=25, channels=3, dtype=np.float32, score=False, seed=0):
    rng = np.random.RandomState(seed)
    sample = dict(frame_dir=frame_dir, label=label, total_frames=num_frames,
                  img_shape=(1080, 1920),
                  keypoint=rng.randn(num_persons, num_frames, num_joints, channels).astype(dtype))
    if score:
        sample['keypoint_score'] = rng.rand(num_persons, num_frames, num_joints).astype(dtype)
    return sample


class Harmless:
    """A plain custom object: the restricted unpickler refuses it, a trusted load builds it."""

    def __init__(self, value):
        self.value = value


class Malicious:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


def test_round_trip_keeps_values_dtypes_and_extra_keys(tmp_path):
    samples = [make_sample('a', 0, dtype=np.float16),
               make_sample('b', 3, num_frames=4, channels=2, score=True, seed=1),
               make_sample('c', 1, num_persons=1, seed=2)]
    split = {'xsub_train': ['a', 'c'], 'xsub_val': ['b']}
    path = tmp_path / 'ann.pkl'
    dump_annotations(samples, str(path), split=split, classes=['x', 'y', 'z', 'w'])
    data = load_annotations(str(path))
    assert data['split'] == split
    assert data['classes'] == ['x', 'y', 'z', 'w']
    assert [s['frame_dir'] for s in data['annotations']] == ['a', 'b', 'c']
    for original, loaded in zip(samples, data['annotations']):
        assert loaded.keys() == original.keys()
        assert loaded['label'] == original['label']
        assert loaded['img_shape'] == (1080, 1920)
        assert loaded['keypoint'].dtype == original['keypoint'].dtype
        np.testing.assert_array_equal(loaded['keypoint'], original['keypoint'])
    assert data['annotations'][0]['keypoint'].dtype == np.float16
    np.testing.assert_array_equal(data['annotations'][1]['keypoint_score'],
                                  samples[1]['keypoint_score'])
    # the file is a plain pickle that pyskl / mmaction2 read with pickle.load
    with open(path, 'rb') as f:
        raw = pickle.load(f)
    assert set(raw) == {'split', 'annotations', 'classes'}


def test_numpy_integer_label_and_ordered_dict_accepted(tmp_path):
    sample = make_sample(label=np.int64(7))
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split=OrderedDict(train=['S001C001P001R001A001']),
                         annotations=[sample]), f)
    data = load_annotations(str(path))
    assert data['annotations'][0]['label'] == 7
    assert data['split'] == {'train': ['S001C001P001R001A001']}


def test_bare_list_pickle_gets_empty_split(tmp_path):
    path = tmp_path / 'list.pkl'
    samples = [make_sample('a'), make_sample('b', seed=1)]
    with open(path, 'wb') as f:
        pickle.dump(samples, f)
    data = load_annotations(str(path))
    assert data['split'] == {}
    assert [s['frame_dir'] for s in data['annotations']] == ['a', 'b']
    np.testing.assert_array_equal(data['annotations'][1]['keypoint'], samples[1]['keypoint'])


def test_restricted_unpickler_refuses_code_execution(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}, annotations=[], payload=Malicious(marker)), f)
    with pytest.raises(AnnotationError) as info:
        load_annotations(str(path))
    message = str(info.value)
    assert str(path) in message
    assert 'refusing to load global' in message and 'system' in message
    assert 'trusted=True' in message
    assert not marker.exists()
    # the unpickler on its own raises pickle's error
    with open(path, 'rb') as f, pytest.raises(pickle.UnpicklingError, match='system'):
        RestrictedUnpickler(f).load()
    assert not marker.exists()


def test_trusted_loads_a_harmless_custom_object(tmp_path):
    path = tmp_path / 'custom.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}, annotations=[make_sample()], meta=Harmless(42)), f)
    with pytest.raises(AnnotationError, match='Harmless'):
        load_annotations(str(path))
    data = load_annotations(str(path), trusted=True)
    assert isinstance(data['meta'], Harmless) and data['meta'].value == 42
    assert load_pickle(str(path), trusted=True)['meta'].value == 42


class EvalPayload:
    def __reduce__(self):
        return eval, ('1 + 1',)


@pytest.mark.parametrize('protocol', [0, 2, pickle.HIGHEST_PROTOCOL])
def test_restricted_unpickler_refuses_builtin_eval(protocol):
    data = pickle.dumps([EvalPayload()], protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match='builtins.eval'):
        RestrictedUnpickler(io.BytesIO(data)).load()


@pytest.mark.parametrize('protocol', [2, pickle.HIGHEST_PROTOCOL])
def test_restricted_unpickler_builds_arrays_and_builtins(tmp_path, protocol):
    # protocol 2 is what mmcv.dump (pyskl's converters) writes: builtins go by Python 2 names
    obj = dict(a=np.arange(6, dtype=np.int16).reshape(2, 3), b={1, 2}, c=frozenset([3]),
               d=np.float32(1.5), e=np.dtype('float16'), f=(1, 'x'), g=slice(1, 4),
               h=np.zeros((0, 3), np.float16), i=bytearray(b'xy'), j=complex(1, 2),
               k=defaultdict(list, x=[1]), l=defaultdict(int), m=b'', n=10 ** 30)
    path = tmp_path / 'ok.pkl'
    with open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=protocol)
    loaded = load_pickle(str(path))
    np.testing.assert_array_equal(loaded['a'], obj['a'])
    assert loaded['a'].dtype == np.int16
    assert loaded['b'] == {1, 2} and loaded['c'] == frozenset([3])
    assert loaded['d'] == np.float32(1.5) and loaded['e'] == np.dtype('float16')
    assert loaded['g'] == slice(1, 4) and loaded['i'] == bytearray(b'xy')
    assert loaded['h'].shape == (0, 3) and loaded['j'] == 1 + 2j
    assert loaded['k']['x'] == [1] and loaded['k']['new'] == []
    assert loaded['l']['new'] == 0
    assert loaded['m'] == b'' and loaded['n'] == 10 ** 30


def test_protocol_2_annotation_file_loads_and_an_empty_person_is_refused(tmp_path):
    path = tmp_path / 'p2.pkl'
    sample = make_sample('one', num_persons=1, channels=2, score=True)
    with open(path, 'wb') as f:
        pickle.dump(dict(split={'train': ['one']}, annotations=[sample]), f, protocol=2)
    loaded = load_annotations(str(path))['annotations'][0]
    assert loaded['keypoint'].shape == (1, 6, 25, 2)
    assert loaded['keypoint_score'].shape == (1, 6, 25)
    # zero-size arrays unpickle, but a sample without persons would train as all-zero input
    sample = make_sample('empty', num_persons=0, channels=2, score=True)
    with open(path, 'wb') as f:
        pickle.dump(dict(split={'train': ['empty']}, annotations=[sample]), f, protocol=2)
    assert load_pickle(str(path))['annotations'][0]['keypoint'].shape == (0, 6, 25, 2)
    with pytest.raises(AnnotationError, match=r"sample 0 \(frame_dir='empty'\), field "
                       r"'keypoint': no persons \(M\): shape \(0, 6, 25, 2\)"):
        load_annotations(str(path))


@pytest.mark.parametrize('content', [b'this is not a pickle', b'', b'\x80\x05\x95'])
def test_corrupt_file_names_the_file(tmp_path, content):
    path = tmp_path / 'broken.pkl'
    path.write_bytes(content)
    with pytest.raises(AnnotationError) as info:
        load_annotations(str(path))
    assert str(path) in str(info.value)


def test_truncated_file_names_the_file(tmp_path):
    path = tmp_path / 'ann.pkl'
    dump_annotations([make_sample('a'), make_sample('b', seed=1)], str(path))
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    for trusted in (False, True):
        with pytest.raises(AnnotationError) as info:
            load_annotations(str(path), trusted=trusted)
        assert str(path) in str(info.value)


def test_wrong_top_level_type(tmp_path):
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(samples=[]), f)
    with pytest.raises(AnnotationError, match=r"'split' and 'annotations'.*\['samples'\]"):
        load_annotations(str(path))


def _set(field, value):
    def edit(sample):
        sample[field] = value
    return edit


def _drop(field):
    def edit(sample):
        del sample[field]
    return edit


def _nan(sample):
    sample['keypoint'][0, 1, 2, 0] = np.nan


def _scaled(factor):
    def edit(sample):
        sample['keypoint'] = sample['keypoint'] * np.float32(factor)
    return edit


def _at(person, frame, joint, channel, value):
    def edit(sample):
        sample['keypoint'][person, frame, joint, channel] = value
    return edit


def _normalised(sample):
    sample['keypoint'] = np.clip(sample['keypoint'][..., :2] / 4, 0, 1).astype(np.float32)


BAD_SAMPLES = {
    'keypoint_normalised': (_normalised, 'keypoint', 'img_shape (1080, 1920) says they are '
                            'pixels; expected pixel coordinates'),
    'img_shape_one_number': (_set('img_shape', (1080, )), 'img_shape', 'expected (height, '
                             'width), two numbers > 0, got (1080,)'),
    'img_shape_zero': (_set('img_shape', (0, 1920)), 'img_shape', 'two numbers > 0'),
    'keypoint_3d': (_set('keypoint', np.zeros((6, 25, 3), np.float32)), 'keypoint',
                    'expected 4 dimensions'),
    'keypoint_channels': (_set('keypoint', np.zeros((2, 6, 25, 4), np.float32)), 'keypoint',
                          'last dimension'),
    'keypoint_ints': (_set('keypoint', np.zeros((2, 6, 25, 3), np.int32)), 'keypoint',
                      'expected floats'),
    'keypoint_list': (_set('keypoint', [[0.0]]), 'keypoint', 'numpy array'),
    'total_frames': (_set('total_frames', 7), 'total_frames', 'expected 6'),
    'score_shape': (_set('keypoint_score', np.zeros((2, 5, 25), np.float32)), 'keypoint_score',
                    'to match keypoint'),
    'label_negative': (_set('label', -1), 'label', 'int >= 0'),
    'label_str': (_set('label', '3'), 'label', "'3'"),
    'label_bool': (_set('label', True), 'label', 'True'),
    'label_missing': (_drop('label'), 'label', 'missing'),
    'frame_dir_missing': (_drop('frame_dir'), 'frame_dir', 'missing'),
    'frame_dir_int': (_set('frame_dir', 5), 'frame_dir', 'string'),
    'keypoint_missing': (_drop('keypoint'), 'keypoint', 'missing'),
    'keypoint_nan': (_nan, 'keypoint', 'contains NaN or inf values: 1 NaN and 0 inf (first at '
                     'person 0, frame 1, joint 2); expected finite numbers'),
    'keypoint_inf': (_set('keypoint', np.full((2, 6, 25, 3), np.inf, np.float32)), 'keypoint',
                     'contains NaN or inf values: 0 NaN and 900 inf'),
    'keypoint_nan_float16': (_set('keypoint', np.full((2, 6, 25, 3), np.nan, np.float16)),
                             'keypoint', '900 NaN and 0 inf (first at person 0, frame 0'),
    # finite but absurd: x1e30 trained to a NaN loss before
    'keypoint_absurd': (_scaled(1e30), 'keypoint', 'absurd magnitude -4.168e+29 at person 0, '
                        'frame 0, joint 0; expected |value| <= 1e+06'),
    'keypoint_just_past_limit': (_at(0, 3, 4, 1, -1.5e6), 'keypoint',
                                 'absurd magnitude -1.5e+06 at person 0, frame 3, joint 4'),
    'keypoint_no_frames': (_set('keypoint', np.zeros((2, 0, 25, 3), np.float32)), 'keypoint',
                           'no frames (T): shape (2, 0, 25, 3); expected at least one person, '
                           'frame and joint'),
    'keypoint_no_persons': (_set('keypoint', np.zeros((0, 6, 25, 3), np.float32)), 'keypoint',
                            'no persons (M): shape (0, 6, 25, 3)'),
    'keypoint_nothing': (_set('keypoint', np.zeros((0, 0, 25, 3), np.float32)), 'keypoint',
                         'no persons (M) and no frames (T)'),
    'score_nan': (_set('keypoint_score', np.full((2, 6, 25), np.nan, np.float32)),
                  'keypoint_score', 'contains NaN or inf values: 300 NaN and 0 inf'),
}


@pytest.mark.parametrize('case', sorted(BAD_SAMPLES))
def test_malformed_sample_message_names_file_sample_and_field(tmp_path, case):
    edit, field, detail = BAD_SAMPLES[case]
    samples = [make_sample('good_0'), make_sample('good_1', seed=1), make_sample('bad', seed=2)]
    edit(samples[2])
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}, annotations=samples), f)
    with pytest.raises(AnnotationError) as info:
        load_annotations(str(path))
    message = str(info.value)
    assert str(path) in message
    assert 'sample 2' in message
    expected_dir = "'bad'" if case not in ('frame_dir_missing', 'frame_dir_int') else ''
    assert f'frame_dir={expected_dir}' in message or case == 'frame_dir_int'
    assert f"field '{field}'" in message
    assert detail in message
    # dump_annotations refuses the same sample before writing anything
    out = tmp_path / 'out.pkl'
    with pytest.raises(AnnotationError, match=f"field '{field}'"):
        dump_annotations(samples, str(out))
    assert not out.exists()


def test_normalised_2d_coordinates_refused_only_where_pixels_are_expected():
    normalised = make_sample('normalised', channels=2)
    _normalised(normalised)
    normalised['keypoint'][1] = 0  # an absent person does not make it pixels
    with pytest.raises(AnnotationError, match=r"mem.pkl: sample 1 \(frame_dir='normalised'\), "
                       r"field 'keypoint': every non-zero x, y lies in \[-1.5, 1.5\]"):
        validate_annotations([make_sample(channels=2), normalised], 'mem.pkl')
    del normalised['img_shape']  # 2D GCN data, normalised on purpose
    validate_annotations([normalised], 'mem.pkl')
    signed = make_sample('signed', channels=2)
    signed['keypoint'] = np.clip(signed['keypoint'], -1, 1)  # [-1, 1], e.g. centred
    with pytest.raises(AnnotationError, match="'signed'"):
        validate_annotations([signed])
    pixels = make_sample('pixels', channels=2)
    pixels['keypoint'] = np.zeros_like(pixels['keypoint'])
    pixels['keypoint'][0, :, 3] = [1.6, 0.5]  # one joint past 1.5: pixels
    validate_annotations([pixels])
    pixels['keypoint'][0, :, 3] = 0  # nobody present: nothing to judge
    validate_annotations([pixels])
    metres = make_sample('metres', channels=3)
    metres['keypoint'] = np.clip(metres['keypoint'], -1, 1)  # 3D is not checked for pixels
    validate_annotations([metres])
    tiny = make_sample('tiny', channels=2)
    _normalised(tiny)
    tiny['img_shape'] = (1, 1)  # a unit frame: normalised coordinates are its pixels
    validate_annotations([tiny])


def test_looks_normalised_is_the_transforms_rule():
    keypoint = np.zeros((1, 2, 3, 3), np.float32)
    assert not looks_normalised(keypoint, (100, 100))
    keypoint[0, 0, 0] = [0.5, -0.9, 50.0]  # channels after x, y are not coordinates
    assert looks_normalised(keypoint, (100, 100))
    assert looks_normalised(keypoint.astype(np.float16), (100, 100))
    assert not looks_normalised(keypoint, (4, 3))
    keypoint[0, 1, 2, 1] = 1.04  # normalised, a joint just outside the frame (OpenPose)
    assert looks_normalised(keypoint, (100, 100))
    keypoint[0, 1, 2, 1] = 1.6
    assert not looks_normalised(keypoint, (100, 100))


def test_real_kinetics_pixels_pass_and_their_normalised_form_is_refused():
    path = shared_path('Kinetics-skeleton-samples', 'kinetics_val_old', '__NrybzYzUg.json')
    sample = dict(load_kinetics_json(path), label=0)
    assert sample['img_shape'] == (256, 340)
    validate_annotations([sample], 'k400.pkl')
    sample['keypoint'] = sample['keypoint'] / np.float32([340, 256])  # the json's own values
    with pytest.raises(AnnotationError, match=r"k400.pkl: sample 0 \(frame_dir='__NrybzYzUg'\), "
                       r"field 'keypoint'.*img_shape \(256, 340\)"):
        validate_annotations([sample], 'k400.pkl')


def test_non_dict_sample():
    with pytest.raises(AnnotationError, match=r"sample 1 .*'<sample>'.*got list"):
        validate_annotations([make_sample(), [1, 2]], 'mem.pkl')


def test_split_naming_an_unknown_id(tmp_path):
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={'train': ['a', 'ghost']}, annotations=[make_sample('a')]), f)
    with pytest.raises(AnnotationError) as info:
        load_annotations(str(path))
    message = str(info.value)
    assert str(path) in message and "split 'train'" in message and "'ghost'" in message
    assert '1 ids' in message


def test_require_keypoint_false_accepts_samples_without_keypoint():
    data = validate_annotations([dict(frame_dir='x', label=2, total_frames=30)],
                                require_keypoint=False)
    assert data['annotations'][0]['label'] == 2
    with pytest.raises(AnnotationError, match="field 'keypoint': missing"):
        validate_annotations([dict(frame_dir='x', label=2)])


def test_real_mmaction2_k400_annotation_sample():
    path = shared_path('mmaction2-k400-annotation-sample', 'sample.pkl')
    data = load_annotations(str(path), require_keypoint=False)
    assert list(data['split']) == ['train']
    assert len(data['split']['train']) == 100
    assert len(data['annotations']) == 100
    assert set(data['split']['train']) == {a['frame_dir'] for a in data['annotations']}
    first = data['annotations'][0]
    assert first['frame_dir'] == 'jf7RDuUTrsQ' and first['label'] == 325
    assert first['box_score'].dtype == np.float16 and first['frame_inds'].dtype == np.int16
    assert all(0 <= a['label'] < 400 for a in data['annotations'])
    # the default requires keypoints, which K400 keeps in separate files
    with pytest.raises(AnnotationError) as info:
        load_annotations(str(path))
    message = str(info.value)
    assert str(path) in message and 'sample 0' in message
    assert "frame_dir='jf7RDuUTrsQ'" in message and "field 'keypoint': missing" in message


def _leftovers(folder, name):
    return sorted(p.name for p in folder.iterdir() if p.name != name)


def test_atomic_dump_keeps_the_old_file_when_pickling_fails(tmp_path):
    path = tmp_path / 'ann.pkl'
    dump_annotations([make_sample('old')], str(path))
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        dump_annotations([make_sample('new')], str(path), extra_fn=lambda x: x)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path, 'ann.pkl') == []
    assert load_annotations(str(path))['annotations'][0]['frame_dir'] == 'old'


def test_atomic_dump_keeps_the_old_file_when_writing_stops_midway(tmp_path, monkeypatch):
    path = tmp_path / 'ann.pkl'
    dump_annotations([make_sample('old')], str(path))
    before = path.read_bytes()

    def half_dump(obj, f, protocol=None):
        f.write(pickle.dumps(obj, protocol)[:100])
        raise OSError('disk full')

    monkeypatch.setattr(pickle, 'dump', half_dump)
    with pytest.raises(OSError, match='disk full'):
        dump_annotations([make_sample('new')], str(path))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(tmp_path, 'ann.pkl') == []


def test_dump_creates_folders(tmp_path):
    path = tmp_path / 'a' / 'b' / 'ann.pkl'
    dump_annotations([make_sample()], str(path))
    assert load_annotations(str(path))['annotations'][0]['frame_dir'] == 'S001C001P001R001A001'
    assert _leftovers(path.parent, 'ann.pkl') == []


def _write(path, samples, **extra):
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}, annotations=samples, **extra), f)
    return str(path)


def test_label_outside_the_files_classes_is_refused(tmp_path):
    samples = [make_sample(f's{i}', label=i % 3, seed=i) for i in range(5)]
    samples[3]['label'] = 3  # the file names 3 classes: labels 0, 1, 2
    path = _write(tmp_path / 'ann.pkl', samples, classes=['a', 'b', 'c'])
    with pytest.raises(AnnotationError) as info:
        load_annotations(path)
    assert str(info.value) == (
        f"{path}: sample 3 (frame_dir='s3'), field 'label': expected a class index in [0, 3) "
        "(the file's 'classes' names 3), got 3 (1 samples are outside)")
    out = tmp_path / 'out.pkl'
    with pytest.raises(AnnotationError, match="sample 3 .*field 'label'"):
        dump_annotations(samples, str(out), classes=['a', 'b', 'c'])
    assert not out.exists()
    # the same labels with one more class name load
    samples[3]['label'] = 3
    assert len(load_annotations(_write(tmp_path / 'ok.pkl', samples,
                                       classes=['a', 'b', 'c', 'd']))['annotations']) == 5


def test_classes_that_are_not_a_list_are_refused(tmp_path):
    path = _write(tmp_path / 'ann.pkl', [make_sample('s0')], classes='abc')
    with pytest.raises(AnnotationError, match=r"ann.pkl: 'classes' must be a list of class "
                       r'names, got str'):
        load_annotations(path)


def test_duplicate_frame_dir_with_another_label_is_refused(tmp_path):
    samples = [make_sample('s0', 0), make_sample('s1', 1, seed=1), make_sample('s0', 2, seed=2)]
    path = _write(tmp_path / 'ann.pkl', samples)
    with pytest.raises(AnnotationError) as info:
        load_annotations(path)
    assert str(info.value) == (
        f"{path}: sample 2 (frame_dir='s0'), field 'frame_dir': also the id of sample 0, which "
        'has label 0 where this one has 2; expected unique ids (a split selects samples by '
        'frame_dir)')


def test_duplicate_frame_dir_with_the_same_label_is_kept_with_a_warning(tmp_path):
    samples = [make_sample('s0', 4), make_sample('s1', 1, seed=1), make_sample('s0', 4, seed=2)]
    path = _write(tmp_path / 'ann.pkl', samples)
    with pytest.warns(UserWarning, match=r"ann.pkl: 1 samples repeat the frame_dir of an "
                      r"earlier sample with the same label \(e.g. \['s0'\]\); each copy is kept"):
        data = load_annotations(path)
    assert [s['frame_dir'] for s in data['annotations']] == ['s0', 's1', 's0']


def test_real_pickles_stay_far_inside_the_magnitude_limit():
    """The bound refuses garbage, never real data: the largest real coordinates (NTU colour
    pixels, 1255) are three orders of magnitude below it."""
    from mmskel.datasets.io import KEYPOINT_LIMIT
    path = shared_path('Kinetics-skeleton-samples', 'kinetics_val_old', '__NrybzYzUg.json')
    sample = dict(load_kinetics_json(path), label=0)  # pixels of a 340 x 256 frame
    validate_annotations([sample])
    assert 1 < np.abs(sample['keypoint']).max() < KEYPOINT_LIMIT / 1000
    # the same sample with a unit slip (x1e6) is refused
    sample['keypoint'] = sample['keypoint'] * 1e6
    with pytest.raises(AnnotationError, match="field 'keypoint': absurd magnitude"):
        validate_annotations([sample])
