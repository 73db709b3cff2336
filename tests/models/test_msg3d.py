"""MS-G3D: k-hop adjacency, window unfolding, shapes, parameter count, upstream key names and a
short training run on real NW-UCLA data."""
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from mmskel.models.backbones import MSG3D
from mmskel.models.backbones.msg3d import UnfoldTemporalWindows
from mmskel.models.graphs import Graph, k_hop_adjacency, multiscale_adjacency
from mmskel.models.layers import ResidualMultiScaleTCN
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules

MODEL_BASE = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton' / 'msg3d' / \
    'msg3d_50e_ntu60_xsub_keypoint_3d.py'
BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')

# The state_dict of the second STGC block of pyskl's / mmaction2's MSG3D (NTU, base 96), in the
# order their modules produce it; '<bn>' stands for the five BatchNorm entries.
UPSTREAM_BLOCK2 = """
gcn3d2.gcn3d.0.gcn3d.1.PA (6, 75, 75)
gcn3d2.gcn3d.0.gcn3d.1.A (6, 75, 75)
gcn3d2.gcn3d.0.gcn3d.1.mlp.layers.0.weight (96, 576, 1, 1)
gcn3d2.gcn3d.0.gcn3d.1.mlp.layers.0.bias (96,)
gcn3d2.gcn3d.0.gcn3d.1.mlp.layers.1.<bn> (96,)
gcn3d2.gcn3d.0.out_conv.weight (192, 96, 1, 3, 1)
gcn3d2.gcn3d.0.out_conv.bias (192,)
gcn3d2.gcn3d.0.out_bn.<bn> (192,)
gcn3d2.gcn3d.1.gcn3d.1.PA (6, 125, 125)
gcn3d2.gcn3d.1.gcn3d.1.A (6, 125, 125)
gcn3d2.gcn3d.1.gcn3d.1.mlp.layers.0.weight (96, 576, 1, 1)
gcn3d2.gcn3d.1.gcn3d.1.mlp.layers.0.bias (96,)
gcn3d2.gcn3d.1.gcn3d.1.mlp.layers.1.<bn> (96,)
gcn3d2.gcn3d.1.out_conv.weight (192, 96, 1, 5, 1)
gcn3d2.gcn3d.1.out_conv.bias (192,)
gcn3d2.gcn3d.1.out_bn.<bn> (192,)
sgcn2.0.PA (13, 25, 25)
sgcn2.0.A (13, 25, 25)
sgcn2.0.mlp.layers.0.weight (96, 1248, 1, 1)
sgcn2.0.mlp.layers.0.bias (96,)
sgcn2.0.mlp.layers.1.<bn> (96,)
sgcn2.1.branches.0.0.weight (32, 96, 1, 1)
sgcn2.1.branches.0.0.bias (32,)
sgcn2.1.branches.0.1.<bn> (32,)
sgcn2.1.branches.0.3.conv.weight (32, 32, 3, 1)
sgcn2.1.branches.0.3.conv.bias (32,)
sgcn2.1.branches.0.3.bn.<bn> (32,)
sgcn2.1.branches.1.0.weight (32, 96, 1, 1)
sgcn2.1.branches.1.0.bias (32,)
sgcn2.1.branches.1.1.<bn> (32,)
sgcn2.1.branches.1.3.conv.weight (32, 32, 3, 1)
sgcn2.1.branches.1.3.conv.bias (32,)
sgcn2.1.branches.1.3.bn.<bn> (32,)
sgcn2.1.branches.2.0.weight (32, 96, 1, 1)
sgcn2.1.branches.2.0.bias (32,)
sgcn2.1.branches.2.1.<bn> (32,)
sgcn2.1.branches.2.3.conv.weight (32, 32, 3, 1)
sgcn2.1.branches.2.3.conv.bias (32,)
sgcn2.1.branches.2.3.bn.<bn> (32,)
sgcn2.1.branches.3.0.weight (32, 96, 1, 1)
sgcn2.1.branches.3.0.bias (32,)
sgcn2.1.branches.3.1.<bn> (32,)
sgcn2.1.branches.3.3.conv.weight (32, 32, 3, 1)
sgcn2.1.branches.3.3.conv.bias (32,)
sgcn2.1.branches.3.3.bn.<bn> (32,)
sgcn2.1.branches.4.0.weight (32, 96, 1, 1)
sgcn2.1.branches.4.0.bias (32,)
sgcn2.1.branches.4.1.<bn> (32,)
sgcn2.1.branches.4.4.<bn> (32,)
sgcn2.1.branches.5.0.weight (32, 96, 1, 1)
sgcn2.1.branches.5.0.bias (32,)
sgcn2.1.branches.5.1.<bn> (32,)
sgcn2.1.residual.conv.weight (192, 96, 1, 1)
sgcn2.1.residual.conv.bias (192,)
sgcn2.1.residual.bn.<bn> (192,)
sgcn2.2.branches.0.0.weight (32, 192, 1, 1)
sgcn2.2.branches.0.0.bias (32,)
sgcn2.2.branches.0.1.<bn> (32,)
sgcn2.2.branches.0.3.conv.weight (32, 32, 3, 1)
sgcn2.2.branches.0.3.conv.bias (32,)
sgcn2.2.branches.0.3.bn.<bn> (32,)
sgcn2.2.branches.1.0.weight (32, 192, 1, 1)
sgcn2.2.branches.1.0.bias (32,)
sgcn2.2.branches.1.1.<bn> (32,)
sgcn2.2.branches.1.3.conv.weight (32, 32, 3, 1)
sgcn2.2.branches.1.3.conv.bias (32,)
sgcn2.2.branches.1.3.bn.<bn> (32,)
sgcn2.2.branches.2.0.weight (32, 192, 1, 1)
sgcn2.2.branches.2.0.bias (32,)
sgcn2.2.branches.2.1.<bn> (32,)
sgcn2.2.branches.2.3.conv.weight (32, 32, 3, 1)
sgcn2.2.branches.2.3.conv.bias (32,)
sgcn2.2.branches.2.3.bn.<bn> (32,)
sgcn2.2.branches.3.0.weight (32, 192, 1, 1)
sgcn2.2.branches.3.0.bias (32,)
sgcn2.2.branches.3.1.<bn> (32,)
sgcn2.2.branches.3.3.conv.weight (32, 32, 3, 1)
sgcn2.2.branches.3.3.conv.bias (32,)
sgcn2.2.branches.3.3.bn.<bn> (32,)
sgcn2.2.branches.4.0.weight (32, 192, 1, 1)
sgcn2.2.branches.4.0.bias (32,)
sgcn2.2.branches.4.1.<bn> (32,)
sgcn2.2.branches.4.4.<bn> (32,)
sgcn2.2.branches.5.0.weight (32, 192, 1, 1)
sgcn2.2.branches.5.0.bias (32,)
sgcn2.2.branches.5.1.<bn> (32,)
"""


