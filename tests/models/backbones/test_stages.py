"""StagedBackbone: the graph, data BatchNorm, input check and forward that ST-GCN, AAGCN,
MST-GCN and CTR-GCN share."""
import pytest
import torch
import torch.nn as nn

from mmskel.models.backbones import AAGCN, CTRGCN, MSTGCN, STGCN
from mmskel.models.backbones.stages import StagedBackbone
from mmskel.models.layers import normalize_input


class TwoConvs(StagedBackbone):
    def __init__(self, data_bn_type: str = 'VC') -> None:
        super().__init__()
        A = self.build_input(dict(layout='nturgb+d', mode='spatial'), 3, data_bn_type, 2)
        self.convs = nn.ModuleList([nn.Conv2d(3, 4, 1), nn.Conv2d(4, 6, (3, 1), (2, 1))])
        self.num_subsets = A.size(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(x, self.convs)


@pytest.mark.parametrize('bn_type,features', [('VC', 75), ('MVC', 150)])
def test_build_input_sets_the_graph_and_data_bn(bn_type, features):
    model = TwoConvs(bn_type)
    assert (model.in_channels, model.data_bn_type, model.num_persons) == (3, bn_type, 2)
    assert model.num_subsets == 3 and model.graph.A.shape == (3, 25, 25)
    assert model.data_bn.num_features == features
    assert list(model.state_dict())[:2] == ['data_bn.weight', 'data_bn.bias']


def test_run_blocks_normalises_folds_persons_and_runs_the_blocks_in_order():
    model = TwoConvs().eval()
    x = torch.randn(2, 2, 8, 25, 3)
    with torch.no_grad():
        out = model(x)
        folded = normalize_input(model.data_bn, x, 'VC')  # [N * M, C, T, V]
        expected = model.convs[1](model.convs[0](folded))
    assert out.shape == (2, 2, 6, 3, 25)  # T: 8 -> 3 (kernel 3, stride 2)
    assert torch.equal(out, expected.reshape(2, 2, 6, 3, 25))


def test_check_input_names_the_backbone():
    with pytest.raises(ValueError, match=r'^TwoConvs expects 3 input channels, got input of '
                       r'shape \(2, 2, 8, 25, 2\)'):
        TwoConvs()(torch.randn(2, 2, 8, 25, 2))


def test_the_backbones_keep_their_own_checks_and_block_names():
    graph = dict(layout='nturgb+d', mode='spatial')
    small = dict(base_channels=8, num_stages=2, inflate_stages=(), down_stages=())
    for cls, blocks in ((STGCN, 'gcn'), (AAGCN, 'gcn'), (MSTGCN, 'layers'), (CTRGCN, 'net')):
        model = cls(graph, **small)
        assert isinstance(model, StagedBackbone)
        assert any(k.startswith(f'{blocks}.0.') for k in model.state_dict()), cls.__name__
    with pytest.raises(ValueError, match="AAGCN with data_bn_type='MVC' expects num_persons=2"):
        AAGCN(graph, **small)(torch.randn(1, 1, 8, 25, 3))
    with pytest.raises(ValueError, match=r'CTRGCN expects input \[N, 2, T, 25, 3\]'):
        CTRGCN(graph, **small)(torch.randn(1, 2, 8, 20, 3))
