"""Multi-stream score fusion over result files written by ``tools/test.py --out``.

A result file is ``{'frame_dir': [N ids], 'scores': [N, K], 'labels': [N], 'classes': [K] or
None}`` (see :func:`mmskel.evaluation.dump_results`). Files are aligned by sample id, never by
position, so streams tested in different orders (or under DDP) fuse correctly.
"""
import itertools
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmskel.utils.safe_pickle import UnreadablePickleError, load_pickle
from .functional import mean_class_accuracy, top_k_accuracy

RESULT_KEYS = ('frame_dir', 'scores', 'labels')
# The default search grid: relative weights, so (1, 1) and (2, 2) fuse alike without softmax.
DEFAULT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


class ResultFileError(ValueError):
    """A result file is unreadable, malformed, or does not match the others."""


@dataclass
class StreamResult:
    """The per-sample results of one stream.

    Attributes:
        path (str): File the results came from.
        ids (List[str]): [N] sample ids (``frame_dir``), unique.
        scores (np.ndarray): [N, K] float scores.
        labels (np.ndarray): [N] int64 labels.
        classes (List[str], optional): [K] class names.
    """
    path: str
    ids: List[str]
    scores: np.ndarray
    labels: np.ndarray
    classes: Optional[List[str]] = None


def load_result(path: str) -> StreamResult:
    """Load and check one ``tools/test.py --out`` file (restricted unpickling).

    Raises:
        ResultFileError: naming the file and what is missing or malformed.
    """
    if not osp.isfile(path):
        raise ResultFileError(f'{path}: no such result file')
    try:
        data = load_pickle(path)
    except UnreadablePickleError as e:
        raise ResultFileError(f'{e} (expected a tools/test.py --out result file)') from e
    if isinstance(data, list):
        raise ResultFileError(f'{path}: a list of {len(data)} items, which looks like a '
                              'tools/test.py --dump file; fusion needs a tools/test.py --out file')
    if not isinstance(data, dict):
        raise ResultFileError(f'{path}: expected a dict with keys {list(RESULT_KEYS)}, '
                              f'got {type(data).__name__}')
    missing = [k for k in RESULT_KEYS if k not in data]
    if missing:
        raise ResultFileError(f'{path}: missing keys {missing}; a tools/test.py --out file has '
                              f'{list(RESULT_KEYS) + ["classes"]}')
    ids = [str(i) for i in data['frame_dir']]
    scores = np.asarray(data['scores'])
    labels = np.asarray(data['labels'])
    if scores.ndim != 2 or not np.issubdtype(scores.dtype, np.number):
        raise ResultFileError(f'{path}: scores must be a numeric [N, K] array, got shape '
                              f'{scores.shape} of {scores.dtype}')
    if not np.isfinite(scores).all():
        raise ResultFileError(f'{path}: scores hold NaN or inf values')
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ResultFileError(f'{path}: labels must be an integer [N] array, got shape '
                              f'{labels.shape} of {labels.dtype}')
    if not len(ids) == len(scores) == len(labels):
        raise ResultFileError(f'{path}: {len(ids)} ids, {len(scores)} score rows and '
                              f'{len(labels)} labels; expected one of each per sample')
    if len(ids) == 0:
        raise ResultFileError(f'{path}: holds no samples')
    if len(set(ids)) != len(ids):
        seen, dups = set(), []
        for i in ids:
            if i in seen:
                dups.append(i)
            seen.add(i)
        raise ResultFileError(f'{path}: {len(dups)} duplicate sample ids, e.g. {dups[:3]}')
    num_classes = scores.shape[1]
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ResultFileError(f'{path}: labels must lie in [0, {num_classes}) for {num_classes} '
                              f'score columns, found {labels.min()}..{labels.max()}')
    classes = data.get('classes')
    if classes is not None:
        classes = [str(c) for c in classes]
        if len(classes) != num_classes:
            raise ResultFileError(f'{path}: {len(classes)} class names for {num_classes} '
                                  'score columns')
    return StreamResult(str(path), ids, scores.astype(np.float64), labels.astype(np.int64),
                        classes)


