"""What each checkpoint loader does with a call payload, exactly as docs/reliability.md says.

A checkpoint whose pickle calls a function (a ``__reduce__`` payload) is never run by the safe
loaders, but it is not always refused: the default loader (``tools/test.py``, ``load_from``,
``init_recognizer``) refuses calls into torch's blocked modules (``os``, ``posix``, ``nt``,
``sys``) and replaces any other call by an inert stand-in; ``--resume PATH|URL`` refuses every
call outside its allow-list; only a trusted (full) load runs it.
"""
import builtins
import os
import pickle
import subprocess

import pytest
import torch

from mmskel.engine import load_checkpoint_file, state_dict_of
from mmskel.engine.checkpoint import Skipped


class Payload:
    """Pickles as ``function(*args)``; every function below would create ``marker``."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


class Touch:
    """A class of the file's own making, whose construction has an effect."""

    def __init__(self, marker):
        open(marker, 'w').close()


def payloads(marker):
    touch = f'open({str(marker)!r}, "w").close()'
    return {'os.system': Payload(os.system, f'touch {marker}'),
            'builtins.exec': Payload(builtins.exec, touch),
            'builtins.eval': Payload(builtins.eval, touch),
            'subprocess.call': Payload(subprocess.call, ['touch', str(marker)]),
            'a class': Payload(Touch, str(marker))}


def save(tmp_path, name, payload, where):
    checkpoint = {'state_dict': {'w': torch.ones(1)}, 'meta': {'epoch': 1}}
    if where == 'meta':
        checkpoint['meta']['note'] = payload
    else:
        checkpoint['state_dict']['payload'] = payload
    path = tmp_path / f'{name}_{where}.pth'
    torch.save(checkpoint, path)
    return path


@pytest.mark.parametrize('where', ['meta', 'state_dict'])
def test_default_loading_refuses_blocked_modules_and_stubs_other_calls(tmp_path, where):
    marker = tmp_path / 'ran'
    for name, payload in payloads(marker).items():
        path = save(tmp_path, name, payload, where)
        if name == 'os.system':
            with pytest.raises(pickle.UnpicklingError, match='posix.system whose module posix '
                               'is blocked'):
                load_checkpoint_file(str(path))
            continue
        loaded = load_checkpoint_file(str(path))  # loads: the call became an inert stand-in
        if where == 'meta':
            assert isinstance(loaded['meta']['note'], Skipped), name
            assert state_dict_of(loaded, path.name).keys() == {'w'}
        else:  # a stand-in among the weights: the weights are refused
            with pytest.raises(ValueError, match=r"non-tensor entries \['payload'\]"):
                state_dict_of(loaded, path.name)
    assert not marker.exists()


def test_resume_from_a_path_refuses_every_call(tmp_path):
    marker = tmp_path / 'ran'
    for name, payload in payloads(marker).items():
        path = save(tmp_path, name, payload, 'meta')
        with pytest.raises(pickle.UnpicklingError, match=rf'{path.name}: refused by '
                           r'weights_only loading .*--trust-checkpoint'):
            load_checkpoint_file(str(path), training_state=True)
    assert not marker.exists()


def test_trusted_loading_runs_the_payload(tmp_path):
    marker = tmp_path / 'ran'
    path = save(tmp_path, 'exec', payloads(marker)['builtins.exec'], 'meta')
    load_checkpoint_file(str(path), weights_only=False)
    assert marker.exists()
