"""Download a checkpoint by zoo model name or URL and print its local path.

    python tools/misc/download_checkpoint.py NAME|URL [--dest DIR]

A name is looked up in model-index.yml (its ``Weights:`` URL). The file goes into DIR, default
``$MMSKEL_HOME/checkpoints`` (``~/.cache/mmskel/checkpoints``); an interrupted download resumes;
the sha256 prefix in an OpenMMLab file name (``..._YYYYMMDD-<hex>.pth``) is verified.
"""
import argparse
import sys

from mmskel.apis.zoo import download, is_url, weights_url


def main() -> None:
    parser = argparse.ArgumentParser(description='Download a checkpoint by model name or URL')
    parser.add_argument('checkpoint', metavar='NAME|URL', help='zoo model name or URL')
    parser.add_argument('--dest', help='folder to download into (default: the mmskel cache)')
    parser.add_argument('--quiet', action='store_true', help='no progress bar')
    args = parser.parse_args()
    try:
        url = args.checkpoint if is_url(args.checkpoint) else weights_url(args.checkpoint)
        path = download(url, args.dest, progress=not args.quiet)
    except (KeyError, ValueError, RuntimeError, FileNotFoundError) as error:
        sys.exit(f'error: {error.args[0] if isinstance(error, KeyError) else error}')
    print(path)


if __name__ == '__main__':
    main()
