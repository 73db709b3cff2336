"""FiniteLossHook: a NaN or inf training loss stops the run, naming the step, terms and batch."""
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from mmskel.engine import FiniteLossHook, NonFiniteLossError
from mmskel.engine.finite_loss_hook import non_finite_terms
from mmskel.structures import ActionDataSample

NUM_SAMPLES = 4  # batch size 1: one iteration per sample, 4 per epoch


class Regressor(BaseModel):
    """y = w x + b on 2 numbers; ``loss_fit`` is the squared error, ``loss_size`` is 0 times the
    output (a second term, NaN whenever the output is)."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(torch.stack(inputs))[:, 0]
        if mode != 'loss':
            return out
        target = torch.cat([s.gt_label.float() for s in data_samples])
        return dict(loss_fit=((out - target) ** 2).mean(), loss_size=out.abs().mean() * 0)


def _data(poisoned=None, value=math.nan):
    samples = []
    for i in range(NUM_SAMPLES):
        x = torch.tensor([float(i), 1.0])
        if i == poisoned:
            x[0] = value
        sample = ActionDataSample().set_gt_label(i % 2)
        sample.set_metainfo(dict(frame_dir=f'clip{i}'))
        samples.append(dict(inputs=x, data_samples=sample))
    return DataLoader(samples, batch_size=1, shuffle=False, collate_fn=pseudo_collate)


def _runner(tmp_path, data, hook=True, train_cfg=None):
    torch.manual_seed(0)
    return Runner(
        model=Regressor(), work_dir=str(tmp_path), train_dataloader=data,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=train_cfg or dict(by_epoch=True, max_epochs=2),
        default_hooks=dict(checkpoint=None, logger=None),
        custom_hooks=[dict(type='FiniteLossHook')] if hook else None,
        default_scope='mmskel', experiment_name=uuid.uuid4().hex)  # runners of one second


def test_nan_from_the_data_stops_training_naming_epoch_iteration_terms_and_batch(tmp_path):
    runner = _runner(tmp_path, _data(poisoned=2))
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    assert str(info.value).startswith(
        'non-finite training loss at epoch 1, iteration 3 of the epoch (iteration 3 in all): '
        'loss=nan, loss_fit=nan, loss_size=nan; the batch held clip2. Training stopped')
    assert 'tools/data/inspect_pickle.py' in str(info.value)
    assert runner.epoch == 0 and runner.iter == 2  # nothing ran after the NaN step


def test_inf_in_a_later_epoch_names_that_epoch(tmp_path):
    class LateInf(Regressor):
        steps = 0

        def forward(self, inputs, data_samples=None, mode='tensor'):
            losses = super().forward(inputs, data_samples, mode)
            if mode == 'loss':
                LateInf.steps += 1
                if LateInf.steps == 6:  # the second iteration of epoch 2
                    losses['loss_fit'] = losses['loss_fit'] + math.inf
            return losses

    runner = _runner(tmp_path, _data())
    runner.model = LateInf()
    with pytest.raises(NonFiniteLossError, match=r'at epoch 2, iteration 2 of the epoch '
                       r'\(iteration 6 in all\): loss=inf, loss_fit=inf; the batch held clip1\.'):
        runner.train()


def test_iteration_based_training_names_the_iteration(tmp_path):
    runner = _runner(tmp_path, _data(poisoned=1, value=math.inf),
                     train_cfg=dict(by_epoch=False, max_iters=6))
    with pytest.raises(NonFiniteLossError, match=r'^non-finite training loss at iteration 2: '
                       r'loss=nan, loss_fit=(inf|nan), loss_size=nan; the batch held clip1\.'):
        runner.train()


def test_a_normal_run_is_unaffected(tmp_path):
    with_hook = _runner(tmp_path / 'with', _data())
    with_hook.train()
    without = _runner(tmp_path / 'without', _data(), hook=False)
    without.train()
    assert any(isinstance(h, FiniteLossHook) for h in with_hook.hooks)
    assert not any(isinstance(h, FiniteLossHook) for h in without.hooks)
    assert with_hook.iter == without.iter == 2 * NUM_SAMPLES
    for a, b in zip(with_hook.model.parameters(), without.model.parameters()):
        assert torch.equal(a, b)


def test_non_finite_terms_reads_only_loss_terms():
    assert non_finite_terms(None) == {}
    outputs = dict(loss=torch.tensor(float('nan')), loss_cls=torch.tensor([1.0, math.inf]),
                   loss_ok=torch.tensor(0.5), top1_acc=torch.tensor(float('nan')))
    assert non_finite_terms(outputs) == dict(loss=pytest.approx(math.nan, nan_ok=True),
                                             loss_cls=math.inf)
    assert non_finite_terms(dict(loss=torch.tensor(2.0), acc=torch.tensor(math.nan))) == {}


def test_every_config_gets_the_hook_from_the_default_runtime():
    from conftest import REPO

    from mmskel.engine import load_config
    from mmskel.registry import HOOKS
    from mmskel.utils import register_all_modules
    register_all_modules()
    cfg = load_config(str(REPO / 'configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py'))
    assert cfg.default_hooks.finite_loss == dict(type='FiniteLossHook')
    assert isinstance(HOOKS.build(cfg.default_hooks.finite_loss), FiniteLossHook)


def test_train_tool_prints_a_non_finite_loss_as_one_error_paragraph(tmp_path):
    """tools/train.py on a tiny synthetic ST-GCN whose loss weight is inf: exit status 1 and
    the hook's message as ``error: ...``, no traceback, no checkpoint."""
    from mmskel.datasets.converters.synthetic import generate_synthetic
    repo = Path(__file__).resolve().parents[2]
    ann_file = tmp_path / 'synthetic_3danno.pkl'
    generate_synthetic(str(ann_file), num_subjects=2, num_train_subjects=1,
                       samples_per_class_per_subject=1, min_frames=30, max_frames=40)
    options = [f'train_dataloader.dataset.ann_file={ann_file}',
               'train_dataloader.dataset.indices=4', 'train_dataloader.batch_size=4',
               'model.backbone.base_channels=8', 'model.backbone.num_stages=4',
               'model.backbone.inflate_stages=[3]', 'model.backbone.down_stages=[3]',
               'model.cls_head.in_channels=16', 'model.cls_head.loss_cls.type=CrossEntropyLoss',
               'model.cls_head.loss_cls.loss_weight=inf', 'train_cfg.max_epochs=1']
    env = dict(os.environ, PYTHONPATH=str(repo), OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, str(repo / 'tools/train.py'),
         str(repo / 'configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py'),
         '--work-dir', str(tmp_path / 'work_dir'), '--cfg-options', *options],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    error = proc.stderr.splitlines()[-1]  # one line: warnings may come before it
    assert error.startswith(
        'error: non-finite training loss at epoch 1, iteration 1 of the epoch (iteration 1 in '
        'all): loss=inf, loss_cls=inf; the batch held ')
    assert error.endswith('resume from the last checkpoint with a lower learning rate')
    assert 'Traceback' not in proc.stdout + proc.stderr
    assert not list((tmp_path / 'work_dir').glob('*.pth'))
