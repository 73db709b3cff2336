"""The restricted unpickler: no code, no allocation beyond the file's data, no numpy crash.

Each hand-written payload below is accepted by an unpickler that only checks the names of
globals (the one before issue 15, defect 7); each must be refused, naming the file.
"""
import pickle
import struct
import subprocess
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from mmskel.utils.safe_pickle import UnreadablePickleError, load_pickle

# builtins.bytearray(2**31 - 1): 28 bytes that allocate (and zero) 2 GiB
BYTEARRAY_BOMB = b'cbuiltins\nbytearray\nJ\xff\xff\xff\x7f\x85R.'
# an empty int8 array, as numpy pickles one: _reconstruct(ndarray, (0,), b'b')
EMPTY_ARRAY = (b'cnumpy._core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R')


def dtype(code: bytes, state: tuple) -> bytes:
    """numpy.dtype(code, False, True) followed by a BUILD with ``state`` (protocol 2 opcodes)."""
    return b'cnumpy\ndtype\n' + pickle.dumps(code.decode(), 2)[2:-1] + b'\x89\x88\x87R' \
        + pickle.dumps(state, 2)[2:-1] + b'b'


def array(shape: tuple, dtype_ops: bytes, data: bytes) -> bytes:
    """An array state (1, shape, dtype, False, data) built onto EMPTY_ARRAY."""
    return (EMPTY_ARRAY + b'(K\x01' + pickle.dumps(shape, 2)[2:-1] + dtype_ops + b'\x89'
            + b'C' + struct.pack('B', len(data)) + data + b'tb.')


PLAIN_F8 = (3, '<', None, None, None, -1, -1, 0)
PAYLOADS = {
    'a bytearray of a size': (BYTEARRAY_BOMB, r'bytes/bytearray\(2147483647\)'),
    'bytes of a size': (b'c__builtin__\nbytes\nJ\x00\x00\x00\x40\x85R.', r'bytes/bytearray'),
    'numpy.ndarray called': (b'cnumpy\nndarray\nJ\xff\xff\xff\x7f\x85\x85R.',
                             'refusing to call ndarray'),
    'an object dtype': (dtype(b'O8', (3, '|', None, None, None, -1, -1, 63)) + b'.',
                        "refusing numpy dtype 'O8'"),
    'a float dtype given the object flags': (
        dtype(b'f8', (3, '<', None, None, None, -1, -1, 63)) + b'.', 'only the plain state'),
    'a float dtype given object fields': (
        dtype(b'f8', (3, '|', None, ('a', ), {'a': (0, 0)}, 8, 1, 0)) + b'.',
        'only the plain state'),
    'a str dtype of a bad item size': (
        dtype(b'U2', (3, '<', None, None, None, 7, 4, 8)) + b'.', 'item size 7'),
    'an array larger than its data': (array((2 ** 31, ), dtype(b'u1', PLAIN_F8), b'x'),
                                      'declare 2147483648 bytes but the file holds 1'),
    'a non-empty _reconstruct': (
        b'cnumpy._core.multiarray\n_reconstruct\ncnumpy\nndarray\nJ\xff\xff\xff\x7f\x85C\x01b'
        b'\x87R.', 'a pickled array starts empty'),
    'a set of bytes': (b'cbuiltins\nset\nC\x03abc\x85R.', 'only from a list'),
    'NEWOBJ of bytearray': (b'\x80\x02cbuiltins\nbytearray\nJ\xff\xff\xff\x7f\x85\x81.',
                            'refusing NEWOBJ'),
    'a BUILD on a list': (b']}b.', 'refusing to set the state of a list'),
    'a system call': (b'cos\nsystem\nX\x04\x00\x00\x00true\x85R.', 'global os.system'),
    'INST of bytearray': (b'(J\xff\xff\xff\x7fibuiltins\nbytearray\n.', 'bytes/bytearray'),
}


@pytest.mark.parametrize('name', list(PAYLOADS))
def test_payloads_are_refused_naming_the_file(tmp_path: Path, name: str) -> None:
    payload, reason = PAYLOADS[name]
    path = tmp_path / 'evil.pkl'
    path.write_bytes(payload)
    with pytest.raises(UnreadablePickleError, match=reason) as info:
        load_pickle(str(path))
    assert str(info.value).startswith(f'{path}: refusing')


