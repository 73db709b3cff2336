"""Accuracy metric and per-sample result files for the mmengine evaluator."""
import pickle
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.evaluator import BaseMetric

from mmskel.registry import METRICS
from mmskel.utils import atomic_open
from .functional import mean_class_accuracy, top_k_accuracy

METRIC_NAMES = ('top_k_accuracy', 'mean_class_accuracy')


@METRICS.register_module()
class AccMetric(BaseMetric):
    """Top-k accuracy and mean class accuracy over predicted scores.

    Results are gathered across processes by mmengine (the padding a distributed sampler adds is
    cut off), so the figures are those of the whole dataset under DDP too. Keys are
    ``acc/top1``, ``acc/top5`` and ``acc/mean1``.

    Args:
        metric_list (str | Sequence[str]): Among ``'top_k_accuracy'``, ``'mean_class_accuracy'``.
        topk (Sequence[int]): Values of k. Defaults to (1, 5).
        out_file (str, optional): Also write per-sample results (``frame_dir`` ids, scores,
            labels) to this pickle, atomically, from the main process.
        collect_device (str): ``'cpu'`` or ``'gpu'`` for gathering results.
        prefix (str): Key prefix. Defaults to ``'acc'``.
    """

    default_prefix = 'acc'

    def __init__(self, metric_list: Union[str, Sequence[str]] = METRIC_NAMES,
                 topk: Sequence[int] = (1, 5), out_file: Optional[str] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.metric_list = (metric_list,) if isinstance(metric_list, str) else tuple(metric_list)
        unknown = set(self.metric_list) - set(METRIC_NAMES)
        if unknown:
            raise ValueError(f'unknown metrics {sorted(unknown)}; choose from {METRIC_NAMES}')
        self.topk, self.out_file = tuple(topk), out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(dict(
                frame_dir=sample.get('frame_dir'),
                score=sample['pred_score'].detach().cpu().float().numpy(),
                label=int(sample['gt_label'].reshape(-1)[0])))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        ids, scores, labels = stack_results(results)
        if self.out_file:
            dump_results(self.out_file, ids, scores, labels,
                         classes=(self.dataset_meta or {}).get('classes'))
        metrics = {}
        if 'top_k_accuracy' in self.metric_list:
            topk = [k for k in self.topk if k <= scores.shape[1]]
            for k, acc in zip(topk, top_k_accuracy(scores, labels, topk)):
                metrics[f'top{k}'] = acc
        if 'mean_class_accuracy' in self.metric_list:
            metrics['mean1'] = mean_class_accuracy(scores, labels)
        return metrics


def stack_results(results: List[dict]) -> Tuple[List[str], np.ndarray, np.ndarray]:
    """Per-sample dicts -> (ids, scores [N, K], labels [N])."""
    ids = [r['frame_dir'] for r in results]
    return ids, np.stack([r['score'] for r in results]), np.array([r['label'] for r in results])


def dump_results(path: str, ids: List[str], scores: np.ndarray, labels: np.ndarray,
                 classes: Optional[Sequence[str]] = None) -> None:
    """Write a result file: ``{'frame_dir': [N ids], 'scores': float32 [N, K],
    'labels': int64 [N], 'classes': [K names] or None}``, atomically."""
    data = dict(frame_dir=list(ids), scores=np.asarray(scores, dtype=np.float32),
                labels=np.asarray(labels, dtype=np.int64),
                classes=list(classes) if classes is not None else None)
    with atomic_open(path, 'wb') as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
