"""X3D (pyskl's, PoseC3D's X3D-shallow): pyskl's state-dict names, parameters, FLOPs, shapes,
SE and Swish, initialisation, bad input."""
import pytest
import torch
from mmengine.config import Config

from mmskel.models.backbones import X3D
from mmskel.models.backbones.x3d import round_width
from mmskel.models.complexity import complexity

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

# pyskl's configs/posec3d/x3d_shallow_*/joint.py
SHALLOW = dict(gamma_d=1, in_channels=17, base_channels=24, num_stages=3, se_ratio=None,
               use_swish=False, stage_blocks=(2, 5, 3), spatial_strides=(2, 2, 2))


def test_state_dict_has_pyskl_names_and_shapes():
    state = X3D(**SHALLOW).state_dict()
    shapes = {name: tuple(value.shape) for name, value in state.items()}
    expected = {
        'conv1_s.conv.weight': (24, 17, 1, 3, 3),  # no batch norm after the spatial stem conv
        'conv1_t.conv.weight': (24, 1, 5, 1, 1), 'conv1_t.bn.weight': (24,),
        'layer1.0.downsample.conv.weight': (24, 24, 1, 1, 1),
        'layer1.0.conv1.conv.weight': (54, 24, 1, 1, 1),
        'layer1.0.conv2.conv.weight': (54, 1, 3, 3, 3),  # depthwise
        'layer1.1.conv3.bn.running_mean': (24,),
        'layer2.4.conv3.conv.weight': (48, 108, 1, 1, 1),
        'layer3.0.downsample.conv.weight': (96, 48, 1, 1, 1),
        'layer3.2.conv2.conv.weight': (216, 1, 3, 3, 3),
        'conv5.conv.weight': (216, 96, 1, 1, 1), 'conv5.bn.weight': (216,)}
    assert {name: shapes.get(name) for name in expected} == expected
    assert 'conv1_s.bn.weight' not in state and not any('se_module' in n for n in state)
    # 10 blocks x 3 + 3 downsamples + conv1_t + conv5 (conv, bn: 6 entries) + conv1_s
    assert len(state) == 35 * 6 + 1
    assert list(state)[7:10] == [  # pyskl's order: the shortcut before the block's convs
        'layer1.0.downsample.conv.weight', 'layer1.0.downsample.bn.weight',
        'layer1.0.downsample.bn.bias']


def test_parameter_count_and_flops():
    model = X3D(**SHALLOW)
    params = sum(p.numel() for p in model.parameters())
    assert params == 241_488  # + the 60-class head's 13,020: 0.25 M; pyskl: 0.24 M
    cfg = Config(dict(model=dict(type='Recognizer3D', backbone=dict(type='X3D', **SHALLOW),
                                 cls_head=dict(type='I3DHead', in_channels=216,
                                               num_classes=60))))
    result = complexity(cfg, (17, 48, 64, 64))
    assert result['params'] == params + 216 * 60 + 60
    assert result['flops'] / 1e9 == pytest.approx(0.74, abs=0.01)  # pyskl: 0.74 GFLOPs


def test_output_shape_keeps_time():
    model = X3D(**SHALLOW).eval()
    with torch.no_grad():
        out = model(torch.rand(2, 17, 12, 32, 32))
    assert tuple(out.shape) == (2, 216, 12, 2, 2)  # H, W / 16: the stem and three stages
    assert model.out_channels == 216


def test_default_x3d_has_squeeze_excitation_in_every_other_block_and_swish():
    model = X3D(in_channels=17)
    blocks = [b for name in model.res_layers for b in getattr(model, name)]
    assert [len(getattr(model, name)) for name in model.res_layers] == [3, 5, 11, 7]  # 2.2 x
    assert [b.se_module is not None for b in model.layer2] == [True, False, True, False, True]
    assert tuple(model.layer1[0].se_module.fc1.weight.shape) == (8, 54, 1, 1, 1)
    assert all(b.use_swish for b in blocks)
    assert round_width(54, 1 / 16) == 8 and round_width(24, 2.25) == 56
    assert model.out_channels == 432
    block = model.layer1[0].eval()
    x = torch.randn(1, 54, 2, 3, 3)
    gate = torch.sigmoid(block.se_module.fc2(torch.relu(block.se_module.fc1(
        x.mean(dim=(2, 3, 4), keepdim=True)))))
    torch.testing.assert_close(block.between(x), x * gate * torch.sigmoid(x * gate))


def test_init_starts_blocks_as_their_shortcut():
    model = X3D(**SHALLOW)
    model.init_weights()
    norms = [b.conv3.bn for name in model.res_layers for b in getattr(model, name)]
    assert len(norms) == 10 and all(bn.weight.abs().sum() == 0 for bn in norms)


def test_bad_input_and_arguments_are_refused():
    with pytest.raises(ValueError, match=r'C = 17.*\(1, 3, 8, 32, 32\)'):
        X3D(**SHALLOW)(torch.rand(1, 3, 8, 32, 32))
    with pytest.raises(ValueError, match='num_stages'):
        X3D(**dict(SHALLOW, num_stages=4))  # three stage_blocks only
    with pytest.raises(ValueError, match='se_style'):
        X3D(se_style='none')
