"""AAGCN (2s-AGCN / MS-AAGCN): shapes, parameter count, mmaction2 1.x state-dict names, the
adaptive graph and attention against their formulas, and a short training run on NW-UCLA."""
import pytest
import torch
from mmengine.config import Config

from mmskel.models.backbones import AAGCN
from mmskel.models.backbones.aagcn import UnitAAGCN
from mmskel.registry import MODELS

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

NTU_GRAPH = dict(layout='nturgb+d', mode='spatial')
MODEL_BASE = 'configs/skeleton/2s-agcn/2sagcn_50e_ntu60_xsub_keypoint_3d.py'  # its NTU60 model


def build_ntu60(**backbone):
    cfg = Config.fromfile(MODEL_BASE).model
    cfg.backbone.update(backbone)
    return MODELS.build(cfg)


def expected_num_params(attention=True, num_joints=25, subsets=3, in_channels=3, persons=2,
                        num_classes=60):
    """The NTU60 model's parameter count written out block by block."""

    def block(c_in, c_out, stride, residual=True):
        embed = c_out // 4
        gcn = subsets * (c_in * c_out + c_out)  # conv_d
        gcn += subsets * num_joints ** 2 + 1  # A, alpha
        gcn += 2 * subsets * (c_in * embed + embed)  # conv_a, conv_b
        if attention:
            kernel = num_joints if num_joints % 2 else num_joints - 1
            gcn += (9 * c_out + 1) + (kernel * c_out + 1)  # conv_ta, conv_sa
            gcn += c_out * (c_out // 2) + c_out // 2 + (c_out // 2) * c_out + c_out  # fc1c, fc2c
        gcn += 2 * c_out + (c_in * c_out + 3 * c_out if c_in != c_out else 0)  # bn, down
        tcn = 9 * c_out * c_out + 3 * c_out
        res = c_in * c_out + 3 * c_out if residual and (c_in != c_out or stride > 1) else 0
        return gcn + tcn + res

    blocks = [(in_channels, 64, 1, False), (64, 64, 1), (64, 64, 1), (64, 64, 1),
              (64, 128, 2), (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1),
              (256, 256, 1)]
    data_bn = 2 * persons * in_channels * num_joints
    return data_bn + sum(block(*b) for b in blocks) + 256 * num_classes + num_classes


def count(model):
    return sum(p.numel() for p in model.parameters())


def test_output_shape_ntu():
    model = build_ntu60().backbone.eval()
    with torch.no_grad():
        out = model(torch.randn(2, 2, 64, 25, 3))
    assert tuple(out.shape) == (2, 2, 256, 16, 25)
    assert model.out_channels == 256 and len(model.gcn) == 10
    assert [b.tcn.stride for b in model.gcn] == [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]


@pytest.mark.parametrize('layout, num_joints, persons', [
    ('nw-ucla', 20, 1), ('coco', 17, 2), ('openpose', 18, 1)])
def test_other_layouts(layout, num_joints, persons):
    model = AAGCN(dict(layout=layout, mode='spatial'), num_persons=persons).eval()
    with torch.no_grad():
        out = model(torch.randn(2, persons, 24, num_joints, 3))
    assert tuple(out.shape) == (2, persons, 256, 6, num_joints)
    assert tuple(model.data_bn.weight.shape) == (persons * 3 * num_joints,)
    kernel = num_joints if num_joints % 2 else num_joints - 1  # spatial attention keeps V
    assert tuple(model.gcn[0].gcn.conv_sa.weight.shape) == (1, 64, kernel)


def test_parameter_count_ntu60():
    # 2s-AGCN, CVPR 2019: 3.47M parameters per stream (mmaction2's model zoo: 3.5M); that
    # network has no attention. MS-AAGCN's STC attention (TIP 2020) adds conv_ta, conv_sa,
    # fc1c and fc2c to every block: +312,148, i.e. 9% more than 3.47M (see the README).
    agcn = build_ntu60(attention=False)
    assert count(agcn) == expected_num_params(attention=False) == 3_469_520
    assert abs(count(agcn) - 3.47e6) / 3.47e6 < 0.05
    assert count(build_ntu60()) == expected_num_params() == 3_781_668
    # the CVPR formulation (fixed A + learned PA, softmax) has the same size, less 10 alphas
    assert count(build_ntu60(attention=False, adaptive='softmax')) == 3_469_510


def test_state_dict_names_follow_mmaction2():
    sd = build_ntu60().state_dict()
    # mmaction2 1.x AAGCN (gcn_attention=True): block 4 (64 -> 128, stride 2) in full
    block = [f'backbone.gcn.4.gcn.conv_d.{i}.{p}' for i in range(3) for p in ('weight', 'bias')]
    block += ['backbone.gcn.4.gcn.A', 'backbone.gcn.4.gcn.alpha']
    block += [f'backbone.gcn.4.gcn.{conv}.{i}.{p}' for conv in ('conv_a', 'conv_b')
              for i in range(3) for p in ('weight', 'bias')]
    block += [f'backbone.gcn.4.gcn.{m}.{p}' for m in ('conv_ta', 'conv_sa', 'fc1c', 'fc2c')
              for p in ('weight', 'bias')]
    bn = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')
    block += ['backbone.gcn.4.gcn.down.0.weight', 'backbone.gcn.4.gcn.down.0.bias']
    block += [f'backbone.gcn.4.gcn.down.1.{p}' for p in bn]
    block += [f'backbone.gcn.4.gcn.bn.{p}' for p in bn]
    for unit in ('tcn', 'residual'):
        block += [f'backbone.gcn.4.{unit}.conv.weight', f'backbone.gcn.4.{unit}.conv.bias']
        block += [f'backbone.gcn.4.{unit}.bn.{p}' for p in bn]
    assert sorted(k for k in sd if k.startswith('backbone.gcn.4.')) == sorted(block)
    top = {k for k in sd if not k.startswith('backbone.gcn.')}
    assert top == {'backbone.A', 'cls_head.fc.weight', 'cls_head.fc.bias'} | {
        f'backbone.data_bn.{p}' for p in bn}
    assert not any(k.startswith(('backbone.gcn.0.residual', 'backbone.gcn.1.residual',
                                 'backbone.gcn.1.gcn.down', 'backbone.gcn.10.')) for k in sd)
    assert tuple(sd['backbone.data_bn.weight'].shape) == (2 * 25 * 3,)
    assert tuple(sd['backbone.gcn.4.gcn.conv_a.0.weight'].shape) == (32, 64, 1, 1)
    assert tuple(sd['backbone.gcn.4.gcn.conv_sa.weight'].shape) == (1, 128, 25)
    assert tuple(sd['backbone.gcn.4.tcn.conv.weight'].shape) == (128, 128, 9, 1)
    # gcn_attention=False (mmaction2's 2s-AGCN configs): no attention parameters
    plain = build_ntu60(attention=False).state_dict()
    assert set(sd) - set(plain) == {f'backbone.gcn.{b}.gcn.{m}.{p}' for b in range(10)
                                    for m in ('conv_ta', 'conv_sa', 'fc1c', 'fc2c')
                                    for p in ('weight', 'bias')}


def test_state_dict_round_trip_strict():
    torch.manual_seed(0)
    source = build_ntu60(base_channels=16, num_stages=4, inflate_stages=(3,), down_stages=(3,))
    with torch.no_grad():
        for p in source.backbone.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    target = build_ntu60(base_channels=16, num_stages=4, inflate_stages=(3,), down_stages=(3,))
    result = target.load_state_dict(source.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    x = torch.randn(2, 2, 12, 25, 3)
    with torch.no_grad():
        assert torch.equal(source.backbone.eval()(x), target.backbone.eval()(x))


def reference_unit(unit, x):
    """The adaptive graph convolution of the papers, written with explicit loops over subsets."""
    n, c, t, v = x.shape
    out = 0
    for k in range(unit.num_subsets):
        theta = unit.conv_a[k](x).permute(0, 3, 1, 2).reshape(n, v, -1)
        phi = unit.conv_b[k](x).reshape(n, -1, v)
        similarity = theta @ phi / theta.shape[-1]
        if unit.adaptive == 'softmax':
            graph = unit.A[k] + unit.PA[k] + torch.softmax(similarity, dim=1)
        else:
            graph = unit.A[k] + unit.alpha * torch.tanh(similarity)
        aggregated = torch.einsum('nctv,nvw->nctw', x, graph)
        out = out + unit.conv_d[k](aggregated)
    return torch.relu(unit.bn(out) + unit.down(x))


@pytest.mark.parametrize('adaptive', [True, 'softmax'])
def test_adaptive_graph_matches_formula(adaptive):
    torch.manual_seed(0)
    A = torch.rand(3, 20, 20)
    unit = UnitAAGCN(8, 16, A, adaptive=adaptive, attention=False).eval()
    unit.init_weights()
    if adaptive is True:
        assert unit.alpha.item() == 0  # starts from the graph alone
        with torch.no_grad():
            unit.alpha.fill_(0.7)
    else:
        assert torch.equal(unit.PA, torch.full_like(A, 1e-6)) and not unit.A.requires_grad
    with torch.no_grad():
        unit.bn.weight.fill_(1.0)
        x = torch.randn(2, 8, 6, 20)
        torch.testing.assert_close(unit(x), reference_unit(unit, x))


def test_attention_parts_are_switchable_and_start_as_fixed_gains():
    A = torch.rand(3, 17, 17)
    unit = UnitAAGCN(8, 16, A, adaptive=False, attention=('spatial', 'channel'))
    assert hasattr(unit, 'conv_sa') and hasattr(unit, 'fc2c') and not hasattr(unit, 'conv_ta')
    assert not hasattr(unit, 'conv_a') and not unit.A.requires_grad
    unit = UnitAAGCN(8, 16, A, adaptive=False, attention=True)
    unit.init_weights()
    assert torch.all(unit.bn.weight == 1e-6) and torch.all(unit.fc2c.weight == 0)
    y = torch.rand(2, 16, 5, 17)
    with torch.no_grad():
        unit.conv_sa.weight.zero_()
        # with zero gates each part multiplies by 1 + sigmoid(0) = 1.5
        torch.testing.assert_close(unit.attend(y), y * 1.5 ** 3)
    with pytest.raises(ValueError, match='attention parts'):
        UnitAAGCN(8, 16, A, attention=('spatial', 'joint'))
    with pytest.raises(ValueError, match='adaptive'):
        UnitAAGCN(8, 16, A, adaptive='offset')


def test_adaptive_names_the_graph_learning_and_takes_mmaction2s_booleans():
    A = torch.rand(3, 17, 17)
    assert UnitAAGCN(8, 16, A).adaptive == 'tanh'
    assert UnitAAGCN(8, 16, A, adaptive=True).adaptive == 'tanh'
    assert UnitAAGCN(8, 16, A, adaptive=False).adaptive is None
    torch.manual_seed(0)
    old = UnitAAGCN(8, 16, A, adaptive=True)
    torch.manual_seed(0)
    new = UnitAAGCN(8, 16, A, adaptive='tanh')
    assert old.state_dict().keys() == new.state_dict().keys()
    assert all(torch.equal(old.state_dict()[k], v) for k, v in new.state_dict().items())
    assert UnitAAGCN(8, 16, A, adaptive=None).state_dict().keys() == \
        UnitAAGCN(8, 16, A, adaptive=False).state_dict().keys()


def test_input_checks():
    model = AAGCN(NTU_GRAPH, base_channels=8, num_stages=2, inflate_stages=(), down_stages=())
    with pytest.raises(ValueError, match=r'3 input channels.*\[N, M, T, V, C\]'):
        model(torch.randn(1, 2, 8, 25, 2))
    with pytest.raises(ValueError, match='num_persons=2'):
        model(torch.randn(1, 1, 8, 25, 3))
    with pytest.raises(ValueError, match='data_bn_type'):
        AAGCN(NTU_GRAPH, data_bn_type='NC')
    vc = AAGCN(NTU_GRAPH, data_bn_type='VC', base_channels=8, num_stages=2, inflate_stages=(),
               down_stages=()).eval()
    with torch.no_grad():
        assert tuple(vc(torch.randn(1, 3, 8, 25, 3)).shape) == (1, 3, 8, 8, 25)


def test_training_loss_falls_on_nwucla(train_losses, loss_falls):
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='AAGCN', graph_cfg=dict(layout='nw-ucla', mode='spatial'),
                      num_persons=1, base_channels=16, num_stages=4, inflate_stages=(3,),
                      down_stages=(3,)),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32))
    loss_falls(train_losses(model))
