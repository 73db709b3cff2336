"""C3D (pyskl's, PoseC3D's C3D-light): pyskl's state-dict names, parameters, shapes, pooling."""
import pytest
import torch

from mmskel.models.backbones import C3D

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

# pyskl's configs/posec3d/c3d_light_*/joint.py
LIGHT = dict(in_channels=17, base_channels=32, num_stages=3, temporal_downsample=False)


def test_state_dict_has_pyskl_names_and_shapes():
    state = C3D(**LIGHT).state_dict()
    assert [name for name in state if name.endswith('conv.weight')] == [
        f'conv{n}.conv.weight' for n in ('1a', '2a', '3a', '3b', '4a', '4b')]
    assert len(state) == 6 * 6  # conv weight, bn weight, bias, mean, var, batches tracked
    assert tuple(state['conv1a.conv.weight'].shape) == (32, 17, 3, 3, 3)
    assert tuple(state['conv4b.conv.weight'].shape) == (256, 256, 3, 3, 3)
    assert tuple(state['conv4b.bn.running_var'].shape) == (256,)
    assert 'conv5a.conv.weight' in C3D(in_channels=17, base_channels=32).state_dict()


def test_parameter_count():
    params = sum(p.numel() for p in C3D(**LIGHT).parameters())
    convs = 27 * (17 * 32 + 32 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 256 * 256)
    norms = 2 * (32 + 64 + 128 + 128 + 256 + 256)
    assert params == convs + norms == 3_389_472  # + the 60-class head: 3.40 M; pyskl: 3.4 M


def test_output_shapes_and_temporal_pooling():
    model = C3D(**LIGHT).eval()
    x = torch.rand(2, 17, 8, 32, 32)
    with torch.no_grad():
        assert tuple(model(x).shape) == (2, 256, 8, 4, 4)  # time kept, space / 8
        pooled = C3D(in_channels=17, base_channels=8, num_stages=4).eval()(x)
    assert tuple(pooled.shape) == (2, 64, 1, 2, 2)  # time / 8, space / 16
    # the first pooling averages 2 x 2 pixels of conv1a's output
    with torch.no_grad():
        expected = torch.nn.functional.avg_pool3d(model.conv1a(x), (1, 2, 2))
        torch.testing.assert_close(model.pool1(model.conv1a(x)), expected)


def test_bad_input_and_arguments_are_refused():
    with pytest.raises(ValueError, match=r'C = 17'):
        C3D(**LIGHT)(torch.rand(1, 18, 8, 32, 32))
    with pytest.raises(ValueError, match='num_stages must be 3 or 4'):
        C3D(num_stages=2)
