"""ST-GCN backbone: shapes, parameter count and mmaction2 1.x state-dict names."""
import io

import pytest
import torch

from mmskel.models.backbones.stgcn import STGCN
from mmskel.registry import MODELS

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

NTU_GRAPH = dict(layout='nturgb+d', mode='stgcn_spatial')


def build_recognizer(num_classes=60, **backbone):
    return MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', graph_cfg=NTU_GRAPH, **backbone),
        cls_head=dict(type='GCNHead', num_classes=num_classes,
                      in_channels=backbone.get('base_channels', 64) * 4)))


def expected_num_params(num_joints=25, subsets=3, in_channels=3, num_classes=60):
    """ST-GCN's parameter count written out block by block."""

    def block(c_in, c_out, stride, residual=True):
        gcn = c_in * c_out * subsets + c_out * subsets + subsets * num_joints ** 2 + 2 * c_out
        tcn = 9 * c_out * c_out + c_out + 2 * c_out
        res = c_in * c_out + c_out + 2 * c_out if residual and (c_in != c_out or stride > 1) else 0
        return gcn + tcn + res

    blocks = [(in_channels, 64, 1, False), (64, 64, 1), (64, 64, 1), (64, 64, 1),
              (64, 128, 2), (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1),
              (256, 256, 1)]
    data_bn = 2 * in_channels * num_joints
    head = 256 * num_classes + num_classes
    return data_bn + sum(block(*b) for b in blocks) + head


def test_output_shape_ntu():
    model = STGCN(NTU_GRAPH).eval()
    with torch.no_grad():
        out = model(torch.randn(2, 2, 32, 25, 3))
    assert tuple(out.shape) == (2, 2, 256, 8, 25)
    assert model.out_channels == 256
    assert len(model.gcn) == 10


def test_temporal_stride_rounds_up():
    model = STGCN(NTU_GRAPH, base_channels=8).eval()
    with torch.no_grad():
        out = model(torch.randn(1, 1, 30, 25, 3))
    assert tuple(out.shape) == (1, 1, 32, 8, 25)  # 30 -> 15 -> 8


def test_parameter_count_matches_mmaction2():
    model = build_recognizer()
    total = sum(p.numel() for p in model.parameters())
    assert total == expected_num_params() == 3_098_832
    assert abs(total - 3.1e6) / 3.1e6 < 0.02  # mmaction2's model zoo: 3.1M for NTU60 ST-GCN
    head = sum(p.numel() for p in model.cls_head.parameters())
    assert head == 256 * 60 + 60


def test_state_dict_names_follow_mmaction2():
    keys = set(build_recognizer().state_dict())
    for key in ['backbone.data_bn.weight', 'backbone.data_bn.bias',
                'backbone.data_bn.running_mean', 'backbone.data_bn.running_var',
                'backbone.gcn.0.gcn.conv.weight', 'backbone.gcn.0.gcn.conv.bias',
                'backbone.gcn.0.gcn.PA', 'backbone.gcn.0.gcn.A', 'backbone.gcn.0.gcn.bn.weight',
                'backbone.gcn.0.tcn.conv.weight', 'backbone.gcn.0.tcn.bn.running_var',
                'backbone.gcn.4.residual.conv.weight', 'backbone.gcn.4.residual.bn.weight',
                'backbone.gcn.7.residual.conv.weight', 'backbone.gcn.9.tcn.conv.weight',
                'cls_head.fc.weight', 'cls_head.fc.bias']:
        assert key in keys, key
    # the first block has no residual, unchanged-shape blocks an identity one
    assert not any(k.startswith('backbone.gcn.0.residual') for k in keys)
    assert not any(k.startswith('backbone.gcn.1.residual') for k in keys)
    assert not any(k.startswith('backbone.gcn.10.') for k in keys)
    prefixes = {'.'.join(k.split('.')[:4]) if k.startswith('backbone.gcn') else
                '.'.join(k.split('.')[:2]) for k in keys}
    assert {p for p in prefixes if not p.startswith('backbone.gcn')} == {
        'backbone.data_bn', 'cls_head.fc'}
    assert {p.split('.')[3] for p in prefixes if p.startswith('backbone.gcn')} == {
        'gcn', 'tcn', 'residual'}
    sd = build_recognizer().state_dict()
    assert tuple(sd['backbone.gcn.0.gcn.A'].shape) == (3, 25, 25)
    assert tuple(sd['backbone.gcn.0.gcn.conv.weight'].shape) == (64 * 3, 3, 1, 1)
    assert tuple(sd['backbone.gcn.4.tcn.conv.weight'].shape) == (128, 128, 9, 1)
    assert tuple(sd['backbone.gcn.4.residual.conv.weight'].shape) == (128, 64, 1, 1)
    assert tuple(sd['cls_head.fc.weight'].shape) == (60, 256)
    assert torch.equal(sd['backbone.gcn.0.gcn.PA'], torch.ones(3, 25, 25))


