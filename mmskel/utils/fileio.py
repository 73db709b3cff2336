"""Atomic file writes: write to a temporary name beside the target, then rename over it."""
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator


@contextmanager
def atomic_open(path: str, mode: str = 'wb') -> Iterator[IO]:
    """Open ``path`` for writing so that readers never see a partial file.

    The data goes to a temporary file in the same folder, which is flushed, synced and renamed
    onto ``path`` only when the block ends without an exception; on error it is removed.

    Args:
        path (str): Final file path.
        mode (str): ``'wb'`` or ``'w'``.
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"atomic_open supports modes 'w' and 'wb', got {mode!r}")
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, mode, **({} if 'b' in mode else {'encoding': 'utf-8'})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
