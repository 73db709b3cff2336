"""Safe unpickling: a restricted unpickler that builds numpy arrays and builtin containers only.

A pickle can run any callable it names while loading. Annotation pickles, result files and the
other pickles mmskel reads need nothing but arrays, numbers, strings and containers, so they are
loaded with :class:`RestrictedUnpickler` unless the caller trusts the file.
"""
import _compat_pickle
import io
import pickle
from typing import Any


class UnreadablePickleError(ValueError):
    """A pickle file cannot be read, or names a global the restricted unpickler refuses; the
    message names the file."""


# Globals a pickle of numpy arrays, numbers, strings, lists and dicts needs, and nothing more.
SAFE_GLOBALS = {
    ('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'), ('numpy._core.multiarray', 'scalar'),
    ('numpy', 'ndarray'), ('numpy', 'dtype'),
    ('numpy.core.numeric', '_frombuffer'), ('numpy._core.numeric', '_frombuffer'),
    ('collections', 'OrderedDict'), ('collections', 'defaultdict'),
    ('builtins', 'set'), ('builtins', 'frozenset'), ('builtins', 'slice'),
    ('builtins', 'complex'), ('builtins', 'bytearray'), ('builtins', 'bytes'),
    ('_codecs', 'encode'),
    # default factories of a defaultdict
    ('builtins', 'list'), ('builtins', 'dict'), ('builtins', 'int'), ('builtins', 'float'),
    ('builtins', 'tuple'), ('builtins', 'str'),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that only builds numpy arrays and builtin containers.

    A pickle can run any callable it names while loading; this one refuses every global outside
    :data:`SAFE_GLOBALS`, so a malicious file raises instead of executing code.
    """

    def find_class(self, module: str, name: str) -> Any:
        if module == '__builtin__':  # how protocol <= 2 (mmcv.dump's default) names builtins
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), ('builtins', name))
        if (module, name) in SAFE_GLOBALS or (module == 'numpy' and name.startswith('dtype')):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f'refusing to load global {module}.{name}: a safely loaded pickle may hold only '
            'numpy arrays and builtin types (pass trusted=True to load a file you trust)')


def load_pickle(path: str, trusted: bool = False) -> Any:
    """Load a pickle file, refusing anything but arrays and builtins unless ``trusted``."""
    with open(path, 'rb') as f:
        data = f.read()
    try:
        if trusted:
            return pickle.loads(data)
        return RestrictedUnpickler(io.BytesIO(data)).load()
    except pickle.UnpicklingError as e:
        raise UnreadablePickleError(f'{path}: {e}') from e
    except (EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError) as e:
        raise UnreadablePickleError(f'{path}: not a readable pickle ({type(e).__name__}: {e})') \
            from e
