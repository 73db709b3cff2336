"""Downloads into a cache, resumable and hash-checked.

Files go into ``$MMSKEL_HOME/checkpoints`` (default ``~/.cache/mmskel/checkpoints``) or a given
folder, through a ``.part`` file that a later call resumes with an HTTP Range request; the sha256
prefix in an OpenMMLab file name (``..._YYYYMMDD-<hex>.pth``) is checked before the file is renamed
into place.
"""
import contextlib
import hashlib
import http.client
import os
import os.path as osp
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import IO, Optional, Tuple

try:
    import fcntl
except ImportError:  # Windows: no lock between concurrent downloads of one file
    fcntl = None

# the hex before the extension is a prefix of the file's sha256 (torch.hub / OpenMMLab names)
HASH_REGEX = re.compile(r'-([0-9a-f]{8,64})\.[A-Za-z0-9]+$')
CHUNK = 1 << 16
TIMEOUT = 30  # seconds without data before a download gives up (it can be resumed)


def cache_dir() -> str:
    """``$MMSKEL_HOME/checkpoints``, default ``~/.cache/mmskel/checkpoints``."""
    home = os.environ.get('MMSKEL_HOME', osp.join('~', '.cache', 'mmskel'))
    return osp.join(osp.expanduser(home), 'checkpoints')


def is_url(text: str) -> bool:
    return urllib.parse.urlparse(text).scheme in ('http', 'https', 'ftp', 'file')


def sha256_prefix(filename: str) -> Optional[str]:
    """The sha256 prefix in ``..._YYYYMMDD-<hex>.pth``, or None if the name carries none."""
    match = HASH_REGEX.search(osp.basename(filename))
    return match.group(1) if match else None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


class _Progress:
    """A one-line progress bar on stderr (percent when the size is known, MB and MB/s)."""

    def __init__(self, total: Optional[int], done: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, done, enabled
        self.start, self.start_done, self.last = time.time(), done, 0.0

    def update(self, count: int, final: bool = False) -> None:
        self.done += count
        now = time.time()
        if not self.enabled or (now - self.last < 0.2 and not final):
            return
        self.last = now
        speed = (self.done - self.start_done) / max(now - self.start, 1e-6) / 1e6
        size = f'{self.done / 1e6:.1f}'
        if self.total:
            width = 30
            filled = int(width * self.done / self.total)
            bar = f'[{">" * filled}{" " * (width - filled)}] {100 * self.done // self.total:3d}%'
            size += f'/{self.total / 1e6:.1f}'
        else:
            bar = ''
        sys.stderr.write(f'\r{bar} {size} MB, {speed:.1f} MB/s' + ('\n' if final else ''))
        sys.stderr.flush()


def _open(url: str, start: int) -> Tuple[IO, int, Optional[int]]:
    """Open ``url`` from byte ``start``; return (response, first byte served, total size)."""
    request = urllib.request.Request(url, headers={'User-Agent': 'mmskel'})
    if start:
        request.add_header('Range', f'bytes={start}-')
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as error:
        if error.code == 416 and start:  # the part file already holds everything
            total = re.search(r'/(\d+)', error.headers.get('Content-Range', ''))
            if total and int(total.group(1)) == start:
                return None, start, start
        raise RuntimeError(f'downloading {url} failed: HTTP {error.code} {error.reason}') from error
    except urllib.error.URLError as error:
        raise RuntimeError(f'downloading {url} failed: {error.reason}') from error
    length = response.headers.get('Content-Length')
    length = int(length) if length and length.isdigit() else None
    if start and getattr(response, 'status', None) == 206:
        match = re.match(r'bytes (\d+)-\d+/(\d+|\*)', response.headers.get('Content-Range', ''))
        if not match or int(match.group(1)) != start:
            response.close()
            raise RuntimeError(f'{url}: asked for bytes from {start}, the server answered '
                               f'Content-Range {response.headers.get("Content-Range")!r}')
        total = int(match.group(2)) if match.group(2) != '*' else None
        return response, start, total
    return response, 0, length  # the server ignored the Range header (or none was sent)


def download(url: str, dest: Optional[str] = None, progress: bool = True) -> str:
    """Download ``url`` into folder ``dest`` (default :func:`cache_dir`) and return the path.

    An existing file of the same name is returned as is. Otherwise the data goes to
    ``<name>.part``, resumed from its end by a Range request when it exists; when the name holds a
    sha256 prefix, the finished file is hashed and refused (the part deleted) on a mismatch; then
    it is renamed into place atomically.

    Args:
        url (str): http(s), ftp or file URL; the last path component is the file name.
        dest (str, optional): Folder to download into.
        progress (bool): Show a progress bar on stderr.

    Raises:
        RuntimeError: the server failed or the connection ended before the whole file came (the
            part is kept: call again to resume).
        ValueError: the file's sha256 does not start with the hash in its name.
    """
    filename = osp.basename(urllib.parse.unquote(urllib.parse.urlparse(url).path))
    if not filename:
        raise ValueError(f'{url!r} names no file (its path must end with the file name)')
    folder = osp.expanduser(dest) if dest else cache_dir()
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, filename)
    with _locked(osp.join(folder, f'.{filename}.lock')):
        if not osp.isfile(path):
            _fetch(url, path, progress)
    return path


@contextlib.contextmanager
def _locked(lock_file: str):
    """Hold an exclusive lock, so that processes (e.g. distributed ranks) download one by one."""
    if fcntl is None:
        yield
        return
    with open(lock_file, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _fetch(url: str, path: str, progress: bool) -> None:
    """Download ``url`` to ``path`` through ``path + '.part'`` (see :func:`download`)."""
    filename = osp.basename(path)
    part = path + '.part'
    start = osp.getsize(part) if osp.isfile(part) else 0
    response, offset, total = _open(url, start)
    if response is not None:
        bar = _Progress(total, offset, progress)
        with response, open(part, 'r+b' if osp.exists(part) else 'wb') as f:
            f.seek(offset)
            f.truncate()
            try:
                for chunk in iter(lambda: response.read(CHUNK), b''):
                    f.write(chunk)
                    bar.update(len(chunk))
            except (http.client.IncompleteRead, OSError) as error:
                bar.update(0, final=True)
                raise RuntimeError(f'downloading {url} stopped after {f.tell()} bytes '
                                   f'({error!r}); run again to resume from {part}') from error
            bar.update(0, final=True)
            size = f.tell()
        if total is not None and size != total:
            raise RuntimeError(f'downloading {url} stopped at {size} of {total} bytes (the '
                               f'server closed the connection); run again to resume from {part}')
    expected = sha256_prefix(filename)
    if expected:
        actual = file_sha256(part)
        if not actual.startswith(expected):
            os.remove(part)
            raise ValueError(f'{url}: sha256 mismatch: the file name says {expected}, the '
                             f'downloaded file hashes to {actual}; deleted the download')
    elif progress:
        sys.stderr.write(f'note: {filename} carries no sha256 prefix in its name; not verified\n')
    os.replace(part, path)
