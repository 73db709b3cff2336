"""The model zoo: look a model up by name in ``model-index.yml``, download its checkpoint.

``model-index.yml`` imports every ``configs/skeleton/<algo>/metafile.yml`` (OpenMMLab's
``model-index`` format, the one ``mim`` reads). A model's released checkpoint is its ``Weights:``
URL, downloaded by :func:`mmskel.utils.download.download` (cached, resumable, hash-checked).

Example:
    >>> from mmskel.apis.zoo import resolve_checkpoint
    >>> path, downloaded = resolve_checkpoint('work_dirs/run/epoch_50.pth')  # a path: as is
"""
import difflib
import os
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from mmskel.utils.download import cache_dir, download, file_sha256, is_url, sha256_prefix
from mmskel.utils.package_files import package_path

__all__ = ['ZooModel', 'cache_dir', 'default_index_file', 'download', 'file_sha256', 'is_url',
           'load_model_index', 'resolve_checkpoint', 'sha256_prefix', 'weights_url']


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
    return package_path('model-index.yml')


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
