"""load_checkpoint_file under torch's weights_only default (mmengine issue #1655)."""
import pickle
from collections import OrderedDict

import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from mmskel.engine import load_checkpoint_file


@pytest.fixture
def torch_load_calls(monkeypatch):
    """Record the ``weights_only`` argument of every torch.load call."""
    calls = []
    original = torch.load

    def recording_load(*args, **kwargs):
        calls.append(kwargs.get('weights_only'))
        return original(*args, **kwargs)

    monkeypatch.setattr(torch, 'load', recording_load)
    return calls


@pytest.fixture
def bare_state_dict(tmp_path):
    state = OrderedDict(weight=torch.arange(6.0).reshape(2, 3), bias=torch.tensor([0.5, -1.0]))
    path = tmp_path / 'weights.pth'
    torch.save(state, path)
    return path, state


@pytest.fixture
def training_checkpoint(tmp_path):
    hub = MessageHub('test_runner_checkpoint_hub')
    for value in (3.0, 2.0, 1.0):
        hub.update_scalar('train/loss', value)
    checkpoint = {'meta': {'epoch': 3}, 'message_hub': hub.state_dict(),
                  'state_dict': OrderedDict(weight=torch.ones(2, 2))}
    path = tmp_path / 'epoch_3.pth'
    torch.save(checkpoint, path)
    return path


def test_bare_state_dict_loads_with_weights_only(bare_state_dict, torch_load_calls):
    path, state = bare_state_dict
    loaded = load_checkpoint_file(str(path))
    assert list(loaded) == ['weight', 'bias']
    for key in state:
        assert torch.equal(loaded[key], state[key])
    assert torch_load_calls == [True]  # never fully unpickled


def test_weights_only_refuses_a_training_checkpoint(training_checkpoint):
    # the premise: mmengine's HistoryBuffer is not a tensor or plain container
    with pytest.raises(pickle.UnpicklingError):
        torch.load(training_checkpoint, weights_only=True)


def _check_training_checkpoint(loaded):
    assert loaded['meta'] == {'epoch': 3}
    assert torch.equal(loaded['state_dict']['weight'], torch.ones(2, 2))
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(2.0)
    assert buffer.current() == pytest.approx(1.0)
    values, counts = buffer.data
    assert values.tolist() == [3.0, 2.0, 1.0] and counts.tolist() == [1, 1, 1]


def test_training_checkpoint_loads_when_trusted(training_checkpoint, torch_load_calls):
    _check_training_checkpoint(load_checkpoint_file(str(training_checkpoint), trusted=True))
    assert torch_load_calls == [False]


def test_local_training_checkpoint_loads_by_the_fallback(training_checkpoint, torch_load_calls):
    _check_training_checkpoint(load_checkpoint_file(str(training_checkpoint)))
    assert torch_load_calls == [True, False]  # weights_only first, then the local fallback


def test_safe_mode_refuses_a_training_checkpoint(training_checkpoint, torch_load_calls):
    with pytest.raises(pickle.UnpicklingError) as info:
        load_checkpoint_file(str(training_checkpoint), allow_unsafe_local=False)
    assert str(training_checkpoint) in str(info.value)
    assert 'safe_checkpoint_load' in str(info.value)
    assert torch_load_calls == [True]


def test_safe_mode_still_loads_plain_weights(bare_state_dict):
    path, state = bare_state_dict
    loaded = load_checkpoint_file(str(path), allow_unsafe_local=False)
    assert torch.equal(loaded['bias'], state['bias'])


def test_map_location_is_applied(bare_state_dict):
    path, _ = bare_state_dict
    loaded = load_checkpoint_file(str(path), map_location=torch.device('meta'))
    assert loaded['weight'].device.type == 'meta'


def test_missing_local_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_checkpoint_file(str(tmp_path / 'absent.pth'))
