"""Print a config as tools/train.py sees it: bases merged, ``--cfg-options`` applied, changed
dataset variables carried to their entries, the lr schedule scaled to ``train_cfg.max_epochs``,
named pipeline steps turned into their ordered lists. What was carried or scaled is said on
stderr, so that stdout holds the config alone.

    python tools/misc/print_config.py CONFIG [--key a.b.c] [--cfg-options KEY=VALUE ...]
"""
import argparse
import pprint
import sys

from mmengine.config import DictAction

from mmskel.engine import load_config
from mmskel.engine.schedule import fit_schedule
from mmskel.utils.data_vars import apply_data_vars


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Print the config a run would use')
    parser.add_argument('config', help='config file')
    parser.add_argument('--key', help='print only this entry, a dotted path such as '
                                      'train_dataloader.dataset.pipeline')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, as in tools/train.py')
    return parser.parse_args()


def lookup(cfg, key: str):
    """The entry of ``cfg`` at the dotted path ``key`` (list items by index)."""
    node = cfg
    for depth, part in enumerate(key.split('.')):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError):
            have = list(node) if isinstance(node, dict) else f'{len(node)} items'
            sys.exit(f"error: {cfg.filename} has no {'.'.join(key.split('.')[:depth + 1])} "
                     f'(there: {have})')
    return node


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    for note in apply_data_vars(cfg) + [fit_schedule(cfg)]:
        if note:
            print(note, file=sys.stderr)
    if args.key is None:
        print(cfg.pretty_text)
        return
    value = lookup(cfg, args.key)
    value = value.to_dict() if hasattr(value, 'to_dict') else value
    if isinstance(value, list):
        value = [v.to_dict() if hasattr(v, 'to_dict') else v for v in value]
    print(pprint.pformat(value, width=100, sort_dicts=False))


if __name__ == '__main__':
    main()
