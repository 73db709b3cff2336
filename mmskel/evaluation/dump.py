"""Dump every predicted data sample to a pickle (mmaction2's ``--dump``)."""
import pickle
from typing import Dict, List, Sequence

import torch
from mmengine.evaluator import BaseMetric

from mmskel.registry import METRICS
from mmskel.utils import atomic_open


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    return value


@METRICS.register_module()
class DumpSamples(BaseMetric):
    """Write the predicted data samples, as a list of dicts of numpy arrays, to ``out_file``.

    Args:
        out_file (str): Output ``.pkl`` path; written atomically by the main process.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    def __init__(self, out_file: str, collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        if not out_file.endswith(('.pkl', '.pickle')):
            raise ValueError(f'the dump file must be a .pkl file, got {out_file}')
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self.results.extend(_to_numpy(dict(sample)) for sample in data_samples)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        with atomic_open(self.out_file, 'wb') as f:
            pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
        return {}
