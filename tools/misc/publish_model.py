"""Turn a training checkpoint into a releasable one, named the OpenMMLab way.

    python tools/misc/publish_model.py IN_FILE OUT_FILE

Reads IN_FILE with mmskel's safe loader (``weights_only``; nothing in the file is run), keeps the
weights and plain metadata (drops the optimizer, schedulers and message hub, whose pickled
objects ``torch.load(weights_only=True)`` refuses), then renames OUT_FILE
``<stem>.pth`` to ``<stem>_YYYYMMDD-<first 8 hex of its sha256>.pth`` and prints that path: the
name ``tools/misc/download_checkpoint.py`` verifies downloads against.
"""
import argparse
import os
import os.path as osp
import time

import torch

from mmskel.engine.checkpoint import load_checkpoint_file, state_dict_of
from mmskel.utils import atomic_open
from mmskel.utils.download import file_sha256

# meta keys of an mmengine training checkpoint that hold plain values only
META_KEYS = ('epoch', 'iter', 'seed', 'experiment_name', 'mmengine_version', 'dataset_meta')


def publish(in_file: str, out_file: str) -> str:
    """Write the stripped checkpoint and return its final, hash-named path."""
    checkpoint = load_checkpoint_file(in_file)
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise ValueError(f'{in_file}: expected an mmengine checkpoint (a dict with '
                         f'"state_dict"), got {type(checkpoint).__name__}'
                         + (f' with keys {sorted(checkpoint)}' if isinstance(checkpoint, dict)
                            else ''))
    meta = checkpoint.get('meta') or {}
    stripped = dict(state_dict=state_dict_of(checkpoint, in_file),
                    meta={key: meta[key] for key in META_KEYS if key in meta})
    stem = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    with atomic_open(stem + '.pth') as f:
        torch.save(stripped, f)
    final = f'{stem}_{time.strftime("%Y%m%d")}-{file_sha256(stem + ".pth")[:8]}.pth'
    os.replace(stem + '.pth', final)
    return final


def main() -> None:
    parser = argparse.ArgumentParser(description='Strip a checkpoint and name it by its hash')
    parser.add_argument('in_file', help='training checkpoint (e.g. work_dirs/x/epoch_50.pth)')
    parser.add_argument('out_file', help='output name; the date and hash are appended')
    args = parser.parse_args()
    if not osp.isfile(args.in_file):
        parser.error(f'{args.in_file} does not exist')
    print(publish(args.in_file, args.out_file))


if __name__ == '__main__':
    main()
