"""Files that ship with mmskel: under ``mmskel/.mim/`` in a pip install (as OpenMMLab's ``mim``
expects), at the repository's top level in a source checkout."""
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def package_path(relative: str) -> Path:
    """``mmskel/.mim/<relative>`` when it exists (a pip install), else ``<repository>/<relative>``.

    Args:
        relative (str): e.g. ``'model-index.yml'`` or ``'configs/_base_'``.
    """
    installed = PACKAGE_ROOT / '.mim' / relative
    return installed if installed.exists() else PACKAGE_ROOT.parent / relative
