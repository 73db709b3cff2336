"""Safe unpickling: a restricted unpickler that builds numpy arrays and builtin containers only.

A pickle can run any callable it names while loading. Annotation pickles, result files and the
other pickles mmskel reads need nothing but arrays, numbers, strings and containers, so they are
loaded with :class:`RestrictedUnpickler` unless the caller trusts the file.

Naming only allowed globals is not enough: ``builtins.bytearray(2**31 - 1)`` is a 28-byte pickle
that allocates 2 GB, and numpy's ``__setstate__`` trusts its input (an object array given a
shorter list, or a dtype whose state sets the object flag, crashes the interpreter). So every
call and every ``BUILD`` is checked as well: arrays, numpy scalars and byte strings are built
only from bytes present in the file, in exactly the size they declare, and only bool, integer,
float, complex, bytes and str dtypes are accepted. Memory use stays within a small multiple of
the file's size.
"""
import _compat_pickle
import codecs
import io
import math
import pickle
import struct
from collections import OrderedDict, defaultdict
from typing import Any, Callable, Dict, Tuple

import numpy as np

try:
    from numpy._core import multiarray, numeric
except ImportError:  # numpy < 2
    from numpy.core import multiarray, numeric


class UnreadablePickleError(ValueError):
    """A pickle file cannot be read, or holds something the restricted unpickler refuses; the
    message names the file."""


TRUSTED_HINT = 'pass trusted=True to load a file you trust'
DTYPE_KINDS = 'biufcSU'  # bool, integers, floats, complex, bytes, str: never objects
# what a defaultdict may use as its default factory (named, never called while loading)
FACTORIES = (list, dict, int, float, tuple, str, set, frozenset, bytes, bytearray)


def _refuse(message: str) -> None:
    raise pickle.UnpicklingError(message)


def _nbytes(shape: Any, dtype: Any, what: str) -> int:
    """Bytes an array of ``shape`` and ``dtype`` holds (Python ints: no overflow)."""
    if not isinstance(dtype, np.dtype) or dtype.hasobject or dtype.kind not in DTYPE_KINDS:
        _refuse(f'refusing {what} of dtype {dtype!r}: only dtype kinds {DTYPE_KINDS!r}')
    if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)):
        _refuse(f'refusing {what} of shape {shape!r}: expected a tuple of sizes')
    return math.prod(shape) * dtype.itemsize


def _check_data(data: Any, size: int, what: str) -> None:
    """``data`` is bytes from the file and holds exactly the ``size`` bytes declared."""
    if not isinstance(data, (bytes, bytearray, str)):  # str: a Python 2 pickle read as latin1
        _refuse(f'refusing {what}: its data is a {type(data).__name__}, expected bytes')
    if len(data) != size:
        _refuse(f'refusing {what}: its shape and dtype declare {size} bytes but the file holds '
                f'{len(data)}')


# The callables a pickle may call, each with a check of its arguments that refuses or returns
# the arguments to call it with.
def _args_dtype(spec: Any, align: Any = False, copy: Any = True) -> tuple:
    if not isinstance(spec, (str, bytes)):
        _refuse(f'refusing numpy dtype {spec!r}: only a plain dtype code such as "f4"')
    try:
        kind = np.dtype(spec).kind
    except TypeError as error:
        raise pickle.UnpicklingError(f'refusing numpy dtype {spec!r}: {error}') from None
    if kind not in DTYPE_KINDS:
        _refuse(f'refusing numpy dtype {spec!r}: only dtype kinds {DTYPE_KINDS!r} (no objects)')
    # always a copy: a BUILD on the shared np.dtype('f4') would change it in the whole process
    return spec, bool(align), True


def _as_dtype(spec: Any) -> np.dtype:
    return spec if isinstance(spec, np.dtype) else np.dtype(*_args_dtype(spec))


def _args_reconstruct(subtype: Any, shape: Any, dtype: Any) -> tuple:
    # numpy pickles an array as an empty one, then a BUILD with its data (checked there)
    if subtype is not np.ndarray:
        _refuse(f'refusing numpy _reconstruct of {subtype!r}: only numpy.ndarray')
    if _nbytes(shape, _as_dtype(dtype), 'a numpy array') != 0:
        _refuse(f'refusing numpy _reconstruct with shape {shape!r}: a pickled array starts empty')
    return subtype, shape, dtype


def _args_scalar(dtype: Any, data: Any = None) -> tuple:
    _check_data(data, _nbytes((), dtype, 'a numpy scalar'), 'a numpy scalar')
    return dtype, data


def _args_frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any,
                     *axis_order: Any) -> tuple:
    """numpy 2 pickles a strided array as ``(buffer, dtype, shape, 'K', axis_order)``."""
    if order not in ('C', 'F', 'K') or len(axis_order) > 1:
        _refuse(f'refusing numpy _frombuffer with order {order!r} and {len(axis_order)} more '
                'arguments')
    if axis_order and not (isinstance(axis_order[0], tuple) and isinstance(shape, tuple)
                           and sorted(axis_order[0]) == list(range(len(shape)))):
        _refuse(f'refusing numpy _frombuffer with axis order {axis_order[0]!r} for shape '
                f'{shape!r}')
    _check_data(buffer, _nbytes(shape, dtype, 'a numpy array'), 'a numpy array')
    return (buffer, dtype, shape, order, *axis_order)


