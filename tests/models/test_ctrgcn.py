"""CTR-GCN: shapes on several layouts, the paper's parameter count, pyskl's / mmaction2's
parameter names, the graph convolution's arithmetic, and a short training run on NW-UCLA."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmskel.models.backbones.ctrgcn import CTRGC, UnitCTRGCN
from mmskel.models.layers import ResidualMultiScaleTCN
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules

BASE = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton' / 'ctrgcn' / \
    'ctrgcn_65e_ntu60_xsub_keypoint_3d.py'

# One block of pyskl's CTR-GCN (pyskl/models/gcns/ctrgcn.py with utils/gcn.py unit_ctrgcn, CTRGC
# and utils/msg3d_utils.py MSTCN; mmaction2 1.x projects/ctrgcn the same), as its state_dict
# names it: block 5 (net.4), 64 -> 128 channels, temporal stride 2.
BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')
UPSTREAM_BLOCK_KEYS = (
    ['gcn1.A', 'gcn1.alpha']
    + [f'gcn1.convs.{k}.conv{i}.{p}' for k in range(3) for i in range(1, 5)
       for p in ('weight', 'bias')]
    + ['gcn1.down.0.weight', 'gcn1.down.0.bias'] + [f'gcn1.down.1.{p}' for p in BN]
    + [f'gcn1.bn.{p}' for p in BN]
    + [f'tcn1.branches.{b}.0.{p}' for b in range(4) for p in ('weight', 'bias')]
    + [f'tcn1.branches.{b}.1.{p}' for b in range(4) for p in BN]
    + [f'tcn1.branches.{b}.3.conv.{p}' for b in range(2) for p in ('weight', 'bias')]
    + [f'tcn1.branches.{b}.3.bn.{p}' for b in range(2) for p in BN]
    + [f'tcn1.branches.2.4.{p}' for p in BN]
    + ['residual.conv.weight', 'residual.conv.bias'] + [f'residual.bn.{p}' for p in BN])


def build(**backbone) -> torch.nn.Module:
    """The NTU60 model (configs/_base_/models/ctrgcn.py on NTU60), with backbone overrides."""
    register_all_modules()
    cfg = Config.fromfile(str(BASE)).model
    cfg.backbone.update(backbone)
    return MODELS.build(cfg).eval()


def test_ntu60_shapes_and_parameter_count():
    model = build()
    x = torch.randn(2, 2, 64, 25, 3)  # N, M, T, V, C: the paper's 64-frame NTU clips
    with torch.no_grad():
        assert model.backbone(x).shape == (2, 2, 256, 16, 25)
        assert model(x[:, None], mode='tensor').shape == (2, 60)
    # The paper reports 1.46M parameters for CTR-GCN (ICCV 2021, Table 5: "1.46M, 1.97G FLOPs").
    count = sum(p.numel() for p in model.parameters())
    assert count == 1_446_672
    assert count == pytest.approx(1.46e6, rel=0.05)


@pytest.mark.parametrize('layout, num_joints, num_persons', [
    ('nw-ucla', 20, 1), ('coco', 17, 2), ('openpose', 18, 1)])
def test_other_layouts(layout, num_joints, num_persons):
    model = build(graph_cfg=dict(layout=layout, mode='spatial'), num_persons=num_persons)
    x = torch.randn(2, num_persons, 16, num_joints, 3)  # 2D: x, y, score
    with torch.no_grad():
        assert model.backbone(x).shape == (2, num_persons, 256, 4, num_joints)
    with pytest.raises(ValueError, match='CTRGCN expects input'):
        model.backbone(torch.randn(2, num_persons, 16, 25, 3))


def test_state_dict_names_match_pyskl_and_mmaction2():
    model = build()
    keys = list(model.state_dict())
    block = [k[len('backbone.net.4.'):] for k in keys if k.startswith('backbone.net.4.')]
    assert sorted(block) == sorted(UPSTREAM_BLOCK_KEYS)
    assert keys[:2] == ['backbone.A', 'backbone.data_bn.weight']
    assert keys[-2:] == ['cls_head.fc.weight', 'cls_head.fc.bias']
    shapes = model.state_dict()
    assert shapes['backbone.data_bn.weight'].shape == (2 * 25 * 3, )  # M * V * C
    assert shapes['backbone.net.4.gcn1.convs.0.conv1.weight'].shape == (8, 64, 1, 1)
    assert shapes['backbone.net.0.gcn1.convs.0.conv4.weight'].shape == (64, 8, 1, 1)
    assert shapes['backbone.net.4.tcn1.branches.0.3.conv.weight'].shape == (32, 32, 5, 1)
    assert 'backbone.net.1.residual.conv.weight' not in shapes  # identity residual
    assert 'backbone.net.0.residual.conv.weight' not in shapes  # no residual in block 1
    state = {k: v.clone() for k, v in shapes.items()}
    assert not model.load_state_dict(state, strict=True).missing_keys


def test_ctrgc_refines_the_shared_topology_channel_wise():
    torch.manual_seed(0)
    gc = CTRGC(16, 12).eval()
    x, A = torch.randn(2, 16, 5, 7), torch.rand(7, 7)
    x3 = gc.conv3(x)
    # alpha = 0: a plain graph convolution with A, y[v] = sum_u A[u, v] x3[u]
    expected = torch.einsum('uv,nctu->nctv', A, x3)
    assert torch.allclose(gc(x, A, torch.zeros(1)), expected, atol=1e-5)
    # alpha != 0: each channel c adds conv4(tanh(q_u - k_v))[c], with q, k averaged over time
    q, k = gc.conv1(x).mean(2), gc.conv2(x).mean(2)
    relation = torch.tanh(q[..., :, None] - k[..., None, :])
    refined = torch.einsum('dr,nruv->nduv', gc.conv4.weight[:, :, 0, 0], relation)
    refined = refined + gc.conv4.bias[None, :, None, None]
    expected = torch.einsum('ncuv,nctu->nctv', 0.5 * refined + A, x3)
    assert torch.allclose(gc(x, A, torch.tensor([0.5])), expected, atol=1e-5)


def test_unit_ctrgcn_and_temporal_conv_shapes():
    A = torch.rand(3, 6, 6)
    unit = UnitCTRGCN(4, 12, A)
    unit.init_weights()
    assert unit.A is not A and torch.equal(unit.A.data, A)  # learnable copy of the graph
    assert unit.alpha.item() == 0 and unit.bn.weight[0].item() == pytest.approx(1e-6)
    assert unit(torch.randn(2, 4, 9, 6)).shape == (2, 12, 9, 6)
    tcn = ResidualMultiScaleTCN(64, 66, kernel_size=5, stride=2, dilations=(1, 2),
                                residual=False)
    assert [b[0].out_channels for b in tcn.branches] == [16, 16, 16, 18]
    assert tcn(torch.randn(2, 64, 10, 5)).shape == (2, 66, 5, 5)
    with_res = ResidualMultiScaleTCN(8, 16, kernel_size=3, dilations=(1, 2, 3, 4), stride=2,
                                     residual=True)
    assert with_res(torch.randn(1, 8, 10, 5)).shape == (1, 16, 5, 5)
    assert [k for k in with_res.state_dict() if k.startswith('residual')][:2] == [
        'residual.conv.weight', 'residual.conv.bias']


def test_ctrgcn_training_loss_falls_on_real_nwucla(train_losses, loss_falls):
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='CTRGCN', graph_cfg=dict(layout='nw-ucla', mode='spatial'),
                      num_persons=1, base_channels=16, num_stages=4, inflate_stages=(3, ),
                      down_stages=(3, )),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32))
    loss_falls(train_losses(model))
