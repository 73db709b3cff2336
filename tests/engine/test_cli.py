"""The command-line pieces tools/train.py and tools/test.py share."""
import argparse

import pytest

from mmskel.engine.cli import add_amp_arguments, add_launch_arguments, exit_on


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='tool')
    add_amp_arguments(parser, 'fp16 with loss scaling')
    add_launch_arguments(parser, 'train_cfg.max_epochs=5')
    return parser


def test_shared_options_parse_and_keep_their_help():
    args = _parser().parse_args(['--amp', '--cfg-options', 'a.b=1', 'c=x', '--local-rank', '3'])
    assert (args.amp, args.amp_dtype, args.launcher, args.local_rank) == (True, None, 'none', 3)
    assert args.cfg_options == {'a.b': 1, 'c': 'x'}
    assert _parser().parse_args(['--local_rank', '2', '--launcher', 'slurm']).local_rank == 2
    text = ' '.join(_parser().format_help().split())
    assert ('mixed precision: bf16 autocast on the CPU (where it has native bf16), fp16 with '
            'loss scaling on CUDA') in text
    assert 'override config keys, e.g. train_cfg.max_epochs=5' in text
    assert 'local' not in text  # a launcher's option, hidden


def test_exit_on_prints_the_message_without_a_traceback():
    with pytest.raises(SystemExit) as info:
        with exit_on(KeyError, ValueError):
            raise KeyError("no model named 'x'")
    assert info.value.code == "error: no model named 'x'"  # sys.exit prints it, status 1
    with pytest.raises(SystemExit) as info:
        with exit_on(ValueError):
            raise ValueError('a.pth: bad')
    assert info.value.code == 'error: a.pth: bad'
    with pytest.raises(TypeError):  # others stay exceptions with their traceback
        with exit_on(ValueError):
            raise TypeError('a bug')
    with exit_on(ValueError):
        pass
