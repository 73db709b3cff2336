"""The model zoo: look a model up by name in ``model-index.yml``, download its checkpoint.

``model-index.yml`` imports every ``configs/skeleton/<algo>/metafile.yml`` (OpenMMLab's
``model-index`` format, the one ``mim`` reads). A model's released checkpoint is its ``Weights:``
URL. Downloads go into a cache (``$MMSKEL_HOME/checkpoints``, default
``~/.cache/mmskel/checkpoints``) through a ``.part`` file that a later call resumes with an HTTP
Range request; the sha256 prefix in an OpenMMLab file name (``..._YYYYMMDD-<hex>.pth``) is checked
before the file is renamed into place.

Example:
    >>> from mmskel.apis.zoo import resolve_checkpoint
    >>> path, downloaded = resolve_checkpoint('work_dirs/run/epoch_50.pth')  # a path: as is
"""
import contextlib
import difflib
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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Dict, Optional, Tuple

import yaml

try:
    import fcntl
except ImportError:  # Windows: no lock between concurrent downloads of one file
    fcntl = None

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# the hex before the extension is a prefix of the file's sha256 (torch.hub / OpenMMLab names)
HASH_REGEX = re.compile(r'-([0-9a-f]{8,64})\.[A-Za-z0-9]+$')
CHUNK = 1 << 16
TIMEOUT = 30  # seconds without data before a download gives up (it can be resumed)


@dataclass
class ZooModel:
    """One ``Models:`` entry of a metafile.

    Attributes:
        name (str): ``Name``, unique across the index.
        config (str): ``Config``, as written (relative to the index's folder).
        collection (str): ``In Collection``.
        weights (str, optional): ``Weights`` URL of the released checkpoint, if any.
        metafile (str): The metafile the entry comes from.
    """
    name: str
    config: str
    collection: str
    weights: Optional[str]
    metafile: str


def default_index_file() -> Path:
    """The installed ``mmskel/.mim/model-index.yml``, else the repository's."""
    installed = PACKAGE_ROOT / '.mim' / 'model-index.yml'
    if installed.is_file():
        return installed
    return PACKAGE_ROOT.parent / 'model-index.yml'


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise FileNotFoundError(f'model index file {path} does not exist')
    with open(path, encoding='utf-8') as f:
        content = yaml.safe_load(f) or {}
    if not isinstance(content, dict):
        raise ValueError(f'{path}: expected a mapping with Import/Collections/Models, got '
                         f'{type(content).__name__}')
    return content


def load_model_index(index_file: Optional[str] = None) -> Dict[str, ZooModel]:
    """Read a model index and the metafiles it imports into ``{model name: ZooModel}``.

    Args:
        index_file (str, optional): Defaults to :func:`default_index_file`. ``Import`` paths are
            relative to the folder of the index file.

    Raises:
        ValueError: a model lacks ``Name``/``Config``/``In Collection``, or a name repeats.
    """
    index_file = Path(index_file) if index_file else default_index_file()
    root = index_file.parent
    models: Dict[str, ZooModel] = {}
    pending, seen = [index_file], set()
    while pending:
        path = pending.pop(0).resolve()
        if path in seen:
            continue
        seen.add(path)
        content = _read_yaml(path)
        pending += [root / item for item in content.get('Import') or []]
        for i, entry in enumerate(content.get('Models') or []):
            missing = [key for key in ('Name', 'Config', 'In Collection') if not entry.get(key)]
            if missing:
                raise ValueError(f'{path}: Models[{i}] ({entry.get("Name", "no name")}) lacks '
                                 f'{", ".join(missing)}')
            name = entry['Name']
            if name in models:
                raise ValueError(f'{path}: model name {name!r} is also in '
                                 f'{models[name].metafile}; names must be unique')
            models[name] = ZooModel(name, entry['Config'], entry['In Collection'],
                                    entry.get('Weights'), str(path))
    return models


def weights_url(name: str, index_file: Optional[str] = None) -> str:
    """The ``Weights`` URL of model ``name``.

    Raises:
        KeyError: no model has that name, or the model has no released checkpoint; the message
            names close names.
    """
    models = load_model_index(index_file)
    with_weights = sorted(n for n, m in models.items() if m.weights)
    if name not in models:
        close = difflib.get_close_matches(name, list(models), n=5, cutoff=0.6)
        hint = f'; close names: {", ".join(close)}' if close else ''
        raise KeyError(f'no model named {name!r} in {index_file or default_index_file()} '
                       f'({len(models)} models){hint}')
    model = models[name]
    if not model.weights:
        close = difflib.get_close_matches(name, with_weights, n=5, cutoff=0.6)
        if close:
            hint = f'close names with weights: {", ".join(close)}'
        elif with_weights:
            hint = f'{len(with_weights)} models have weights, e.g. {with_weights[0]}'
        else:
            hint = 'no model in the index has released weights yet'
        raise KeyError(f'model {name!r} has no released checkpoint (no Weights: in '
                       f'{model.metafile}); {hint}. Train it with tools/train.py '
                       f'{model.config} and pass the checkpoint path instead')
    return model.weights


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


def resolve_checkpoint(checkpoint: str, dest: Optional[str] = None,
                       progress: bool = True) -> Tuple[str, bool]:
    """Turn a path, URL or zoo model name into a local checkpoint path.

    A path that exists is used as is; an http(s), ftp or file URL is downloaded; another
    ``scheme://`` path is left to mmengine's file backends; anything else is looked up as a model
    name in the model index and its ``Weights`` downloaded.

    Returns:
        tuple[str, bool]: The local path, and whether it was downloaded (so third-party).
    """
    if osp.isfile(osp.expanduser(checkpoint)):
        return checkpoint, False
    if is_url(checkpoint):
        return download(checkpoint, dest, progress), True
    if '://' in checkpoint:  # another mmengine file backend (s3://, petrel://): it loads these
        return checkpoint, False
    if os.sep in checkpoint or checkpoint.endswith(('.pth', '.pt', '.ckpt')):
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist (not a URL or a model '
                                'name either)')
    return download(weights_url(checkpoint), dest, progress), True