def _args_bytes(*args: Any) -> tuple:
    """``bytes``/``bytearray`` of data in the file: ``(bytes)``, ``(str, 'latin-1')`` (protocol
    < 3) or nothing; never of a size, which would allocate that many bytes from nothing."""
    if not args or (len(args) == 1 and isinstance(args[0], (bytes, bytearray))):
        return args
    if len(args) == 2 and isinstance(args[0], str) and _is_latin1(args[1]):
        return args
    shown = ', '.join(type(a).__name__ if isinstance(a, (bytes, str)) else repr(a) for a in args)
    return _refuse(f'refusing bytes/bytearray({shown}): only a copy of data in the file is '
                   'allowed, not an allocation of a given size')


def _is_latin1(encoding: Any) -> bool:
    try:
        return codecs.lookup(str(encoding)).name == 'iso8859-1'
    except LookupError:
        return False


def _args_encode(text: Any, encoding: Any = 'utf-8') -> tuple:
    # protocol < 3 writes bytes as _codecs.encode(str, 'latin1')
    if not isinstance(text, str) or not _is_latin1(encoding):
        _refuse(f'refusing _codecs.encode(..., {encoding!r}): only of a str, to latin1')
    return text, encoding


def _args_container(*args: Any) -> tuple:
    """A set/frozenset/OrderedDict of a list or tuple in the file; not of an array or bytes,
    which would multiply their size in memory."""
    if len(args) > 1 or (args and not isinstance(args[0], (list, tuple))):
        _refuse(f'refusing a container built from {[type(a).__name__ for a in args]}: only '
                'from a list')
    return args


def _args_defaultdict(factory: Any = None, *items: Any) -> tuple:
    if factory is not None and factory not in FACTORIES:
        _refuse(f'refusing a defaultdict with default factory {factory!r}')
    return (factory, *_args_container(*items))


def _args_numbers(*args: Any) -> tuple:
    if not all(isinstance(a, (int, float, str, type(None))) for a in args):
        _refuse(f'refusing complex/slice of {[type(a).__name__ for a in args]}')
    return args


CallCheck = Tuple[Callable, Callable[..., tuple]]
# numpy is named numpy._core since numpy 2, numpy.core before
CALLS: Dict[Tuple[str, str], CallCheck] = {
    **{(f'{core}.multiarray', '_reconstruct'): (multiarray._reconstruct, _args_reconstruct)
       for core in ('numpy.core', 'numpy._core')},
    **{(f'{core}.multiarray', 'scalar'): (multiarray.scalar, _args_scalar)
       for core in ('numpy.core', 'numpy._core')},
    **{(f'{core}.numeric', '_frombuffer'): (numeric._frombuffer, _args_frombuffer)
       for core in ('numpy.core', 'numpy._core')},
    ('numpy', 'dtype'): (np.dtype, _args_dtype),
    ('builtins', 'bytearray'): (bytearray, _args_bytes),
    ('builtins', 'bytes'): (bytes, _args_bytes),
    ('_codecs', 'encode'): (codecs.encode, _args_encode),
    ('builtins', 'set'): (set, _args_container),
    ('builtins', 'frozenset'): (frozenset, _args_container),
    ('collections', 'OrderedDict'): (OrderedDict, _args_container),
    ('collections', 'defaultdict'): (defaultdict, _args_defaultdict),
    ('builtins', 'complex'): (complex, _args_numbers),
    ('builtins', 'slice'): (slice, _args_numbers),
}
# Globals that may be named (numpy's array type, default factories) but not called.
NAMES: Dict[Tuple[str, str], Any] = {
    ('numpy', 'ndarray'): np.ndarray,
    **{('builtins', factory.__name__): factory for factory in FACTORIES}}
_CHECKS = {id(function): (function, check) for function, check in CALLS.values()}


