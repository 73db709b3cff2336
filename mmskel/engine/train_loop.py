"""mmengine's epoch-based training loop, made exactly resumable (see ``docs/reliability.md``)."""
import itertools
from typing import Iterable, Iterator, Optional

from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import BatchSampler, DataLoader, Sampler

from mmskel.registry import LOOPS
from .randomness import seed_samples


class SkipFirst(Sampler):
    """``sampler`` without its first ``count`` indices; its length stays the full epoch's, so
    that hooks count batches of the epoch as the uninterrupted run does."""

    def __init__(self, sampler: Sampler, count: int) -> None:
        self.sampler, self.count = sampler, count

    def __iter__(self) -> Iterator[int]:
        return itertools.islice(iter(self.sampler), self.count, None)

    def __len__(self) -> int:
        return len(self.sampler)


class RemainingBatches:
    """Iterate ``dataloader`` from batch ``start`` of its epoch.

    With torch's ``BatchSampler`` the first ``start * batch_size`` indices are dropped from the
    sampler, so the skipped samples are never loaded; with another batch sampler the skipped
    batches are loaded and dropped.
    """

    def __init__(self, dataloader: DataLoader, start: int) -> None:
        self.dataloader, self.start = dataloader, start

    def __iter__(self) -> Iterator:
        batch_sampler = self.dataloader.batch_sampler
        if self.start == 0:
            yield from self.dataloader
        elif type(batch_sampler) is BatchSampler:
            original = batch_sampler.sampler
            batch_sampler.sampler = SkipFirst(original, self.start * batch_sampler.batch_size)
            try:
                yield from self.dataloader
            finally:
                batch_sampler.sampler = original
        else:
            yield from itertools.islice(self.dataloader, self.start, None)


@LOOPS.register_module()
class ReproducibleTrainLoop(EpochBasedTrainLoop):
    """:class:`mmengine.runner.EpochBasedTrainLoop` whose resumed runs equal uninterrupted ones.

    :class:`SkeletonRunner` uses it for ``EpochBasedTrainLoop`` configs. Differences:

    - each training sample's transforms draw from generators seeded by (the run's seed, the
      epoch, the sample's index) (:class:`~mmskel.engine.randomness.SeededPipeline`);
    - resumed from a checkpoint saved in the middle of an epoch (``by_epoch=False``, or a kill),
      the epoch continues after the batches already trained, as the interrupted run would
      have, instead of starting the epoch again.

    Args: as :class:`mmengine.runner.EpochBasedTrainLoop`.
    """

    def __init__(self, runner, dataloader, max_epochs: int, val_begin: int = 1,
                 val_interval: int = 1, dynamic_intervals: Optional[list] = None) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin, val_interval,
                         dynamic_intervals)
        self.seeded_pipelines = seed_samples(self.dataloader.dataset, runner.seed)
        if not self.seeded_pipelines:
            runner.logger.warning(
                f'{type(self.dataloader.dataset).__name__} has no "pipeline" to seed per '
                'sample: its random draws depend on the data workers, and a resumed run will '
                'not repeat the interrupted one exactly')
        self._resume_checked = False

    def batches_done(self) -> int:
        """Batches of the current epoch already trained: nonzero only in the first epoch of a
        run resumed from a checkpoint saved in the middle of an epoch."""
        if self._resume_checked:
            return 0
        self._resume_checked = True
        done = self._iter - self._epoch * len(self.dataloader)
        if not 0 <= done <= len(self.dataloader):
            self.runner.logger.warning(
                f'resumed at iteration {self._iter} of epoch {self._epoch + 1}, which does not '
                f'fall within that epoch of {len(self.dataloader)} batches (another batch size '
                'or dataset?): the epoch is trained from its first batch')
            return 0
        if done:
            self.runner.logger.info(f'resumed in the middle of epoch {self._epoch + 1}: '
                                    f'continuing after its first {done} batches')
        return done

    def epoch_batches(self) -> Iterable:
        """This epoch's batches still to train, from the seeded pipeline of this epoch."""
        for pipeline in self.seeded_pipelines:
            pipeline.set_epoch(self._epoch, self.runner.seed)
        return RemainingBatches(self.dataloader, self.batches_done())

    def run_epoch(self) -> None:
        """Iterate one epoch (the rest of it, when resumed in its middle)."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        batches = self.epoch_batches()
        for idx, data_batch in enumerate(batches, start=batches.start):
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