def align_results(results: Sequence[StreamResult]) -> Tuple[List[str], List[np.ndarray],
                                                            np.ndarray, Optional[List[str]]]:
    """Reorder every stream to the first one's sample order, checking that they match.

    Returns:
        tuple: ``(ids [N], [scores [N, K] per stream], labels [N], classes or None)``.

    Raises:
        ResultFileError: when the sample id sets, class counts, class names or the label of a
            sample differ between files; the message names the files and some of the ids.
    """
    if not results:
        raise ResultFileError('no result files given')
    ref = results[0]
    ref_ids = set(ref.ids)
    classes = ref.classes
    aligned = [ref.scores]
    for res in results[1:]:
        if res.scores.shape[1] != ref.scores.shape[1]:
            raise ResultFileError(
                f'{res.path} scores {res.scores.shape[1]} classes but {ref.path} scores '
                f'{ref.scores.shape[1]}; fused files must share one class list')
        if res.classes is not None and classes is not None and res.classes != classes:
            diff = [i for i, (a, b) in enumerate(zip(res.classes, classes)) if a != b]
            raise ResultFileError(
                f'{res.path} and {ref.path} name their classes differently, e.g. class '
                f'{diff[0]}: {res.classes[diff[0]]!r} vs {classes[diff[0]]!r}')
        classes = classes if classes is not None else res.classes
        ids = set(res.ids)
        if ids != ref_ids:
            only_ref, only_res = sorted(ref_ids - ids), sorted(ids - ref_ids)
            parts = []
            if only_ref:
                parts.append(f'{len(only_ref)} ids only in {ref.path} (e.g. {only_ref[:3]})')
            if only_res:
                parts.append(f'{len(only_res)} ids only in {res.path} (e.g. {only_res[:3]})')
            raise ResultFileError(f'{res.path} and {ref.path} hold different samples: '
                                  + '; '.join(parts))
        position = {sample_id: i for i, sample_id in enumerate(res.ids)}
        order = np.array([position[sample_id] for sample_id in ref.ids])
        wrong = np.flatnonzero(res.labels[order] != ref.labels)
        if len(wrong):
            examples = [f'{ref.ids[i]}: {ref.labels[i]} vs {res.labels[order][i]}'
                        for i in wrong[:3]]
            raise ResultFileError(f'{res.path} and {ref.path} disagree on the labels of '
                                  f'{len(wrong)} samples, e.g. {examples}')
        aligned.append(res.scores[order])
    return list(ref.ids), aligned, ref.labels, classes


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of [N, K] scores."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def fuse_scores(scores: Sequence[np.ndarray], weights: Sequence[float],
                use_softmax: bool = False) -> np.ndarray:
    """Weighted sum of aligned [N, K] score matrices, each softmaxed first if asked."""
    if len(weights) != len(scores):
        raise ValueError(f'{len(weights)} weights for {len(scores)} streams; give one each')
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError(f'weights must be non-negative and not all zero, got {list(weights)}')
    streams = [softmax(s) if use_softmax else s for s in scores]
    return sum(w * s for w, s in zip(weights, streams))


def accuracies(scores: np.ndarray, labels: np.ndarray) -> Dict[str, float]:
    """``top1``, ``top5`` (top-K when fewer than 5 classes) and ``mean1`` of [N, K] scores."""
    top1, top5 = top_k_accuracy(scores, labels, (1, min(5, scores.shape[1])))
    return dict(top1=top1, top5=top5, mean1=mean_class_accuracy(scores, labels))


def split_ids(ids: Sequence[str], ratio: float, seed: int) -> np.ndarray:
    """A boolean [N] mask choosing ``round(ratio * N)`` samples for the weight search.

    The choice depends on the id set, the ratio and the seed only, not on the order of ``ids``.
    """
    if not 0 < ratio < 1:
        raise ValueError(f'the search ratio must lie strictly between 0 and 1, got {ratio}')
    count = int(round(ratio * len(ids)))
    if count == 0 or count == len(ids):
        raise ValueError(f'a search ratio of {ratio} over {len(ids)} samples leaves one half '
                         'empty')
    ranked = sorted(ids)
    chosen = set(ranked[i] for i in np.random.default_rng(seed).permutation(len(ids))[:count])
    return np.array([i in chosen for i in ids])


def search_weights(scores: Sequence[np.ndarray], labels: np.ndarray,
                   grid: Sequence[float] = DEFAULT_GRID, use_softmax: bool = False,
                   max_grid_points: int = 50000) -> Tuple[List[float], float]:
    """Weights from ``grid`` (one per stream) maximising top-1 of the fusion on these samples.

    Multiplying all weights by one factor leaves every prediction as it is, so such repeats are
    skipped and the weights returned are scaled so that the largest is 1.

    Every grid point is tried when there are at most ``max_grid_points``; otherwise a coordinate
    search (one stream at a time over the grid, from all ones, until nothing improves). Ties go
    to the higher mean class accuracy, then to the first point found.

    Returns:
        tuple: ``(weights, top-1 on these samples)``.
    """
    streams = [softmax(s) if use_softmax else s for s in scores]
    grid = sorted(set(float(g) for g in grid))
    if any(g < 0 for g in grid) or not any(g > 0 for g in grid):
        raise ValueError(f'the search grid must be non-negative with a positive value, got {grid}')

    def score(weights) -> Tuple[float, float]:
        fused = sum(w * s for w, s in zip(weights, streams))
        return (float((fused.argmax(axis=1) == labels).mean()),
                mean_class_accuracy(fused, labels))

    best, best_score = None, (-1.0, -1.0)
    if len(grid) ** len(streams) <= max_grid_points:
        seen = set()
        for weights in itertools.product(grid, repeat=len(streams)):
            key = tuple(np.round(np.array(weights) / max(weights), 6)) if any(weights) else None
            if key is None or key in seen:  # a multiple of a tried point fuses alike
                continue
            seen.add(key)
            current = score(weights)
            if current > best_score:
                best, best_score = list(weights), current
        return _scaled(best), best_score[0]
    best = [1.0] * len(streams)
    best_score = score(best)
    improved = True
    while improved:
        improved = False
        for i in range(len(streams)):
            for value in grid:
                trial = best[:i] + [value] + best[i + 1:]
                if any(w > 0 for w in trial):
                    current = score(trial)
                    if current > best_score:
                        best, best_score, improved = trial, current, True
    return _scaled(best), best_score[0]


def _scaled(weights: Sequence[float]) -> List[float]:
    """Weights divided by the largest: the same ranking, in a readable form."""
    top = max(weights)
    return [w / top for w in weights]