class RestrictedUnpickler(pickle._Unpickler):
    """Unpickler that only builds numpy arrays and builtin containers, of the size the file
    holds.

    Every global outside :data:`CALLS` and :data:`NAMES` is refused, so a malicious file raises
    instead of executing code; every call's arguments and every ``BUILD`` are checked so that a
    small file cannot allocate a large block or hand numpy a state that crashes it.

    It is pickle's Python unpickler (about 3x slower than the C one on an annotation file),
    because the C one cannot check ``BUILD``, where numpy arrays and dtypes get their state.
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self._empty_arrays = {}  # id -> array from _reconstruct that awaits its BUILD
        self._used_dtypes = {}  # id -> dtype given to an array or scalar: no BUILD after

    def find_class(self, module: str, name: str) -> Any:
        if module == '__builtin__':  # how protocol <= 2 (mmcv.dump's default) names builtins
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), ('builtins', name))
        if (module, name) in CALLS:
            return CALLS[(module, name)][0]
        if (module, name) in NAMES:
            return NAMES[(module, name)]
        return _refuse(f'refusing to load global {module}.{name}: a safely loaded pickle may '
                       'hold only numpy arrays and builtin types')

    def _call(self, function: Any, args: tuple) -> Any:
        function_check = _CHECKS.get(id(function))
        if function_check is None or function_check[0] is not function:
            _refuse(f'refusing to call {getattr(function, "__name__", type(function).__name__)}'
                    ': it may be named in a safely loaded pickle, not called')
        if not isinstance(args, tuple):
            _refuse(f'refusing a call with arguments of type {type(args).__name__}')
        args = function_check[1](*args)
        self._used_dtypes.update((id(a), a) for a in args if isinstance(a, np.dtype))
        result = function(*args)
        if function is multiarray._reconstruct:
            self._empty_arrays[id(result)] = result
        return result

    def load_reduce(self) -> None:
        args = self.stack.pop()
        self.stack[-1] = self._call(self.stack[-1], args)

    def load_build(self) -> None:
        state, target = self.stack[-1], self.stack[-2]
        if isinstance(target, np.ndarray) and self._empty_arrays.pop(id(target), None) is target:
            self._check_array_state(state)
        elif isinstance(target, np.dtype):
            if id(target) in self._used_dtypes:
                _refuse(f'refusing to change dtype {target} after an array or scalar took it')
            self._check_dtype_state(target, state)
        else:
            _refuse(f'refusing to set the state of a {type(target).__name__}: only of a numpy '
                    'array or dtype just created')
        super().load_build()

    def _check_array_state(self, state: Any) -> None:
        # (version, shape, dtype, is_fortran, data), or without the version, as numpy takes it
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            _refuse('refusing a numpy array state that is not (version, shape, dtype, '
                    'is_fortran, data)')
        shape, dtype, data = state[-4], state[-3], state[-1]
        _check_data(data, _nbytes(shape, dtype, 'a numpy array'), 'a numpy array')
        self._used_dtypes[id(dtype)] = dtype

    @staticmethod
    def _check_dtype_state(dtype: np.dtype, state: Any) -> None:
        # (3, byte order, subarray, names, fields, item size, alignment, flags), as numpy writes
        if not (isinstance(state, tuple) and len(state) == 8
                and all(type(value) is int for value in state[5:] + state[:1])
                and state[0] == 3 and isinstance(state[1], str) and state[1] in ('<', '>', '|', '=')
                and all(value is None for value in state[2:5]) and state[7] == dtype.flags):
            _refuse(f'refusing the dtype state {state!r} for {dtype}: only the plain state '
                    'numpy writes (no fields, sub-arrays or object flags)')
        size, alignment = state[5], state[6]
        if dtype.kind in 'SU':
            valid = (type(size) is int and size >= 0 and alignment == dtype.alignment
                     and size % dtype.alignment == 0)
        else:
            valid = (size, alignment) in ((-1, -1), (dtype.itemsize, dtype.alignment))
        if not valid:
            _refuse(f'refusing the dtype state {state!r} for {dtype}: item size {size!r} and '
                    f'alignment {alignment!r} do not fit')

    def _instantiate(self, klass: Any, args: tuple) -> None:  # protocol 0/1 INST and OBJ
        self.append(self._call(klass, tuple(args)))

    def load_newobj(self) -> None:
        _refuse('refusing NEWOBJ (object construction): a safely loaded pickle holds no '
                'objects of classes')

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.BUILD[0]] = load_build
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj


def load_pickle(path: str, trusted: bool = False, encoding: str = 'ASCII',
                hint: str = TRUSTED_HINT) -> Any:
    """Load a pickle file, refusing anything but arrays and builtins unless ``trusted``.

    Args:
        path (str): The pickle file.
        trusted (bool): Use the plain unpickler (only for files you trust). Defaults to False.
        encoding (str): How Python 2 ``str`` objects are decoded (``'latin1'`` for numpy
            arrays pickled by Python 2). Defaults to ``'ASCII'``, as :func:`pickle.load`.
        hint (str): What a refusal suggests: the caller's opt-in for trusted files, or ``''``
            where there is none.

    Raises:
        UnreadablePickleError: naming the file, when it is no readable pickle or the restricted
            unpickler refuses it.
    """
    with open(path, 'rb') as f:
        data = f.read()
    try:
        if trusted:
            return pickle.loads(data, encoding=encoding)
        return RestrictedUnpickler(io.BytesIO(data), encoding=encoding).load()
    except pickle.UnpicklingError as e:
        raise UnreadablePickleError(f'{path}: {e}' + (f' ({hint})' if hint else '')) from e
    except (EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError, KeyError,
            struct.error, OverflowError, RecursionError) as e:
        raise UnreadablePickleError(f'{path}: not a readable pickle ({type(e).__name__}: {e})') \
            from e
