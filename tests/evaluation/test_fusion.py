"""Fusion on small hand-made score matrices: loading, alignment, weights, softmax, search."""
import pickle
import re

import numpy as np
import pytest

from mmskel.evaluation.acc_metric import dump_results
from mmskel.evaluation.fusion import (ResultFileError, StreamResult, accuracies, align_results,
                                      fuse_scores, load_result, search_weights, softmax, split_ids)


def stream(path, ids, scores, labels, classes=None) -> StreamResult:
    return StreamResult(path, list(ids), np.asarray(scores, float), np.asarray(labels), classes)


def test_weights_change_the_winner():
    a = np.array([[3., 0.], [0., 1.]])
    b = np.array([[0., 2.], [0., 2.]])
    np.testing.assert_array_equal(fuse_scores([a, b], [1, 1]), [[3., 2.], [0., 3.]])
    np.testing.assert_array_equal(fuse_scores([a, b], [1, 2]).argmax(1), [1, 1])
    np.testing.assert_array_equal(fuse_scores([a, b], [2, 1]).argmax(1), [0, 1])
    with pytest.raises(ValueError, match='2 weights for 3 streams'):
        fuse_scores([a, b, b], [1, 1])
    with pytest.raises(ValueError, match='not all zero'):
        fuse_scores([a, b], [0, 0])


def test_softmax_first_sums_probabilities():
    # b's raw margin for class 1 is larger, but b splits its belief between classes 1 and 2
    a = np.array([[2., 0., 0.]])
    b = np.array([[0., 3., 2.9]])
    assert fuse_scores([a, b], [1, 1]).argmax() == 1
    assert fuse_scores([a, b], [1, 1], use_softmax=True).argmax() == 0
    np.testing.assert_allclose(softmax(b).sum(1), 1)
    np.testing.assert_allclose(softmax(np.array([[1000., 0.]])), [[1., 0.]])


def test_alignment_is_by_id_not_position():
    ref = stream('a.pkl', ['x', 'y', 'z'], [[1, 0], [0, 1], [1, 0]], [0, 1, 0])
    other = stream('b.pkl', ['z', 'x', 'y'], [[5, 0], [3, 0], [0, 4]], [0, 0, 1])
    ids, scores, labels, _ = align_results([ref, other])
    assert ids == ['x', 'y', 'z']
    np.testing.assert_array_equal(scores[1], [[3, 0], [0, 4], [5, 0]])
    np.testing.assert_array_equal(labels, [0, 1, 0])


def test_mismatches_are_refused_with_names():
    ref = stream('a.pkl', ['x', 'y'], [[1, 0], [0, 1]], [0, 1], ['walk', 'sit'])
    with pytest.raises(ResultFileError, match=r"1 ids only in a.pkl \(e.g. \['y'\]\).*"
                       r"1 ids only in b.pkl \(e.g. \['w'\]\)"):
        align_results([ref, stream('b.pkl', ['x', 'w'], [[1, 0], [0, 1]], [0, 1])])
    with pytest.raises(ResultFileError, match='b.pkl scores 3 classes but a.pkl scores 2'):
        align_results([ref, stream('b.pkl', ['x', 'y'], [[1, 0, 0], [0, 1, 0]], [0, 1])])
    with pytest.raises(ResultFileError, match=r"labels of 1 samples, e.g. \['y: 1 vs 0'\]"):
        align_results([ref, stream('b.pkl', ['y', 'x'], [[1, 0], [0, 1]], [0, 0])])
    with pytest.raises(ResultFileError, match="class 1: 'stand' vs 'sit'"):
        align_results([ref, stream('b.pkl', ['x', 'y'], [[1, 0], [0, 1]], [0, 1],
                                   ['walk', 'stand'])])


