"""Downloads into a cache, resumable and verified.

Files go into ``$MMSKEL_HOME/checkpoints/<url key>/`` (default ``~/.cache/mmskel/checkpoints``;
the key is a short hash of the URL, so two URLs that end in the same file name never share a
file) or a given folder, through a ``.part`` file that a later call resumes with an HTTP Range
request. Before the part is renamed into place, everything that can be checked is: its length
when the server announced one, the sha256 prefix in an OpenMMLab file name
(``..._YYYYMMDD-<hex>.pth``) or a sha256 the caller gives, and, when there is neither a length
nor a hash, that the file is a complete archive (a zip whose central directory reads for a
``.pth``, a pickle that reaches its STOP for a ``.pkl``). A file that cannot be verified is
never renamed into place.
"""
import contextlib
import hashlib
import http.client
import os
import os.path as osp
import pickletools
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import IO, List, Optional, Tuple

from .fileio import atomic_open
from .home import mmskel_home

try:
    import fcntl
except ImportError:  # Windows: no lock between concurrent downloads of one file
    fcntl = None

# the hex before the extension is a prefix of the file's sha256 (torch.hub / OpenMMLab names)
HASH_REGEX = re.compile(r'-([0-9a-f]{8,64})\.[A-Za-z0-9]+$')
CHUNK = 1 << 16
TIMEOUT = 30  # seconds without data before a download gives up (it can be resumed)
ZIP_SUFFIXES = ('.pth', '.pt', '.ckpt', '.zip')  # torch (>= 1.6) writes checkpoints as zips
PICKLE_SUFFIXES = ('.pkl', '.pickle')


def cache_dir() -> str:
    """``$MMSKEL_HOME/checkpoints``, default ``~/.cache/mmskel/checkpoints``."""
    return mmskel_home('checkpoints')


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


def url_key(url: str) -> str:
    """The cache folder of ``url``: the first 16 hex digits of its sha256."""
    return hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]


def download(url: str, dest: Optional[str] = None, progress: bool = True,
             sha256: Optional[str] = None) -> str:
    """Download ``url`` into folder ``dest`` (default: :func:`cache_dir` / :func:`url_key`)
    and return the path.

    A file already there from the same URL is returned as is. Otherwise the data goes to
    ``<name>.part``, resumed from its end by a Range request when it exists, and is verified
    before it is renamed into place atomically: its length when the server announced it; the
    sha256 prefix in its name and ``sha256`` when given (a mismatch deletes the part); with
    neither a length nor a hash, that it is a complete zip (``.pth``, ``.pt``, ``.ckpt``,
    ``.zip``) or pickle (``.pkl``). The URL a file came from is recorded beside it
    (``.<name>.url``): in ``dest``, another URL of the same file name downloads anew.

    Args:
        url (str): http(s), ftp or file URL; the last path component is the file name.
        dest (str, optional): Folder to download into.
        progress (bool): Show a progress bar on stderr.
        sha256 (str, optional): The file's sha256 (or a prefix of it), e.g. from a model index.

    Raises:
        RuntimeError: the server failed, the connection ended before the whole file came, or the
            file cannot be verified (the part is kept: call again to resume).
        ValueError: the file's sha256 does not match.
    """
    filename = osp.basename(urllib.parse.unquote(urllib.parse.urlparse(url).path))
    if not filename:
        raise ValueError(f'{url!r} names no file (its path must end with the file name)')
    folder = osp.expanduser(dest) if dest else osp.join(cache_dir(), url_key(url))
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, filename)
    expected = [h.lower() for h in (sha256_prefix(filename), sha256) if h]
    with _locked(osp.join(folder, f'.{filename}.lock')):
        if not _reusable(path, url, expected, dest is None):
            _fetch(url, path, progress, expected)
    return path


def _source_file(path: str) -> str:
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.url')