def upstream_block2() -> dict:
    """``UPSTREAM_BLOCK2`` expanded to {key: shape}; ``tcn2`` is laid out as ``sgcn2.2``."""
    entries = {}
    for line in UPSTREAM_BLOCK2.strip().splitlines():
        key, shape = line.split(' ', 1)
        shape = tuple(int(s) for s in shape.strip('(,)').split(','))
        names = [key[:-4] + b for b in BN] if key.endswith('<bn>') else [key]
        for name in names:
            entries[name] = () if name.endswith('num_batches_tracked') else shape
    entries.update({k.replace('sgcn2.2.', 'tcn2.'): v for k, v in entries.items()
                    if k.startswith('sgcn2.2.')})
    return entries


def build(**overrides) -> nn.Module:
    """The NTU60 model (``configs/_base_/models/msg3d.py`` on NTU60) with ``overrides`` merged."""
    register_all_modules()
    cfg = Config.fromfile(str(MODEL_BASE))
    cfg.merge_from_dict(overrides)
    return MODELS.build(cfg.model)


def test_k_hop_adjacency_matches_matrix_powers():
    A = Graph('nturgb+d', mode='binary_adj').A[0].astype(np.float64)
    step = A + np.eye(25)
    for k in range(1, 13):  # upstream: min((A+I)^k, 1) - min((A+I)^(k-1), 1)
        expected = (np.minimum(np.linalg.matrix_power(step, k), 1)
                    - np.minimum(np.linalg.matrix_power(step, k - 1), 1))
        np.testing.assert_array_equal(k_hop_adjacency(A, k), expected)
    # joint 3 (head) is 1 hop from 2 (neck) and 2 hops from 20 (spine shoulder)
    assert k_hop_adjacency(A, 1)[3, 2] == 1 and k_hop_adjacency(A, 2)[3, 20] == 1
    scales = multiscale_adjacency(A, 13)
    assert scales.shape == (13, 25, 25)
    np.testing.assert_array_equal(scales[0], np.eye(25))
    np.testing.assert_allclose(scales.sum(axis=1)[1], np.ones(25))  # columns sum to 1
    assert (scales[12] > 0).sum() == 25  # the skeleton's diameter is below 12: self loops only


