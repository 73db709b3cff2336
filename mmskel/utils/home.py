"""mmskel's own folder, where its caches live: ``$MMSKEL_HOME``, default ``~/.cache/mmskel``."""
import os
import os.path as osp


def mmskel_home(*parts: str) -> str:
    """The folder ``$MMSKEL_HOME`` (default ``~/.cache/mmskel``, ``~`` expanded) joined with
    ``parts``, e.g. ``mmskel_home('checkpoints')``; nothing is created.

    Args:
        *parts (str): Names below the home folder.

    Returns:
        str: The path.
    """
    home = os.environ.get('MMSKEL_HOME', osp.join('~', '.cache', 'mmskel'))
    return osp.join(osp.expanduser(home), *parts)
