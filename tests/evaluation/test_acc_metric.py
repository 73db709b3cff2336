"""Accuracy functions and the AccMetric / DumpSamples metrics through mmengine's Evaluator."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator

from mmskel.evaluation import (AccMetric, DumpSamples, confusion_matrix, mean_class_accuracy,
                               top_k_accuracy)
from mmskel.structures import ActionDataSample

pytestmark = pytest.mark.usefixtures('registries')


def test_top_k_accuracy_by_hand():
    scores = np.array([[0.1, 0.5, 0.4, 0.0],   # label 1: rank 1
                       [0.3, 0.2, 0.4, 0.1],   # label 1: rank 3
                       [0.1, 0.2, 0.3, 0.4],   # label 0: rank 4
                       [0.7, 0.1, 0.1, 0.1]])  # label 0: rank 1
    labels = np.array([1, 1, 0, 0])
    assert top_k_accuracy(scores, labels, (1, 2, 3, 4)) == [0.5, 0.5, 0.75, 1.0]
    assert top_k_accuracy(scores, labels) == [0.5]


def test_top_k_ties_go_to_the_lower_class_index_like_argmax():
    scores = np.array([[0.4, 0.4, 0.2],   # label 1 ties with class 0, which ranks first
                       [0.2, 0.4, 0.4],   # label 1 ties with class 2, and ranks first
                       [0.3, 0.3, 0.3]])  # label 2: all tied, ranks last
    labels = np.array([1, 1, 2])
    assert top_k_accuracy(scores, labels, (1, 2, 3)) == pytest.approx([1 / 3, 2 / 3, 1.0])
    # top-1 agrees with argmax, which mean_class_accuracy and the predicted labels use
    hits = (scores.argmax(1) == labels).mean()
    assert top_k_accuracy(scores, labels, (1,))[0] == pytest.approx(hits)


def test_mean_class_accuracy_differs_from_top1_under_imbalance():
    # 4 samples of class 0 (all right), 1 of class 1 (wrong), 1 of class 2 (right)
    scores = np.array([[0.9, 0.1, 0.0]] * 4 + [[0.8, 0.2, 0.0], [0.0, 0.1, 0.9]])
    labels = np.array([0, 0, 0, 0, 1, 2])
    assert top_k_accuracy(scores, labels, (1,))[0] == pytest.approx(5 / 6)
    assert mean_class_accuracy(scores, labels) == pytest.approx((1 + 0 + 1) / 3)


def test_mean_class_accuracy_averages_only_classes_with_samples():
    # class 2 is predicted but never the label: it does not count as a class with 0 accuracy
    scores = np.array([[1.0, 0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    labels = np.array([0, 0, 1])
    assert mean_class_accuracy(scores, labels) == pytest.approx((0.5 + 1.0) / 2)


def test_confusion_matrix_by_hand():
    matrix = confusion_matrix(np.array([0, 1, 1, 2, 0]), np.array([0, 1, 2, 2, 2]), 3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [1, 1, 1]])


def make_samples(scores, labels, prefix='v'):
    samples = []
    for i, (score, label) in enumerate(zip(scores, labels)):
        sample = ActionDataSample(metainfo=dict(frame_dir=f'{prefix}{i}'))
        sample.set_gt_label(int(label)).set_pred_score(torch.tensor(score, dtype=torch.float32))
        samples.append(sample)
    return samples


def random_case(num=20, num_classes=7, seed=0):
    rng = np.random.RandomState(seed)
    scores = rng.rand(num, num_classes).astype(np.float32)
    scores /= scores.sum(1, keepdims=True)
    labels = rng.randint(0, num_classes, size=num)
    labels[:8] = scores[:8].argmax(1)  # make top-1 well above chance
    return scores, labels


def test_acc_metric_through_the_evaluator(tmp_path):
    scores, labels = random_case()
    out_file = tmp_path / 'results' / 'result.pkl'
    evaluator = Evaluator([dict(type='AccMetric', out_file=str(out_file))])
    evaluator.dataset_meta = dict(classes=[f'c{k}' for k in range(7)])
    samples = make_samples(scores, labels)
    for start in range(0, 20, 6):  # batches of 6, 6, 6, 2
        evaluator.process(data_samples=samples[start:start + 6], data_batch=None)
    metrics = evaluator.evaluate(20)
    assert set(metrics) == {'acc/top1', 'acc/top5', 'acc/mean1'}
    top1, top5 = top_k_accuracy(scores, labels, (1, 5))
    assert metrics['acc/top1'] == pytest.approx(top1)
    assert metrics['acc/top5'] == pytest.approx(top5)
    assert metrics['acc/mean1'] == pytest.approx(mean_class_accuracy(scores, labels))
    assert metrics['acc/top1'] >= 0.4
    # by hand for top-1
    assert metrics['acc/top1'] == pytest.approx(np.mean(scores.argmax(1) == labels))

    with open(out_file, 'rb') as f:
        result = pickle.load(f)
    assert result['frame_dir'] == [f'v{i}' for i in range(20)]
    assert result['scores'].shape == (20, 7) and result['scores'].dtype == np.float32
    np.testing.assert_allclose(result['scores'], scores, rtol=1e-6)
    assert result['labels'].dtype == np.int64
    np.testing.assert_array_equal(result['labels'], labels)
    assert result['classes'] == [f'c{k}' for k in range(7)]
    assert [p.name for p in out_file.parent.iterdir()] == ['result.pkl']  # no temp file left


def test_topk_above_num_classes_is_skipped():
    scores, labels = random_case(num_classes=3)
    metric = AccMetric(metric_list='top_k_accuracy')
    evaluator = Evaluator(metric)
    evaluator.process(data_samples=make_samples(scores, labels))
    metrics = evaluator.evaluate(len(labels))
    assert set(metrics) == {'acc/top1'}


def test_custom_topk_and_prefix():
    scores, labels = random_case()
    evaluator = Evaluator(AccMetric(topk=(1, 2, 3), prefix='val'))
    evaluator.process(data_samples=make_samples(scores, labels))
    metrics = evaluator.evaluate(20)
    assert set(metrics) == {'val/top1', 'val/top2', 'val/top3', 'val/mean1'}
    assert metrics['val/top3'] == pytest.approx(top_k_accuracy(scores, labels, (3,))[0])


def test_unknown_metric_name():
    with pytest.raises(ValueError, match='unknown metrics'):
        AccMetric(metric_list=['top_k_accuracy', 'f1'])


def test_dump_samples_writes_a_list_of_dicts(tmp_path):
    scores, labels = random_case(num=5)
    out_file = tmp_path / 'dump.pkl'
    evaluator = Evaluator(DumpSamples(out_file=str(out_file)))
    evaluator.process(data_samples=make_samples(scores, labels, prefix='d'))
    assert evaluator.evaluate(5) == {}
    with open(out_file, 'rb') as f:
        dumped = pickle.load(f)
    assert isinstance(dumped, list) and len(dumped) == 5
    for i, item in enumerate(dumped):
        assert isinstance(item, dict)
        assert item['frame_dir'] == f'd{i}'
        assert isinstance(item['pred_score'], np.ndarray)
        np.testing.assert_allclose(item['pred_score'], scores[i], rtol=1e-6)
        np.testing.assert_array_equal(item['gt_label'], [labels[i]])


def test_dump_samples_needs_a_pickle_name():
    with pytest.raises(ValueError, match='.pkl'):
        DumpSamples(out_file='results.json')
