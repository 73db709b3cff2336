"""Random streams that a resumed run continues exactly (see ``docs/reliability.md``).

Two pieces:

- :class:`SeededPipeline` fixes the random draws of each training sample's transforms by
  (seed, epoch, sample index), so that they depend neither on the worker that loads the sample,
  nor on the number of workers or ranks, nor on which samples were loaded before it.
- :func:`rng_state` and :func:`set_rng_state` capture and restore the process's own streams
  (Python's ``random``, numpy's global generator, torch's CPU and CUDA generators: dropout,
  random initialisation), as plain tensors and tuples that a ``weights_only`` load reads.
"""
import random
from typing import Any, Callable, Dict, List

import numpy as np
import torch


class SeededPipeline:
    """A dataset pipeline run with numpy's and Python's global generators seeded per sample.

    Transforms draw from ``np.random`` and ``random`` (mmaction2's and mmcv's do too); here
    both are seeded from ``(seed, epoch, results['sample_idx'])`` before the sample's transforms
    run, and put back as they were after, so the process's own streams are untouched. The seed
    and epoch sit in a shared-memory tensor: a persistent worker sees the epoch that the main
    process sets.

    Args:
        pipeline (Callable): The dataset's pipeline (an mmengine ``Compose``).
        seed (int): The run's seed (non-negative).

    Example:
        >>> dataset.pipeline = SeededPipeline(dataset.pipeline, seed=0)
        >>> dataset.pipeline.set_epoch(3)  # before the epoch's DataLoader iterator is made
    """

    def __init__(self, pipeline: Callable, seed: int = 0) -> None:
        self.pipeline = pipeline
        self._seed_epoch = torch.zeros(2, dtype=torch.int64).share_memory_()
        self.set_epoch(0, seed)

    @property
    def transforms(self) -> list:
        """The wrapped pipeline's transforms."""
        return self.pipeline.transforms

    @property
    def seed(self) -> int:
        return int(self._seed_epoch[0])

    @property
    def epoch(self) -> int:
        return int(self._seed_epoch[1])

    def set_epoch(self, epoch: int, seed: int = None) -> None:
        """Draw the samples of ``epoch`` next (and, if given, from ``seed``)."""
        if seed is not None:
            if seed < 0:
                raise ValueError(f'SeededPipeline: seed must be >= 0, got {seed}')
            self._seed_epoch[0] = seed
        self._seed_epoch[1] = epoch

    def sample_seed(self, sample_idx: int) -> np.ndarray:
        """The 128 seed bits [4] (uint32) of one sample in the current epoch."""
        return np.random.SeedSequence(
            [self.seed, self.epoch, int(sample_idx)]).generate_state(4)

    def __call__(self, results: dict) -> Any:
        if 'sample_idx' not in results:
            raise KeyError('SeededPipeline: the data info has no "sample_idx" (mmengine\'s '
                           'BaseDataset.get_data_info adds it); got keys '
                           f'{sorted(results)}')
        words = self.sample_seed(results['sample_idx'])
        numpy_state, python_state = np.random.get_state(), random.getstate()
        np.random.seed(words)
        random.seed(int.from_bytes(words.tobytes(), 'little'))
        try:
            return self.pipeline(results)
        finally:
            np.random.set_state(numpy_state)
            random.setstate(python_state)

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.pipeline!r})'


def datasets_with_pipeline(dataset) -> List[Any]:
    """``dataset`` itself, or the datasets that a wrapper (``RepeatDataset``,
    ``ConcatDataset``, ``Subset``) reads from, that have a ``pipeline``."""
    if hasattr(dataset, 'pipeline'):
        return [dataset]
    if hasattr(dataset, 'datasets'):
        return [d for inner in dataset.datasets for d in datasets_with_pipeline(inner)]
    if hasattr(dataset, 'dataset'):
        return datasets_with_pipeline(dataset.dataset)
    return []


def seed_samples(dataset, seed: int) -> List[SeededPipeline]:
    """Wrap the pipeline of ``dataset`` (and of the datasets it wraps) in
    :class:`SeededPipeline`, once; the wrapped pipelines, for :meth:`SeededPipeline.set_epoch`
    (none when no dataset with a ``pipeline`` is found)."""
    seeded = []
    for inner in datasets_with_pipeline(dataset):
        if not isinstance(inner.pipeline, SeededPipeline):
            inner.pipeline = SeededPipeline(inner.pipeline, seed)
        seeded.append(inner.pipeline)
    return seeded


def rng_state() -> Dict[str, Any]:
    """This process's random streams: Python's, numpy's global one, torch's CPU generator and,
    where CUDA is present, each device's; tensors and plain tuples only."""
    name, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    state = dict(python=random.getstate(),
                 numpy=(name, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss,
                        cached_gaussian),
                 torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: Dict[str, Any]) -> None:
    """Restore the streams that :func:`rng_state` captured."""
    version, internal, gauss_next = state['python']
    random.setstate((version, tuple(internal), gauss_next))
    name, keys, pos, has_gauss, cached_gaussian = state['numpy']
    np.random.set_state((name, keys.cpu().numpy().astype(np.uint32), pos, has_gauss,
                         cached_gaussian))
    torch.set_rng_state(state['torch'].cpu())
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state['cuda']])
