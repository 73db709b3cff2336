"""I3DHead: pooling, classifier names, pyskl's argument name, loss and bad input."""
import pytest
import torch
import torch.nn.functional as F

from mmskel.models.heads import BaseHead, I3DHead
from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample

pytestmark = pytest.mark.usefixtures('registries')


def test_scores_are_the_classifier_of_the_pooled_features():
    head = I3DHead(num_classes=5, in_channels=8).eval()
    x = torch.randn(3, 8, 4, 2, 2)
    expected = x.mean(dim=(2, 3, 4)) @ head.fc_cls.weight.T + head.fc_cls.bias
    torch.testing.assert_close(head(x), expected)
    assert list(head.state_dict()) == ['fc_cls.weight', 'fc_cls.bias']  # mmaction2's names
    assert isinstance(head, BaseHead) and head.average_clips == 'prob'
    pooled = I3DHead(num_classes=5, in_channels=8, spatial_type=None).eval()
    pooled.load_state_dict(head.state_dict())
    torch.testing.assert_close(pooled(x.mean(dim=(2, 3, 4), keepdim=True)), expected)


def test_dropout_and_its_pyskl_name():
    assert MODELS.build(dict(type='I3DHead', num_classes=2, in_channels=4,
                             dropout=0.3)).dropout.p == 0.3  # pyskl's configs
    assert I3DHead(num_classes=2, in_channels=4).dropout.p == 0.5
    assert isinstance(I3DHead(2, 4, dropout_ratio=0).dropout, torch.nn.Identity)
    with pytest.raises(TypeError, match='not both'):
        I3DHead(2, 4, dropout=0.1, dropout_ratio=0.2)


def test_initialisation_and_loss():
    torch.manual_seed(0)
    head = I3DHead(num_classes=60, in_channels=512)
    head.init_weights()
    assert head.fc_cls.weight.std().item() == pytest.approx(0.01, rel=0.05)
    assert head.fc_cls.bias.abs().sum() == 0
    x, labels = torch.randn(4, 512, 2, 2, 2), [3, 0, 59, 7]
    samples = [ActionDataSample().set_gt_label(label) for label in labels]
    losses = head.eval().loss(x, samples)
    torch.testing.assert_close(losses['loss_cls'], F.cross_entropy(head(x), torch.tensor(labels)))


def test_bad_features_are_refused():
    head = I3DHead(num_classes=5, in_channels=8)
    with pytest.raises(ValueError, match=r'\[N, C, T, H, W\], got shape \(3, 8\)'):
        head(torch.randn(3, 8))
    with pytest.raises(ValueError, match='expects 8 channels'):
        head(torch.randn(3, 16, 2, 2, 2))
    with pytest.raises(ValueError, match='spatial_type'):
        I3DHead(5, 8, spatial_type='max')