def test_load_result_checks_the_file(tmp_path):
    good = tmp_path / 'good.pkl'
    dump_results(str(good), ['x', 'y'], np.eye(2), np.array([0, 1]), ['walk', 'sit'])
    loaded = load_result(str(good))
    assert loaded.ids == ['x', 'y'] and loaded.classes == ['walk', 'sit']
    cases = {
        'missing.pkl': None,
        'list.pkl': [dict(pred_score=np.zeros(2))],
        'nokeys.pkl': dict(scores=np.eye(2)),
        'dup.pkl': dict(frame_dir=['x', 'x'], scores=np.eye(2), labels=np.array([0, 1])),
        'short.pkl': dict(frame_dir=['x'], scores=np.eye(2), labels=np.array([0, 1])),
        'range.pkl': dict(frame_dir=['x', 'y'], scores=np.eye(2), labels=np.array([0, 2])),
        'nan.pkl': dict(frame_dir=['x', 'y'], scores=np.eye(2) * np.nan, labels=np.array([0, 1])),
    }
    messages = {'missing.pkl': 'no such result file', 'list.pkl': 'tools/test.py --dump file',
                'nokeys.pkl': "missing keys ['frame_dir', 'labels']",
                'dup.pkl': "1 duplicate sample ids, e.g. ['x']",
                'short.pkl': '1 ids, 2 score rows and 2 labels',
                'range.pkl': 'labels must lie in [0, 2)', 'nan.pkl': 'NaN'}
    for name, data in cases.items():
        path = tmp_path / name
        if data is not None:
            with open(path, 'wb') as f:
                pickle.dump(data, f)
        pattern = f'{re.escape(str(path))}: .*{re.escape(messages[name])}'
        with pytest.raises(ResultFileError, match=pattern):
            load_result(str(path))
    (tmp_path / 'text.pkl').write_text('not a pickle')
    with pytest.raises(ResultFileError, match='text.pkl: .*expected a tools/test.py --out'):
        load_result(str(tmp_path / 'text.pkl'))


def test_accuracies():
    scores = np.array([[0.9, 0.1, 0.], [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])
    labels = np.array([0, 1, 2, 2])
    metrics = accuracies(scores, labels)
    assert metrics['top1'] == pytest.approx(0.5)
    assert metrics['top5'] == 1.0  # top-3: fewer than 5 classes
    assert metrics['mean1'] == pytest.approx((1 + 0 + 0.5) / 3)


def test_search_finds_the_weights_that_fix_the_errors():
    # stream a is right on samples 0-5, b on 6-9: only b/a weight ratios in (1/3, 5/8) get all
    labels = np.zeros(10, dtype=int)
    a = np.tile([1.0, 0.0], (10, 1))
    a[6:] = [0.45, 0.55]
    b = np.tile([0.0, 1.6], (10, 1))
    b[6:] = [0.3, 0.0]
    weights, top1 = search_weights([a, b], labels)
    assert top1 == 1.0
    assert max(weights) == 1.0  # scaled so the largest is 1
    assert accuracies(fuse_scores([a, b], weights), labels)['top1'] == 1.0
    assert accuracies(fuse_scores([a, b], [1, 0]), labels)['top1'] == 0.6
    assert accuracies(fuse_scores([a, b], [1, 1]), labels)['top1'] == 0.4
    # the coordinate search (grid too large to try every point) gets there too
    weights, top1 = search_weights([a, b], labels, max_grid_points=1)
    assert top1 == 1.0 and accuracies(fuse_scores([a, b], weights), labels)['top1'] == 1.0


def test_search_split_depends_on_ids_and_seed_not_order():
    ids = [f's{i:03d}' for i in range(100)]
    mask = split_ids(ids, 0.5, seed=0)
    assert mask.sum() == 50
    reverse = split_ids(ids[::-1], 0.5, seed=0)
    assert set(np.array(ids)[mask]) == set(np.array(ids[::-1])[reverse])
    assert (split_ids(ids, 0.5, seed=1) != mask).any()
    assert split_ids(ids, 0.3, seed=0).sum() == 30
    with pytest.raises(ValueError, match='strictly between 0 and 1'):
        split_ids(ids, 1.0, seed=0)
