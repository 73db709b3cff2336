"""Dataset variables that a config which inherits a dataset base, or ``--cfg-options``, can
change after the base has written its loaders.

mmengine evaluates a base config once: the pipelines of ``configs/_base_/datasets/*.py`` hold
the values that ``clip_len``, ``ann_file``, ... had there, and a child's ``clip_len = 64`` only
changes the top-level name. So a dataset base records those values in ``data_vars``
(``data_vars = dict(clip_len=clip_len, ...)``), and :func:`apply_data_vars` carries a top-level
name that now differs from its record to every entry of that name which still holds the recorded
value (docs/configs.md).
"""
from typing import Any, List, Mapping

# other names an entry may use for a variable (mmaction2's and pyskl's configs say num_person)
ALIASES = {'num_persons': ('num_persons', 'num_person')}


def _replace(node: Any, keys: tuple, old: Any, new: Any) -> int:
    """Set every ``keys`` entry of ``node`` (nested dicts and lists) that equals ``old`` to
    ``new``; the number set."""
    count = 0
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in keys and value == old:
                node[key] = new
                count += 1
            else:
                count += _replace(value, keys, old, new)
    elif isinstance(node, (list, tuple)):
        for item in node:
            count += _replace(item, keys, old, new)
    return count


def _holds(node: Any, keys: tuple, value: Any) -> bool:
    """Whether any ``keys`` entry of ``node`` (nested) equals ``value``."""
    if isinstance(node, Mapping):
        return any((k in keys and v == value) or _holds(v, keys, value) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return any(_holds(item, keys, value) for item in node)
    return False


def apply_data_vars(cfg) -> List[str]:
    """Carry each top-level variable recorded in ``cfg.data_vars`` that now has another value to
    the entries that hold the recorded one, in place.

    For a name in ``data_vars`` whose top-level value differs from the recorded one, every entry
    of that name (``num_persons`` also as ``num_person``) anywhere in the config, in datasets,
    pipeline steps and the model, that holds the recorded value is set to the top-level one. An
    entry that a config set to a third value on purpose keeps it. ``data_vars`` keeps what the
    base wrote, so a second call changes nothing and returns the same lines.

    Args:
        cfg (Config | dict): The config, changed in place.

    Returns:
        list[str]: One line per variable that differs from what the dataset base wrote.

    Raises:
        ValueError: A variable differs from its record, but no entry held the recorded value or
            holds the new one: the change would reach nothing (a dataset base changed the
            variable and its entries without recording the new value).
    """
    record = cfg.get('data_vars')
    if not record:
        return []
    skip = set(record) | {'data_vars'}
    filename = getattr(cfg, 'filename', None) or 'config'
    lines = []
    for name, old in record.items():
        if name not in cfg or cfg[name] == old:
            continue
        new, keys = cfg[name], ALIASES.get(name, (name,))
        rest = {k: v for k, v in cfg.items() if k not in skip}
        _replace(rest, keys, old, new)
        if not _holds(rest, keys, new):
            raise ValueError(
                f'{filename}: {name} is {new!r}, but no dataset, pipeline step or model entry '
                f'named {name} holds {old!r}, the value data_vars records for it, or {new!r}: '
                f'the change would reach nothing (a dataset base that changes {name} records '
                f'it: data_vars = dict({name}={name}))')
        lines.append(f'{name} = {new!r}, not {old!r} as the dataset base wrote it: every entry '
                     f'named {name} that held {old!r} now holds {new!r}')
    return lines
