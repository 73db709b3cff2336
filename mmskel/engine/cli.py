"""Command-line pieces that tools/train.py and tools/test.py share: their common options and
the clean exit on an error whose message is all a user needs."""
import argparse
import sys
from contextlib import contextmanager
from typing import Iterator, Type

from mmengine.config import DictAction


def add_amp_arguments(parser: argparse.ArgumentParser, cuda_fp16: str) -> None:
    """``--amp`` and ``--amp-dtype`` (see :func:`mmskel.engine.amp.use_amp`).

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        cuda_fp16 (str): What ``--amp`` runs on CUDA, for the help, e.g. ``'fp16'``.
    """
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bf16 autocast on the CPU (where it has native '
                        f'bf16), {cuda_fp16} on CUDA')
    parser.add_argument('--amp-dtype', choices=['float16', 'bfloat16'],
                        help='the --amp dtype (default: float16 on CUDA, bfloat16 on the CPU)')


def add_launch_arguments(parser: argparse.ArgumentParser, cfg_example: str) -> None:
    """``--cfg-options``, ``--launcher`` and the ``--local-rank`` that launchers pass.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        cfg_example (str): A ``KEY=VALUE`` for the help of ``--cfg-options``.
    """
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help=f'override config keys, e.g. {cfg_example}')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)


@contextmanager
def exit_on(*errors: Type[BaseException]) -> Iterator[None]:
    """Within the block, turn ``errors`` into ``error: <message>`` on stderr and exit status 1,
    without a traceback: their messages name the file or step and what to do.

    Args:
        *errors (type): The exception classes to catch.
    """
    try:
        yield
    except errors as error:
        # str() of a KeyError is its message in quotes
        sys.exit(f'error: {error.args[0] if isinstance(error, KeyError) else error}')