def test_the_memory_bomb_is_refused_without_a_large_allocation(tmp_path: Path) -> None:
    """A child process loads the 28-byte bomb and reports how much its peak memory grew: the
    unpickler that only checked names let it allocate 2 GiB before anything refused it."""
    path = tmp_path / 'bomb.pkl'
    path.write_bytes(BYTEARRAY_BOMB)
    assert len(BYTEARRAY_BOMB) == 28
    code = ('import resource, sys\n'
            'from mmskel.utils.safe_pickle import UnreadablePickleError, load_pickle\n'
            'before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n'
            'try:\n'
            '    load_pickle(sys.argv[1])\n'
            'except UnreadablePickleError as error:\n'
            '    print(error)\n'
            'print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n')
    result = subprocess.run([sys.executable, '-c', code, str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    message, growth_mb = result.stdout.strip().splitlines()
    assert message.startswith(f'{path}: refusing bytes/bytearray(2147483647)')
    assert 'trusted=True' in message
    # the peak (ru_maxrss) grew by less than 20 MB while loading (it is 0 here)
    assert int(growth_mb) < 20


def test_an_object_array_state_that_crashes_numpy_is_refused(tmp_path: Path) -> None:
    """numpy's ndarray.__setstate__ dereferences garbage (SIGSEGV) for an object dtype given a
    list shorter than the shape; via a float dtype whose state sets the object flags, the
    names of the globals are all harmless. The check runs in a child, which must not crash."""
    payload = array((4, ), dtype(b'f8', (3, '<', None, None, None, -1, -1, 63)), b'').replace(
        b'C\x00tb.', b']tb.')  # the data: an empty list, as numpy's object arrays have it
    path = tmp_path / 'crash.pkl'
    path.write_bytes(payload)
    code = ('import sys\nfrom mmskel.utils.safe_pickle import UnreadablePickleError, '
            'load_pickle\ntry:\n    load_pickle(sys.argv[1])\nexcept UnreadablePickleError as e:'
            '\n    print(e)\n')
    result = subprocess.run([sys.executable, '-c', code, str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert 'only the plain state numpy writes' in result.stdout


def test_a_dtype_used_by_an_array_cannot_be_changed_afterwards(tmp_path: Path) -> None:
    """A second BUILD on the dtype would give the array a larger item size than its data."""
    ops = (b'cnumpy\ndtype\nX\x02\x00\x00\x00S1\x89\x88\x87Rqc'  # dtype S1, as memo 99
           + pickle.dumps((3, '|', None, None, None, 1, 1, 0), 2)[2:-1] + b'b'
           + EMPTY_ARRAY + b'(K\x01K\x03\x85hc\x89C\x03abctb'  # an S1 array of 3 items
           + b'hc' + pickle.dumps((3, '|', None, None, None, 1 << 20, 1, 0), 2)[2:-1]
           + b'b\x86.')
    path = tmp_path / 'grow.pkl'
    path.write_bytes(ops)
    with pytest.raises(UnreadablePickleError,
                       match=r'refusing to change dtype \|S1 after an array'):
        load_pickle(str(path))


@pytest.mark.parametrize('protocol', [0, 2, 3, 4, 5])
def test_what_annotation_and_result_files_hold_still_loads(tmp_path: Path, protocol) -> None:
    obj = dict(keypoint=np.arange(24, dtype=np.float16).reshape(1, 2, 4, 3),
               score=np.asfortranarray(np.ones((2, 3))), strided=np.arange(6.0)[::2],
               # numpy 2 pickles a permuted array with order 'K' and its axis order
               permuted=np.arange(24.0).reshape(2, 3, 4).transpose(1, 0, 2),
               label=np.int64(7), names=np.array(['ab', 'c']), raw=np.array([b'x', b'yz']),
               flags=np.array([True, False]), dtype=np.dtype('>i4'), empty=np.zeros((0, 3)),
               text=np.str_('walk'), c=np.complex64(1 + 2j), pairs=OrderedDict(a=1),
               counts=defaultdict(int, x=2), tags={1, 2}, frozen=frozenset('ab'), b=b'xy',
               blob=bytearray(b'\x00\x01'), none=bytearray(), empty_bytes=b'', big=10 ** 30,
               cut=slice(1, None, 2), z=complex(0, 1), img_shape=(1080, 1920))
    path = tmp_path / 'ok.pkl'
    path.write_bytes(pickle.dumps(obj, protocol))
    loaded = load_pickle(str(path))
    assert loaded.keys() == obj.keys()
    for key, value in obj.items():
        if isinstance(value, np.ndarray):
            assert loaded[key].dtype == value.dtype and type(loaded[key]) is np.ndarray, key
            np.testing.assert_array_equal(loaded[key], value)
        else:
            assert loaded[key] == value and type(loaded[key]) is type(value), key
    assert loaded['counts']['new'] == 0 and loaded['counts'].default_factory is int
    assert loaded['score'].flags.f_contiguous


def test_a_python2_pickle_reads_with_latin1(tmp_path: Path) -> None:
    """Python 2 pickled numpy arrays with str data: read with encoding='latin1'."""
    data = np.arange(3, dtype='<i2').tobytes().decode('latin1')
    payload = array((3, ), dtype(b'i2', (3, '<', None, None, None, -1, -1, 0)), b'')
    payload = payload.replace(b'C\x00tb.', b'U\x06' + data.encode('latin1') + b'tb.')
    path = tmp_path / 'py2.pkl'
    path.write_bytes(payload)
    np.testing.assert_array_equal(load_pickle(str(path), encoding='latin1'), [0, 1, 2])


def test_the_hint_is_the_callers(tmp_path: Path) -> None:
    path = tmp_path / 'evil.pkl'
    path.write_bytes(PAYLOADS['a system call'][0])
    with pytest.raises(UnreadablePickleError) as info:
        load_pickle(str(path), hint='')
    assert str(info.value) == (f'{path}: refusing to load global os.system: a safely loaded '
                               'pickle may hold only numpy arrays and builtin types')


def test_a_real_mmaction2_annotation_file_loads_as_pickle_loads_it() -> None:
    """mmaction2's Kinetics-400 annotation sample: written by numpy 1.x, protocol 2."""
    path = shared_path('mmaction2-k400-annotation-sample', 'sample.pkl')
    with open(path, 'rb') as f:
        expected = pickle.load(f)
    loaded = load_pickle(str(path))
    assert type(loaded) is type(expected) and len(loaded) == len(expected)
    samples = loaded['annotations'] if isinstance(loaded, dict) else loaded
    originals = expected['annotations'] if isinstance(expected, dict) else expected
    assert len(samples) == len(originals) > 0
    for sample, original in zip(samples, originals):
        assert sample.keys() == original.keys()
        for key, value in original.items():
            if isinstance(value, np.ndarray):
                assert sample[key].dtype == value.dtype
                np.testing.assert_array_equal(sample[key], value)
            else:
                assert sample[key] == value
