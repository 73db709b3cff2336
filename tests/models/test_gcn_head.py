"""GCNHead: pooling, loss and clip averaging against manual computations."""
import pytest
import torch
import torch.nn.functional as F

from mmskel.models.heads import GCNHead
from mmskel.structures import ActionDataSample

pytestmark = pytest.mark.usefixtures('registries')


def make_head(**kwargs):
    torch.manual_seed(0)
    head = GCNHead(num_classes=5, in_channels=8, **kwargs)
    with torch.no_grad():
        head.fc.weight.normal_()
        head.fc.bias.normal_()
    return head


def samples(labels):
    return [ActionDataSample().set_gt_label(label) for label in labels]


def test_forward_is_mean_pooling_then_linear():
    head = make_head()
    x = torch.randn(3, 2, 8, 4, 25)  # [N, M, C, T, V]
    scores = head(x)
    pooled = x.mean(dim=(1, 3, 4))  # over persons, time and joints
    torch.testing.assert_close(scores, pooled @ head.fc.weight.T + head.fc.bias)
    # a single element by hand
    manual = sum(x[1, m, :, t, v] for m in range(2) for t in range(4) for v in range(25)) / 200
    torch.testing.assert_close(scores[1], head.fc(manual))


def test_channel_mismatch_raises():
    with pytest.raises(ValueError, match='8 channels, got 6'):
        make_head()(torch.randn(1, 1, 6, 2, 3))


def test_loss_is_cross_entropy():
    head = make_head()
    x = torch.randn(4, 1, 8, 3, 5)
    labels = [0, 3, 3, 1]
    losses = head.loss(x, samples(labels))
    scores = head(x)
    expected = F.cross_entropy(scores, torch.tensor(labels))
    torch.testing.assert_close(losses['loss_cls'], expected)
    # by hand: mean of -log softmax at the label
    log_p = scores.log_softmax(1)
    manual = -sum(log_p[i, label] for i, label in enumerate(labels)) / 4
    torch.testing.assert_close(losses['loss_cls'], manual)
    top1 = (scores.argmax(1) == torch.tensor(labels)).float().mean()
    torch.testing.assert_close(losses['top1_acc'], top1)
    losses['loss_cls'].backward()
    assert head.fc.weight.grad is not None


def test_loss_options():
    x = torch.randn(4, 1, 8, 3, 5)
    labels = torch.tensor([0, 3, 3, 1])
    plain = make_head()
    weighted = make_head(loss_cls=dict(type='CrossEntropyLoss', loss_weight=2.0,
                                       class_weight=[1, 2, 1, 3, 1], label_smoothing=0.1))
    scores = plain(x)
    expected = 2.0 * F.cross_entropy(scores, labels, weight=torch.tensor([1., 2, 1, 3, 1]),
                                     label_smoothing=0.1)
    torch.testing.assert_close(weighted.loss(x, samples(labels.tolist()))['loss_cls'], expected)


def test_predict_averages_clip_probabilities():
    head = make_head()
    x = torch.randn(2 * 3, 1, 8, 2, 5)  # N = 2 samples, 3 clips each
    with torch.no_grad():
        data_samples = head.predict(x, samples([1, 4]), num_clips=3)
        scores = head(x).view(2, 3, 5)
    expected = scores.softmax(2).mean(1)
    for i, sample in enumerate(data_samples):
        torch.testing.assert_close(sample.pred_score, expected[i])
        assert float(sample.pred_score.sum()) == pytest.approx(1.0, abs=1e-6)
        assert sample.pred_label.tolist() == [int(expected[i].argmax())]
        assert sample.gt_label.tolist() == [[1, 4][i]]


def test_predict_score_averaging():
    head = make_head(average_clips='score')
    x = torch.randn(4, 1, 8, 2, 5)
    data_samples = head.predict(x, samples([0, 0]), num_clips=2)
    expected = head(x).view(2, 2, 5).mean(1)
    torch.testing.assert_close(data_samples[1].pred_score, expected[1])


def test_prob_and_score_averaging_can_disagree():
    head = make_head()
    # clip scores chosen so that the mean logit and the mean probability rank classes apart
    scores = torch.tensor([[10.0, 0.0, 0, 0, 0], [-10.0, 1.0, 0, 0, 0]])
    prob = head.average(scores, 2)
    head.average_clips = 'score'
    raw = head.average(scores, 2)
    assert int(prob.argmax()) == 0 and int(raw.argmax()) == 1


def test_invalid_average_clips():
    with pytest.raises(ValueError, match='average_clips'):
        GCNHead(5, 8, average_clips='mean')


def test_default_init_is_normal_std_001():
    torch.manual_seed(0)
    head = GCNHead(num_classes=60, in_channels=256)
    head.init_weights()
    assert float(head.fc.weight.detach().std()) == pytest.approx(0.01, rel=0.05)
    assert torch.all(head.fc.bias == 0)


def test_dropout_only_in_training():
    head = make_head(dropout=0.5)
    x = torch.randn(2, 1, 8, 2, 5)
    head.eval()
    torch.testing.assert_close(head(x), make_head()(x))
