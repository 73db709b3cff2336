"""The K-subset graph convolution computed aggregation first (layers/gcn.py:
conv_then_aggregate) equals the reference einsum over the 1x1 convolution's output, outputs
and gradients, in float32."""
import pytest
import torch
import torch.nn as nn

from mmskel.models.backbones.aagcn import UnitAAGCN
from mmskel.models.backbones.mstgcn import SubGraphConv
from mmskel.models.layers import UnitGCN, conv_then_aggregate


def reference(x, conv, A):
    n, _, t, v = x.shape
    return torch.einsum('nkctv,kvw->nctw', conv(x).view(n, A.shape[0], -1, t, v), A)


def output_and_grads(fn, x, conv, A):
    x, A = x.clone().requires_grad_(), A.clone().requires_grad_()
    conv.zero_grad(set_to_none=True)
    out = fn(x, conv, A)
    out.square().mean().backward()
    grads = [x.grad, A.grad, conv.weight.grad] + ([conv.bias.grad] if conv.bias is not None
                                                  else [])
    return out.detach(), grads


@pytest.mark.parametrize('c_in, c_out, subsets, bias', [
    (3, 16, 3, True), (16, 16, 3, True), (16, 32, 3, False), (32, 16, 1, True), (8, 8, 6, True)])
def test_aggregation_first_equals_the_einsum(c_in, c_out, subsets, bias):
    torch.manual_seed(0)
    x = torch.randn(4, c_in, 12, 25)
    A = torch.rand(subsets, 25, 25)
    conv = nn.Conv2d(c_in, c_out * subsets, 1, bias=bias)
    nn.init.normal_(conv.bias) if bias else None
    out, grads = output_and_grads(conv_then_aggregate, x, conv, A)
    expected, expected_grads = output_and_grads(reference, x, conv, A)
    assert out.shape == (4, c_out, 12, 25)
    scale = expected.abs().max()
    torch.testing.assert_close(out / scale, expected / scale, rtol=0, atol=1e-6)
    for grad, expected_grad in zip(grads, expected_grads):
        torch.testing.assert_close(grad, expected_grad, rtol=1e-5, atol=1e-5 * (
            expected_grad.abs().max().item()))


def test_aggregation_first_under_bf16_autocast_stays_close_and_in_bf16():
    torch.manual_seed(0)
    x, A = torch.randn(2, 16, 8, 25), torch.rand(3, 25, 25)
    conv = nn.Conv2d(16, 48, 1)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = conv_then_aggregate(x, conv, A)
    assert out.dtype == torch.bfloat16
    expected = reference(x, conv, A)
    assert (out.float() - expected).abs().max() < 0.02 * expected.abs().max()


@pytest.mark.parametrize('adaptive', [None, 'init', 'offset', 'importance'])
def test_units_compute_the_reference_graph_convolution(adaptive):
    torch.manual_seed(0)
    unit = UnitGCN(8, 16, torch.rand(3, 25, 25), adaptive=adaptive).eval()
    x = torch.randn(2, 8, 10, 25)
    expected = unit.act(unit.bn(reference(x, unit.conv, unit.adjacency())))
    torch.testing.assert_close(unit(x), expected, rtol=1e-5, atol=1e-5)
    sub = SubGraphConv(8, 16, torch.rand(3, 25, 25))
    torch.testing.assert_close(sub(x), reference(x, sub.gcn, sub.A + sub.PA), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize('adaptive', [None, 'tanh', 'softmax'])
def test_aagcn_unit_sums_its_subset_convolutions(adaptive):
    torch.manual_seed(0)
    unit = UnitAAGCN(8, 16, torch.rand(3, 25, 25), adaptive=adaptive, attention='').eval()
    for conv in unit.conv_d:
        nn.init.normal_(conv.bias)
    if adaptive == 'tanh':
        nn.init.constant_(unit.alpha, 0.5)
    nn.init.normal_(unit.bn.weight)
    x = torch.randn(2, 8, 10, 25)
    graph = unit.adjacency(x).expand(2, -1, -1, -1)
    summed = sum(conv(torch.einsum('nctv,nvw->nctw', x, graph[:, k]))
                 for k, conv in enumerate(unit.conv_d))
    expected = torch.relu(unit.bn(summed) + unit.down(x))
    torch.testing.assert_close(unit(x), expected, rtol=1e-5, atol=1e-5)
