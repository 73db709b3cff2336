"""The data BatchNorm shared by the GCN backbones and the block residual."""
import pytest
import torch
import torch.nn as nn

from mmskel.models.layers import UnitTCN, block_residual, build_data_bn, normalize_input


def test_build_data_bn_sizes_and_errors():
    assert build_data_bn('MVC', 2, 3, 25).num_features == 150
    assert build_data_bn('VC', 2, 3, 25).num_features == 75
    assert isinstance(build_data_bn('none', 2, 3, 25), nn.Identity)
    with pytest.raises(ValueError, match="'MVC', 'VC', 'none'"):
        build_data_bn('CV', 2, 3, 25)


@pytest.mark.parametrize('bn_type', ['MVC', 'VC', 'none'])
def test_normalize_input_folds_persons_and_normalises_each_feature(bn_type):
    x = torch.randn(4, 2, 6, 5, 3) * torch.arange(1, 4.) + 10  # channel c has mean 10
    bn = build_data_bn(bn_type, 2, 3, 5).train()
    out = normalize_input(bn, x, bn_type)
    assert out.shape == (8, 3, 6, 5)
    if bn_type == 'none':
        assert torch.equal(out, x.permute(0, 1, 4, 2, 3).reshape(8, 3, 6, 5))
    else:  # every (person,) joint and channel has zero mean over samples and frames
        per_feature = out.view(4, 2, 3, 6, 5).permute(0, 3, 1, 4, 2).reshape(24, 2, 5, 3)
        means = per_feature.mean(0) if bn_type == 'MVC' else per_feature.mean((0, 1))
        assert means.abs().max() < 1e-5


def test_block_residual():
    assert isinstance(block_residual(8, 8), nn.Identity)
    for args in ((8, 16), (8, 8, 2)):
        assert isinstance(block_residual(*args), UnitTCN)
    assert block_residual(8, 16, 2)(torch.randn(1, 8, 10, 3)).shape == (1, 16, 5, 3)
