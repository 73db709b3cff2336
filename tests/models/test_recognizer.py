"""RecognizerGCN with ActionDataPreprocessor: the three forward modes and train/test steps."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

NUM_CLASSES = 6


@pytest.fixture
def model():
    torch.manual_seed(0)
    recognizer = MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial'),
                      base_channels=8, num_stages=4, inflate_stages=(3,), down_stages=(3,)),
        cls_head=dict(type='GCNHead', num_classes=NUM_CLASSES, in_channels=16)))
    recognizer.init_weights()
    return recognizer.eval()


def batch(num_samples=3, num_clips=1, seed=0):
    generator = torch.Generator().manual_seed(seed)
    inputs = [torch.randn(num_clips, 1, 8, 20, 3, generator=generator, dtype=torch.float64)
              for _ in range(num_samples)]
    data_samples = [ActionDataSample(metainfo=dict(frame_dir=f's{i}')).set_gt_label(i % 6)
                    for i in range(num_samples)]
    return dict(inputs=inputs, data_samples=data_samples)


def test_data_preprocessor_stacks_a_list(model):
    data = batch()
    out = model.data_preprocessor(data, training=False)
    assert tuple(out['inputs'].shape) == (3, 1, 1, 8, 20, 3)
    assert out['inputs'].dtype == torch.float32
    torch.testing.assert_close(out['inputs'][2], data['inputs'][2].float())
    assert [s.gt_label.tolist() for s in out['data_samples']] == [[0], [1], [2]]
    assert [s.frame_dir for s in out['data_samples']] == ['s0', 's1', 's2']
    # an already stacked tensor passes through
    stacked = model.data_preprocessor(dict(inputs=torch.stack(data['inputs'])))
    torch.testing.assert_close(stacked['inputs'], out['inputs'])
    assert stacked['data_samples'] is None


def test_tensor_mode(model):
    data = model.data_preprocessor(batch(num_clips=2))
    with torch.no_grad():
        scores = model(**data, mode='tensor')
        feats = model.backbone(data['inputs'].flatten(0, 1))
    assert tuple(scores.shape) == (3 * 2, NUM_CLASSES)
    torch.testing.assert_close(scores, model.cls_head(feats))
    assert tuple(feats.shape) == (6, 1, 16, 4, 20)


def test_predict_mode_averages_clip_probabilities(model):
    data = model.data_preprocessor(batch(num_clips=2))
    with torch.no_grad():
        scores = model(**data, mode='tensor').view(3, 2, NUM_CLASSES)
        results = model(**data, mode='predict')
    expected = scores.softmax(-1).mean(1)
    assert len(results) == 3
    for i, sample in enumerate(results):
        torch.testing.assert_close(sample.pred_score, expected[i])
        assert sample.pred_label.tolist() == [int(expected[i].argmax())]
        assert sample.gt_label.tolist() == [i]
        assert sample.frame_dir == f's{i}'


def test_predict_without_data_samples(model):
    inputs = model.data_preprocessor(batch())['inputs']
    with torch.no_grad():
        results = model(inputs, mode='predict')
    assert len(results) == 3 and all(r.pred_score.shape == (NUM_CLASSES,) for r in results)


def test_loss_mode_is_cross_entropy_of_tensor_scores(model):
    data = model.data_preprocessor(batch(num_samples=4), training=True)
    with torch.no_grad():
        scores = model(**data, mode='tensor')
        losses = model(**data, mode='loss')
    labels = torch.tensor([0, 1, 2, 3])
    torch.testing.assert_close(losses['loss_cls'], F.cross_entropy(scores, labels))
    assert set(losses) == {'loss_cls', 'top1_acc'}


def test_unknown_mode_and_bad_shape(model):
    inputs = model.data_preprocessor(batch())['inputs']
    with pytest.raises(ValueError, match="'loss', 'predict' or 'tensor'"):
        model(inputs, mode='features')
    with pytest.raises(ValueError, match=r'\[N, num_clips, M, T, V, C\]'):
        model(inputs[:, 0], mode='tensor')


def test_train_step_lowers_the_loss_on_a_fixed_batch(model):
    model.train()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    data = batch(num_samples=6)
    first = model.train_step(data, wrapper)
    assert set(first) >= {'loss', 'loss_cls', 'top1_acc'}
    for _ in range(15):
        last = model.train_step(data, wrapper)
    assert last['loss'].item() < 0.5 * first['loss'].item()


def test_val_and_test_step_return_predictions(model):
    with torch.no_grad():
        out_val = model.val_step(batch())
        out_test = model.test_step(batch())
    assert len(out_val) == len(out_test) == 3
    for a, b in zip(out_val, out_test):
        torch.testing.assert_close(a.pred_score, b.pred_score)
        assert float(a.pred_score.sum()) == pytest.approx(1.0, abs=1e-5)


def test_unknown_arguments_are_refused():
    # a misspelt key (or mmaction2's train_cfg/test_cfg) must not be swallowed silently
    with pytest.raises(TypeError, match='test_cfg'):
        MODELS.build(dict(
            type='RecognizerGCN', test_cfg=dict(average_clips='prob'),
            backbone=dict(type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial')),
            cls_head=dict(type='GCNHead', num_classes=NUM_CLASSES, in_channels=256)))
