"""Mixed precision: which dtype each device gets, the config edits of --amp, and that a bf16
training step on the CPU computes what the float32 one does, to bf16's precision."""
import copy

import pytest
import torch
from mmengine.config import Config

from mmskel.engine import amp
from mmskel.registry import MODELS, OPTIM_WRAPPERS
from mmskel.structures import ActionDataSample

needs_bf16 = pytest.mark.skipif(not amp.cpu_supports_bf16(), reason='no native bf16 on this CPU')


def test_cpu_defaults_to_bf16_and_refuses_float16(monkeypatch):
    with pytest.raises(ValueError, match='float16 mixed precision needs a GPU'):
        amp.amp_dtype('cpu', 'float16')
    with pytest.raises(ValueError, match="one of \\['bfloat16', 'float16'\\], got 'half'"):
        amp.amp_dtype('cpu', 'half')
    monkeypatch.setattr(amp, 'cpu_supports_bf16', lambda: True)
    assert amp.amp_dtype('cpu') is torch.bfloat16
    monkeypatch.setattr(amp, 'cpu_supports_bf16', lambda: False)
    assert amp.amp_dtype('cpu', 'bfloat16') is None  # float32, with a warning


def test_cuda_defaults_to_float16():
    assert amp.amp_dtype('cuda') is torch.float16
    assert amp.amp_dtype('cuda', 'float16') is torch.float16


def _cfg() -> Config:
    return Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1), clip_grad=None),
                       val_cfg=dict(type='ValLoop'), test_cfg=dict(type='TestLoop', fp16=False)))


def test_use_amp_edits_the_config_per_device_and_phase(monkeypatch):
    monkeypatch.setattr(amp, 'cpu_supports_bf16', lambda: True)
    cfg = _cfg()
    assert amp.use_amp(cfg, None, 'train', 'cpu') is torch.bfloat16
    assert cfg.optim_wrapper == dict(type='AutocastOptimWrapper', dtype='bfloat16',
                                     optimizer=dict(type='SGD', lr=0.1), clip_grad=None)
    assert cfg.val_cfg == dict(type='AutocastValLoop', amp_dtype='bfloat16')
    assert cfg.test_cfg == dict(type='TestLoop', fp16=False)  # training leaves testing alone

    cfg = _cfg()
    amp.use_amp(cfg, None, 'train', 'cuda')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert (cfg.optim_wrapper.dtype, cfg.optim_wrapper.loss_scale) == ('float16', 'dynamic')
    assert cfg.val_cfg == dict(type='AutocastValLoop', amp_dtype='float16')

    cfg = _cfg()
    amp.use_amp(cfg, None, 'test', 'cpu')
    assert cfg.test_cfg == dict(type='AutocastTestLoop', amp_dtype='bfloat16')
    assert cfg.optim_wrapper == _cfg().optim_wrapper

    monkeypatch.setattr(amp, 'cpu_supports_bf16', lambda: False)
    cfg = _cfg()
    assert amp.use_amp(cfg, None, 'train', 'cpu') is None
    assert cfg.to_dict() == _cfg().to_dict()


def _step(model, wrapper, inputs, samples) -> float:
    with wrapper.optim_context(model):
        loss = model(inputs, samples, mode='loss')['loss_cls']
    wrapper.update_params(loss)
    return float(loss.detach())


@needs_bf16
def test_bf16_training_step_follows_float32():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                      base_channels=16),
        cls_head=dict(type='GCNHead', num_classes=5, in_channels=64)))
    inputs = torch.randn(4, 1, 2, 20, 25, 3)
    samples = [ActionDataSample().set_gt_label(i % 5) for i in range(4)]
    models = {'fp32': model, 'bf16': copy.deepcopy(model)}
    wrappers = {
        'fp32': OPTIM_WRAPPERS.build(dict(type='OptimWrapper', optimizer=torch.optim.SGD(
            models['fp32'].parameters(), lr=0.1))),
        'bf16': OPTIM_WRAPPERS.build(dict(type='AutocastOptimWrapper', optimizer=torch.optim.SGD(
            models['bf16'].parameters(), lr=0.1)))}
    seen = []
    models['bf16'].cls_head.fc.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    losses = {k: [_step(models[k], wrappers[k], inputs, samples) for _ in range(3)]
              for k in models}
    assert set(seen) == {torch.bfloat16}
    assert losses['fp32'] != losses['bf16']
    assert losses['bf16'] == pytest.approx(losses['fp32'], rel=0.03)
    assert losses['bf16'][-1] < losses['bf16'][0]  # it learns
    for (name, p32), p16 in zip(models['fp32'].named_parameters(), models['bf16'].parameters()):
        assert p16.dtype == torch.float32, name  # master weights stay float32
        torch.testing.assert_close(p16, p32, atol=0.02, rtol=0.05, msg=name)