@pytest.mark.parametrize('stride,dilation', [(1, 1), (2, 1), (2, 2)])
def test_unfold_temporal_windows_matches_nn_unfold(stride, dilation):
    n, c, t, v, w = 2, 3, 11, 5, 3
    x = torch.randn(n, c, t, v)
    pad = (w + (w - 1) * (dilation - 1) - 1) // 2
    unfolded = nn.Unfold((w, 1), dilation=(dilation, 1), stride=(stride, 1),
                         padding=(pad, 0))(x)  # upstream's implementation
    expected = unfolded.reshape(n, c, w, -1, v).permute(0, 1, 3, 2, 4).reshape(n, c, -1, w * v)
    out = UnfoldTemporalWindows(w, stride, dilation)(x)
    assert out.shape == (n, c, (t - 1) // stride + 1, w * v)
    assert torch.equal(out, expected)


def test_mstcn_branch_widths_and_residual():
    tcn = ResidualMultiScaleTCN(96, 192, stride=2)
    assert [b[0].out_channels for b in tcn.branches] == [32] * 6
    assert tcn(torch.randn(2, 96, 9, 4)).shape == (2, 192, 5, 4)
    assert isinstance(ResidualMultiScaleTCN(64, 64).residual, nn.Identity)
    assert [b[0].out_channels for b in ResidualMultiScaleTCN(64, 64).branches] == [10] * 5 + [14]


@pytest.mark.parametrize('layout,persons,joints,out_shape', [
    ('nturgb+d', 2, 25, (2, 2, 384, 16, 25)),
    ('nw-ucla', 1, 20, (2, 1, 384, 16, 20)),
    ('coco', 2, 17, (2, 2, 384, 16, 17))])
def test_output_shapes(layout, persons, joints, out_shape):
    torch.set_num_threads(1)
    model = build(**{'model.backbone.graph_cfg.layout': layout,
                     'model.backbone.num_persons': persons}).eval()
    x = torch.randn(2, 1, persons, 64, joints, 3)  # [N, clips, M, T=64, V, C]
    with torch.no_grad():
        feats = model.extract_feat(x)
        scores = model(x, mode='tensor')
    assert feats.shape == out_shape
    assert scores.shape == (2, 60) and torch.isfinite(scores).all()


def test_input_shape_is_checked():
    model = MSG3D(dict(layout='nw-ucla', mode='binary_adj'), base_channels=12, num_persons=1)
    with pytest.raises(ValueError, match='1 persons and 3 channels'):
        model(torch.randn(1, 2, 8, 20, 3))


def test_parameter_count_matches_paper():
    model = build()
    count = sum(p.numel() for p in model.parameters())
    # Liu et al., CVPR 2020: 3.2M parameters for the full MS-G3D (ablations on NTU60 X-Sub)
    assert count == pytest.approx(3.2e6, rel=0.05)
    assert count == 3194595  # backbone 3171495 + head 384 * 60 + 60


def test_state_dict_names_match_upstream():
    state = build().backbone.state_dict()
    ours = {k: tuple(v.shape) for k, v in state.items()
            if k.split('.')[0] in ('gcn3d2', 'sgcn2', 'tcn2')}
    expected = upstream_block2()
    assert list(ours) == list(expected)
    assert ours == expected
    top = ['A', 'data_bn'] + [f'{m}{i}' for i in (1, 2, 3) for m in ('gcn3d', 'sgcn', 'tcn')]
    assert list(dict.fromkeys(k.split('.')[0] for k in state)) == top
    assert state['data_bn.weight'].shape == (2 * 25 * 3, )  # persons * joints * channels


def test_upstream_state_dict_loads_strictly():
    source, target = build(), build()
    state = {k: v + 0.5 if v.is_floating_point() else v
             for k, v in source.state_dict().items()}
    result = target.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(target.backbone.sgcn2[0].PA, state['backbone.sgcn2.0.PA'])


def test_training_loss_falls_on_real_nwucla(train_losses, loss_falls):
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='MSG3D', graph_cfg=dict(layout='nw-ucla', mode='binary_adj'),
                      base_channels=8, num_gcn_scales=4, num_g3d_scales=2, window_sizes=(3, ),
                      num_persons=1),  # a narrow, shallow-scale variant: fast on CPU
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32))
    loss_falls(train_losses(model))


@pytest.mark.parametrize('window, stride, dilation', [(3, 1, 1), (5, 1, 1), (3, 2, 1),
                                                      (5, 2, 1), (3, 1, 2), (4, 2, 3)])
def test_unfold_temporal_windows_by_definition(window, stride, dilation):
    """Window t holds frames t * stride + k * dilation (k < window) of the zero-padded sequence,
    frame-major along the joint axis."""
    layer = UnfoldTemporalWindows(window, stride, dilation)
    x = torch.randn(2, 3, 11, 4)
    padded = torch.nn.functional.pad(x, (0, 0, layer.padding, layer.padding))
    span = (window - 1) * dilation + 1
    expected = torch.stack([
        torch.cat([padded[:, :, t + k * dilation] for k in range(window)], dim=-1)
        for t in range(0, padded.shape[2] - span + 1, stride)], dim=2)
    torch.testing.assert_close(layer(x), expected, rtol=0, atol=0)
