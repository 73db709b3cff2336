"""load_checkpoint_file under torch's weights_only default (mmengine issue #1655)."""
import os
import pickle
from collections import OrderedDict

import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from mmskel.engine import load_checkpoint_file, state_dict_of
from mmskel.engine.checkpoint import CorruptCheckpointError, Skipped


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


def test_training_checkpoint_loads_weights_only_with_stand_ins(training_checkpoint,
                                                               torch_load_calls):
    loaded = load_checkpoint_file(str(training_checkpoint))
    assert torch_load_calls == [True]  # never fully unpickled
    assert loaded['meta'] == {'epoch': 3}
    assert torch.equal(loaded['state_dict']['weight'], torch.ones(2, 2))
    assert isinstance(loaded['message_hub']['log_scalars']['train/loss'], Skipped)
    assert state_dict_of(loaded, 'epoch_3.pth').keys() == {'weight'}


def test_training_checkpoint_loads_in_full_when_trusted(training_checkpoint, torch_load_calls):
    loaded = load_checkpoint_file(str(training_checkpoint), weights_only=False)
    assert torch_load_calls == [False]
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(2.0)
    values, counts = buffer.data
    assert values.tolist() == [3.0, 2.0, 1.0] and counts.tolist() == [1, 1, 1]


class _System:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_a_checkpoint_that_calls_a_function_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / 'pwned'
    torch.save({'state_dict': {'w': torch.ones(1)}, 'meta': _System(marker)}, tmp_path / 'x.pth')
    with pytest.raises(pickle.UnpicklingError,
                       match=r'x.pth: refused by weights_only loading \(.*posix.system.*'
                             r'safe_checkpoint_load=False'):
        load_checkpoint_file(str(tmp_path / 'x.pth'))
    assert not marker.exists()


def test_state_dict_of_refuses_non_tensors_and_strips_ddp_prefix():
    assert list(state_dict_of({'module.w': torch.ones(1)}, 'a.pth')) == ['w']
    with pytest.raises(ValueError, match=r"a.pth: the state dict holds non-tensor entries "
                                         r"\['extra'\]"):
        state_dict_of({'state_dict': {'w': torch.ones(1), 'extra': Skipped()}}, 'a.pth')
    with pytest.raises(ValueError, match='a.pth: expected a dict'):
        state_dict_of([torch.ones(1)], 'a.pth')


def test_map_location_is_applied(bare_state_dict):
    path, _ = bare_state_dict
    loaded = load_checkpoint_file(str(path), map_location=torch.device('meta'))
    assert loaded['weight'].device.type == 'meta'


def test_missing_local_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_checkpoint_file(str(tmp_path / 'absent.pth'))


def test_training_state_loads_safely_with_its_history_buffers(training_checkpoint,
                                                              torch_load_calls):
    loaded = load_checkpoint_file(str(training_checkpoint), training_state=True)
    assert torch_load_calls == [True]  # never fully unpickled
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(2.0) and buffer.current() == 1.0


def test_training_state_refuses_a_call_payload_and_names_the_opt_in(tmp_path):
    marker = tmp_path / 'pwned'
    torch.save({'state_dict': {'w': torch.ones(1)}, 'meta': _System(marker)}, tmp_path / 'x.pth')
    with pytest.raises(pickle.UnpicklingError,
                       match=r'x.pth: refused by weights_only loading .*--trust-checkpoint'):
        load_checkpoint_file(str(tmp_path / 'x.pth'), training_state=True)
    assert not marker.exists()


class _GetAttr:
    """Pickles as ``getattr(HistoryBuffer, name)``, the one use of getattr that is allowed."""

    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        return (getattr, (HistoryBuffer, self.name))


def test_training_state_allows_getattr_only_for_history_buffer_statistics(tmp_path):
    torch.save({'ok': _GetAttr('mean')}, tmp_path / 'ok.pth')
    assert load_checkpoint_file(str(tmp_path / 'ok.pth'), training_state=True)['ok'] \
        is HistoryBuffer.mean
    torch.save({'bad': _GetAttr('__init__')}, tmp_path / 'bad.pth')
    with pytest.raises(pickle.UnpicklingError, match=r"bad.pth: .*refusing getattr"):
        load_checkpoint_file(str(tmp_path / 'bad.pth'), training_state=True)


@pytest.mark.parametrize('training_state', [False, True])
def test_empty_truncated_and_random_files_are_named_and_explained(training_checkpoint, tmp_path,
                                                                  training_state):
    data = training_checkpoint.read_bytes()
    cases = {'empty.pth': (b'', r'not a checkpoint: the file is empty'),
             'cut.pth': (data[:len(data) // 2], rf'truncated at {len(data) // 2} bytes'),
             'noise.pth': (bytes(range(7, 200)) * 20, r'not a checkpoint: neither a torch zip')}
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CorruptCheckpointError, match=rf'{name}: {reason}') as error:
            load_checkpoint_file(str(tmp_path / name), training_state=training_state)
        assert 'weights_only=False' not in str(error.value)
        assert 'safe_checkpoint_load' not in str(error.value)
