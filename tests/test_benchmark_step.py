"""benchmarks/models.py's Step, which benchmarks/compare_mmaction2.py also times its models with:
a training step at its learning rate, an inference step with extra forward arguments, either
kind on demand."""
import importlib.util
from pathlib import Path

import torch
import torch.nn as nn

from mmskel.structures import ActionDataSample

REPO = Path(__file__).resolve().parents[1]


def _benchmark_models():
    spec = importlib.util.spec_from_file_location('benchmark_models',
                                                  REPO / 'benchmarks' / 'models.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Linear(nn.Module):
    """A recognizer's interface on one linear layer; ``stage='head'`` doubles the logits."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, inputs, data_samples=None, mode='tensor', stage='backbone'):
        logits = self.fc(inputs) * (2 if stage == 'head' else 1)
        if mode == 'tensor':
            return logits
        labels = torch.stack([s.gt_label for s in data_samples])[:, 0]
        return dict(loss_cls=nn.functional.cross_entropy(logits, labels))


def test_step_trains_at_its_lr_and_infers_on_demand():
    Step = _benchmark_models().Step
    torch.manual_seed(0)
    model = Linear()
    before = model.fc.weight.detach().clone()
    inputs = torch.randn(4, 3)
    samples = [ActionDataSample().set_gt_label(i % 2) for i in range(4)]
    step = Step(model, 'fp32', torch.device('cpu'), lr=0.5, stage='head')
    assert step(inputs, samples) > 0 and model.training
    grad = model.fc.weight.grad.clone()
    assert torch.allclose(model.fc.weight, before - 0.5 * grad)  # SGD's first step: no momentum
    assert step.logits is None
    weights = model.fc.weight.detach().clone()
    assert step(inputs, samples, inference=True) > 0 and not model.training
    assert torch.allclose(step.logits, 2 * model.fc(inputs))  # stage='head' reached forward
    assert torch.equal(model.fc.weight, weights)
    step(inputs, samples)
    assert model.training and not torch.equal(model.fc.weight, weights)


def test_an_inference_step_stays_in_eval_mode():
    Step = _benchmark_models().Step
    model = Linear().train()
    step = Step(model, 'fp32', torch.device('cpu'), inference=True)
    assert not model.training
    step(torch.randn(2, 3), None)
    assert not model.training and step.logits.shape == (2, 2)