def test_state_dict_round_trip_strict_gives_identical_outputs():
    torch.manual_seed(0)
    source = build_recognizer(num_classes=10, base_channels=16)
    with torch.no_grad():  # move weights and BN statistics away from their initial values
        for p in source.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        source.train()
        source(torch.randn(4, 1, 2, 16, 25, 3), mode='tensor')
    buffer = io.BytesIO()
    torch.save(source.state_dict(), buffer)
    buffer.seek(0)
    torch.manual_seed(123)
    target = build_recognizer(num_classes=10, base_channels=16)
    result = target.load_state_dict(torch.load(buffer, weights_only=True), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    source.eval()
    target.eval()
    x = torch.randn(3, 1, 2, 16, 25, 3)
    with torch.no_grad():
        a, b = source(x, mode='tensor'), target(x, mode='tensor')
    assert tuple(a.shape) == (3, 10)
    assert torch.equal(a, b)
    with torch.no_grad():
        fresh = build_recognizer(num_classes=10, base_channels=16).eval()(x, mode='tensor')
    assert not torch.allclose(a, fresh)


def test_in_channels_mismatch_raises():
    model = STGCN(NTU_GRAPH, in_channels=3)
    with pytest.raises(ValueError, match=r'3 input channels.*\[N, M, T, V, C\]'):
        model(torch.randn(1, 1, 8, 25, 2))


def test_invalid_data_bn_type():
    with pytest.raises(ValueError, match='data_bn_type'):
        STGCN(NTU_GRAPH, data_bn_type='NC')


@pytest.mark.parametrize('layout, num_joints, in_channels', [
    ('nw-ucla', 20, 3), ('coco', 17, 3), ('openpose', 18, 3), ('coco', 17, 2)])
def test_other_layouts(layout, num_joints, in_channels):
    model = STGCN(dict(layout=layout, mode='stgcn_spatial'), in_channels=in_channels,
                  base_channels=16).eval()
    with torch.no_grad():
        out = model(torch.randn(2, 1, 16, num_joints, in_channels))
    assert tuple(out.shape) == (2, 1, 64, 4, num_joints)
    assert tuple(model.gcn[0].gcn.A.shape) == (3, num_joints, num_joints)
    assert tuple(model.data_bn.weight.shape) == (in_channels * num_joints,)


def test_mvc_data_bn_and_spatial_graph():
    model = STGCN(dict(layout='nturgb+d', mode='spatial'), data_bn_type='MVC', num_persons=2,
                  base_channels=8, num_stages=4, inflate_stages=(3,), down_stages=(3,)).eval()
    assert tuple(model.data_bn.weight.shape) == (2 * 25 * 3,)
    with torch.no_grad():
        out = model(torch.randn(2, 2, 8, 25, 3))
    assert tuple(out.shape) == (2, 2, 16, 4, 25)


def test_persons_are_processed_independently():
    model = STGCN(NTU_GRAPH, base_channels=8, num_stages=3, inflate_stages=(),
                  down_stages=()).eval()
    x = torch.randn(1, 2, 8, 25, 3)
    with torch.no_grad():
        both = model(x)
        swapped = model(x.flip(1))
    torch.testing.assert_close(both.flip(1), swapped)
