"""Atomic file writes: write to a temporary name beside the target, then rename over it; and a
json reader that names the file it cannot use.

The temporary name is hidden and carries the writer's process id
(``.<name>.<pid>.<random>.tmp``), so that a later write of the same file can tell the leftovers of
a killed writer (its process is gone) from the file another live process is writing now.
"""
import glob
import json
import os
import os.path as osp
import re
import tempfile
from contextlib import contextmanager
from typing import IO, Any, Iterator, List, Tuple, Type, Union


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def remove_stale_temps(path: str) -> List[str]:
    """Delete the temporary files that killed writers of ``path`` left beside it.

    Only ``.<name>.<pid>.*.tmp`` files whose process no longer runs are removed; returns their
    paths.
    """
    folder, name = osp.split(osp.abspath(path))
    pattern = re.compile(re.escape(f'.{name}.') + r'(\d+)\.[^/]*\.tmp$')
    removed = []
    for tmp in glob.glob(osp.join(glob.escape(folder), f'.{glob.escape(name)}.*.tmp')):
        match = pattern.match(osp.basename(tmp))
        # a folder of that name is not ours (a converter builds its output folder so)
        if match and osp.isfile(tmp) and not _pid_alive(int(match.group(1))):
            try:
                os.remove(tmp)
                removed.append(tmp)
            except FileNotFoundError:  # removed by another writer meanwhile
                pass
    return removed


def temp_path(path: str) -> str:
    """Create an empty hidden temporary file beside ``path`` (after removing stale ones, see
    :func:`remove_stale_temps`) and return its path."""
    folder, name = osp.split(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f'.{name}.{os.getpid()}.', suffix='.tmp', dir=folder)
    os.close(fd)
    return tmp


def commit(tmp: str, path: str) -> None:
    """Sync the complete file ``tmp`` to disk and rename it onto ``path``, then sync the folder
    so that the rename survives a power loss; ``tmp`` is removed if that fails."""
    try:
        with open(tmp, 'rb+') as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    if hasattr(os, 'O_DIRECTORY'):
        fd = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_open(path: str, mode: str = 'wb') -> Iterator[IO]:
    """Open ``path`` for writing so that readers never see a partial file.

    The data goes to a temporary file in the same folder, which is flushed, synced and renamed
    onto ``path`` only when the block ends without an exception; on error it is removed. A
    killed writer's leftover temporary files are removed at the next write of ``path``.

    Args:
        path (str): Final file path.
        mode (str): ``'wb'`` or ``'w'``.
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"atomic_open supports modes 'w' and 'wb', got {mode!r}")
    tmp = temp_path(path)
    try:
        with open(tmp, mode, **({} if 'b' in mode else {'encoding': 'utf-8'})) as f:
            yield f
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    commit(tmp, path)


def load_json(path: str, kind: Union[Type, Tuple[Type, ...]], expected: str,
              unreadable: str = 'not a json file') -> Any:
    """Read a json file whose top-level value must be of type ``kind``.

    Args:
        path (str): The file.
        kind (type | tuple[type]): The type (or types) the top-level value must have.
        expected (str): What the file should hold, for the message, e.g. ``'a layout dict'``.
        unreadable (str): What a file that is not UTF-8 json is, for the message.

    Returns:
        The decoded value.

    Raises:
        ValueError: ``'<path>: <unreadable> (<decode error>)'`` for a file that is not UTF-8
            json, ``'<path>: expected <expected>, got <type>'`` for another top-level type.
    """
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f'{path}: {unreadable} ({e})') from e
    if not isinstance(content, kind):
        raise ValueError(f'{path}: expected {expected}, got {type(content).__name__}')
    return content
