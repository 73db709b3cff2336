"""FocalLoss and class-balanced weights (BABEL's weighted focal loss, ``_wfl`` configs)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmskel.datasets import PoseDataset, dump_annotations
from mmskel.engine.class_counts_hook import class_counts
from mmskel.models.losses import FocalLoss, class_balanced_weights


def test_gamma_zero_is_cross_entropy_and_gamma_down_weights_easy_samples():
    scores, labels = torch.randn(8, 5), torch.randint(0, 5, (8, ))
    assert FocalLoss(gamma=0)(scores, labels) == pytest.approx(
        F.cross_entropy(scores, labels).item(), rel=1e-5)
    easy = torch.tensor([[10., 0., 0.]])
    hard = torch.tensor([[0., 0., 0.]])
    label = torch.tensor([0])
    ratio_easy = FocalLoss(gamma=2)(easy, label) / F.cross_entropy(easy, label)
    ratio_hard = FocalLoss(gamma=2)(hard, label) / F.cross_entropy(hard, label)
    assert ratio_easy < 1e-3 < ratio_hard < 1


def test_class_balanced_weights():
    w = class_balanced_weights([1000, 10, 0, 1], beta=0.999)
    assert w[2] == 0 and w[0] < w[1] < w[3]
    assert w.sum() == pytest.approx(3)
    assert np.allclose(class_balanced_weights([5, 50], beta=0), [1, 1])
    with pytest.raises(ValueError, match='beta'):
        class_balanced_weights([1], beta=1)


def test_weights_from_the_training_split(tmp_path):
    samples = [dict(frame_dir=f's{i}', label=label, keypoint=np.zeros((1, 4, 25, 3), np.float32),
                    total_frames=4) for i, label in enumerate([0, 0, 0, 1, 2, 2])]
    path = tmp_path / 'ann.pkl'
    dump_annotations(samples, str(path), split=dict(train=['s0', 's1', 's2', 's3'], val=['s4']))
    loss = FocalLoss(class_weight='balanced', num_classes=3, beta=0.9)  # reads no data
    with pytest.raises(RuntimeError, match='not set'):
        loss(torch.zeros(2, 3), torch.tensor([0, 1]))
    # what ClassCountsHook does when training starts; a repeated sample counts once
    train = PoseDataset(str(path), split='train', repeat=3)
    loss.set_class_counts(class_counts(train, 3))
    expected = class_balanced_weights([3, 1, 0], beta=0.9)
    assert np.allclose(loss.class_weight.numpy(), expected)
    weighted = loss(torch.zeros(2, 3), torch.tensor([0, 1]))
    assert weighted.item() == pytest.approx(
        (2 / 3)**2 * np.log(3) * (expected[0] + expected[1]) / 2, rel=1e-5)
    with pytest.raises(ValueError, match='num_classes=2'):
        class_counts(PoseDataset(str(path), split='val'), 2)
    # the weights are saved with the model and come back without data
    restored = FocalLoss(class_weight='balanced', num_classes=3, beta=0.9)
    restored.load_state_dict(loss.state_dict())
    assert torch.equal(restored.class_weight, loss.class_weight)
