"""Accuracy functions over score matrices."""
from typing import List, Sequence

import numpy as np


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray,
                   topk: Sequence[int] = (1,)) -> List[float]:
    """Fraction of samples whose label is among the ``k`` highest scores, for each k.

    Args:
        scores (np.ndarray): [N, K].
        labels (np.ndarray): [N].
        topk (Sequence[int]): Values of k.
    """
    order = np.argsort(-scores, axis=1, kind='stable')
    hits = order == np.asarray(labels)[:, None]
    return [float(hits[:, :k].any(axis=1).mean()) for k in topk]


def mean_class_accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Top-1 accuracy averaged over the classes present in ``labels``."""
    labels = np.asarray(labels)
    pred = scores.argmax(axis=1)
    return float(np.mean([(pred[labels == c] == c).mean() for c in np.unique(labels)]))


def confusion_matrix(pred: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """[K, K] counts: row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(pred)), 1)
    return matrix
