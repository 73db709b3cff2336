"""Old keyword names kept working after a rename, for configs written for mmaction2 or pyskl."""
import functools
from typing import Callable


def renamed_kwargs(**renames: str) -> Callable:
    """Decorate a function (an ``__init__``) so that each old keyword in ``renames``
    (``old='new'``) is passed on as the new one.

    mmaction2's and pyskl's configs say ``num_person``; mmskel says ``num_persons``:
    ``@renamed_kwargs(num_person='num_persons')`` takes both. Giving both names is an error.
    """
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f'{fn.__qualname__}: give {new!r} or its old name '
                                        f'{old!r}, not both')
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)
        return wrapper
    return decorate