def _record_source(path: str, url: str) -> None:
    with atomic_open(_source_file(path), 'w') as f:
        f.write(url + '\n')


def _recorded_source(path: str) -> Optional[str]:
    """The URL recorded beside ``path``, or None when none is."""
    try:
        with open(_source_file(path), encoding='utf-8') as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def _hash_matches(path: str, expected: List[str]) -> bool:
    actual = file_sha256(path) if expected else ''
    return bool(expected) and all(actual.startswith(h) for h in expected)


def _reusable(path: str, url: str, expected: List[str], in_cache: bool) -> bool:
    """Whether the file at ``path`` is ``url``'s: in the cache its folder is keyed by the URL;
    in a given folder the recorded URL must match, or the hashes the file must have. A hash-named
    file of the old cache layout (``checkpoints/<name>``) is moved into its URL's folder."""
    if in_cache:
        if not osp.isfile(path):
            old = osp.join(cache_dir(), osp.basename(path))
            if osp.isfile(old) and _hash_matches(old, expected):
                os.replace(old, path)
        return osp.isfile(path)
    if not osp.isfile(path):
        return False
    if _recorded_source(path) == url:
        return True
    if _hash_matches(path, expected):
        _record_source(path, url)
        return True
    return False


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


def archive_problem(path: str) -> Optional[str]:
    """Why ``path`` is no complete zip or pickle (chosen by its suffix), or None when it is.

    A zip is complete when its central directory, at the end of the file, reads; a pickle when
    its opcodes reach STOP exactly at the end of the file. A file of another kind cannot be
    checked this way: that is a problem too.
    """
    name = osp.basename(path[:-len('.part')] if path.endswith('.part') else path)
    size = osp.getsize(path)
    if name.endswith(ZIP_SUFFIXES):
        try:
            with zipfile.ZipFile(path) as archive:
                archive.namelist()
        except (zipfile.BadZipFile, OSError) as error:
            return f'not a complete zip archive (a torch checkpoint) of {size} bytes ({error})'
        return None
    if name.endswith(PICKLE_SUFFIXES):
        with open(path, 'rb') as f:
            try:
                for _ in pickletools.genops(f):
                    pass
            except ValueError as error:  # genops: 'pickle exhausted before seeing STOP'
                return f'not a complete pickle: it stops at {size} bytes ({error})'
            end = f.tell()
        if end != size:
            return f'not a pickle: its STOP is at byte {end} of {size}'
        return None
    return (f'a {osp.splitext(name)[1] or "suffix-less"} file, which can only be checked by '
            'its length or hash')


def _fetch(url: str, path: str, progress: bool, expected: List[str]) -> None:
    """Download ``url`` to ``path`` through ``path + '.part'`` (see :func:`download`); the
    URLs of the part and of the finished file are recorded beside them, so that a part of
    another URL with the same file name is never resumed."""
    filename = osp.basename(path)
    part = path + '.part'
    if osp.isfile(part) and _recorded_source(part) not in (None, url):
        os.remove(part)
    _record_source(part, url)
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
    if expected:
        actual = file_sha256(part)
        wrong = [h for h in expected if not actual.startswith(h)]
        if wrong:
            os.remove(part)
            os.remove(_source_file(part))
            raise ValueError(f'{url}: sha256 mismatch: expected {" and ".join(wrong)} (from '
                             f'the file name or the caller), the downloaded file hashes to '
                             f'{actual}; deleted the download')
    elif total is None:
        problem = archive_problem(part)
        if problem:
            raise RuntimeError(
                f'downloading {url}: the server sent no length, the name {filename} carries no '
                f'sha256 and the file is {problem}: it may be cut short, so it was not put in '
                f'place; run again to resume from {part}, or pass its sha256 to download()')
    elif progress:
        sys.stderr.write(f'note: {filename} carries no sha256 prefix in its name; verified by '
                         'its length only\n')
    os.replace(part, path)
    os.replace(_source_file(part), _source_file(path))
