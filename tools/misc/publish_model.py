"""Turn a training checkpoint into a releasable one, named the OpenMMLab way.

    python tools/misc/publish_model.py IN_FILE OUT_FILE

Reads IN_FILE with mmskel's safe loader (``weights_only``; nothing in the file is run), keeps the
weights and plain metadata (drops the optimizer, schedulers and message hub, whose pickled
objects ``torch.load(weights_only=True)`` refuses, and the run's time-stamped name, so the same
weights always give the same file), then renames OUT_FILE ``<stem>.pth`` to
``<stem>_YYYYMMDD-<first 8 hex of its sha256>.pth`` and prints that path: the name
``tools/misc/download_checkpoint.py`` verifies downloads against.
"""
import argparse
import os.path as osp

from mmskel.engine import publish_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description='Strip a checkpoint and name it by its hash')
    parser.add_argument('in_file', help='training checkpoint (e.g. work_dirs/x/epoch_50.pth)')
    parser.add_argument('out_file', help='output name; the date and hash are appended')
    args = parser.parse_args()
    if not osp.isfile(args.in_file):
        parser.error(f'{args.in_file} does not exist')
    print(publish_checkpoint(args.in_file, args.out_file))


if __name__ == '__main__':
    main()
