"""Strict weight fitting and the choice of the checkpoint to auto-resume from."""
import logging

import pytest
import torch

from mmskel.engine.checkpoint_files import (CheckpointMismatchError, fit_state_dict,
                                            latest_complete_checkpoint)

MODEL = {'backbone.conv.weight': torch.zeros(4, 3), 'cls_head.fc.weight': torch.zeros(10, 4),
         'cls_head.fc.bias': torch.zeros(10)}
LST_KEYS = {'cls_head.projections.global.weight': torch.zeros(8, 4),
            'cls_head.logit_scale': torch.zeros(1, 5)}


def test_weights_that_fit_load_as_they_are():
    kept, dropped, problems = fit_state_dict(MODEL, dict(MODEL), 'a.pth')
    assert kept.keys() == MODEL.keys() and dropped == [] and problems is None


def test_missing_unexpected_and_mismatched_keys_are_all_named():
    weights = {'backbone.conv.weight': torch.zeros(4, 3), 'cls_head.fc.weight': torch.zeros(60, 4),
               'other.weight': torch.zeros(1)}
    with pytest.raises(CheckpointMismatchError) as error:
        fit_state_dict(MODEL, weights, 'other.pth')
    message = str(error.value)
    assert message.startswith('other.pth does not fit the model of the config')
    assert 'missing keys (1): cls_head.fc.bias' in message
    assert 'unexpected keys (1): other.weight' in message
    assert 'shape mismatches (1): cls_head.fc.weight (60, 4) (model: (10, 4))' in message
    assert '--load-partial' in message
    kept, _, problems = fit_state_dict(MODEL, weights, 'other.pth', strict=False)
    assert problems == message[len('other.pth does not fit the model of the config: '):
                               message.index('; pass --load-partial')]


def test_lst_training_only_keys_are_dropped_for_a_plain_model_only():
    kept, dropped, _ = fit_state_dict(MODEL, {**MODEL, **LST_KEYS}, 'lst.pth')
    assert kept.keys() == MODEL.keys()
    assert dropped == ['cls_head.logit_scale', 'cls_head.projections.global.weight']
    # an LST model needs them: a plain checkpoint does not fit it
    with pytest.raises(CheckpointMismatchError, match=r'missing keys \(2\): cls_head.proj'):
        fit_state_dict({**MODEL, **LST_KEYS}, dict(MODEL), 'plain.pth')
    kept, dropped, _ = fit_state_dict({**MODEL, **LST_KEYS}, {**MODEL, **LST_KEYS}, 'lst.pth')
    assert kept.keys() == {**MODEL, **LST_KEYS}.keys() and dropped == []
    # any other extra head key is refused
    with pytest.raises(CheckpointMismatchError, match=r'unexpected keys \(1\): cls_head.extra'):
        fit_state_dict(MODEL, {**MODEL, 'cls_head.extra': torch.zeros(1)}, 'x.pth')


@pytest.fixture
def work_dir(tmp_path):
    """epoch_1.pth and epoch_2.pth complete, epoch_3.pth cut short by a kill."""
    for epoch in (1, 2, 3):
        torch.save({'meta': {'epoch': epoch}}, tmp_path / f'epoch_{epoch}.pth')
    data = (tmp_path / 'epoch_3.pth').read_bytes()
    (tmp_path / 'epoch_3.pth').write_bytes(data[:len(data) // 2])
    torch.save({'meta': {}}, tmp_path / 'best_acc_top1_epoch_2.pth')
    return tmp_path


@pytest.mark.parametrize('content, warning', [
    ('', 'last_checkpoint is empty'),
    ('{dir}/epoch_4.pth', 'names {dir}/epoch_4.pth, which does not exist'),
    ('{dir}/epoch_3.pth', '{dir}/epoch_3.pth: truncated at'),
])
def test_a_bad_last_checkpoint_falls_back_to_the_newest_complete_one(work_dir, caplog, content,
                                                                     warning):
    (work_dir / 'last_checkpoint').write_text(content.format(dir=work_dir))
    with caplog.at_level(logging.WARNING):
        chosen = latest_complete_checkpoint(str(work_dir), logging.getLogger('test'))
    assert chosen == str(work_dir / 'epoch_2.pth')
    assert warning.format(dir=work_dir) in caplog.text
    assert f'resuming from {work_dir / "epoch_2.pth"} instead' in caplog.text


def test_a_good_last_checkpoint_is_taken_silently(work_dir, caplog):
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_1.pth'))
    with caplog.at_level(logging.WARNING):
        assert latest_complete_checkpoint(str(work_dir), logging.getLogger('test')) == str(
            work_dir / 'epoch_1.pth')
    assert caplog.text == ''


def test_nothing_to_resume(tmp_path):
    assert latest_complete_checkpoint(str(tmp_path), logging.getLogger('test')) is None
    (tmp_path / 'last_checkpoint').write_text('')
    assert latest_complete_checkpoint(str(tmp_path), logging.getLogger('test')) is None
