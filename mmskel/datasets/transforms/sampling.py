"""Temporal sampling of skeleton sequences."""
from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS


@TRANSFORMS.register_module()
class UniformSampleFrames(BaseTransform):
    """Sample ``clip_len`` frames spread uniformly over a sequence (pyskl's sampler).

    The sequence is cut into ``clip_len`` equal segments and one frame is taken from each; a
    sequence shorter than ``clip_len`` is looped. In training each segment's frame is random and
    a random sub-window of ``p_interval`` of the sequence is used first (a temporal crop); in test
    mode the choice is drawn from a fixed seed, so the same sample always gives the same clip,
    and a single ``p_interval`` value keeps that centred fraction of the sequence (CTR-GCN's
    test-time crop, ``p_interval: [0.95]``). Training draws come from numpy's global generator,
    seeded per sample (:class:`mmskel.engine.randomness.SeededPipeline`).

    Required keys: ``total_frames``; ``test_mode`` (optional). Added keys: ``frame_inds``
    [num_clips * clip_len], ``clip_len``, ``num_clips``, ``frame_interval``.

    Args:
        clip_len (int): Frames per clip.
        num_clips (int): Clips per sample. Defaults to 1.
        p_interval (float | tuple[float, float]): Range of the kept fraction of the sequence in
            training; in test mode a single value (low == high) is a centred crop and a range
            is ignored. Defaults to 1 (no crop).
        seed (int): Seed of the test-mode sampler. Defaults to 255.
    """

    def __init__(self, clip_len: int, num_clips: int = 1,
                 p_interval: Union[float, Sequence[float]] = 1, seed: int = 255) -> None:
        if clip_len < 1 or num_clips < 1:
            raise ValueError(f'clip_len and num_clips must be >= 1, got {clip_len}, {num_clips}')
        self.clip_len, self.num_clips, self.seed = clip_len, num_clips, seed
        if isinstance(p_interval, (int, float)):
            p_interval = (p_interval, p_interval)
        self.p_interval = tuple(float(p) for p in p_interval)
        if not 0 < self.p_interval[0] <= self.p_interval[1] <= 1:
            raise ValueError(f'p_interval must satisfy 0 < low <= high <= 1, got {p_interval}')

    def _one_clip(self, num_frames: int, rng: np.random.RandomState) -> np.ndarray:
        clip_len = self.clip_len
        if num_frames < clip_len:
            start = rng.randint(0, num_frames)
            return np.arange(start, start + clip_len)
        if num_frames < 2 * clip_len:  # spread the surplus frames as single skips
            skips = np.zeros(clip_len + 1, dtype=np.int64)
            skips[rng.choice(clip_len + 1, num_frames - clip_len, replace=False)] = 1
            return np.arange(clip_len) + np.cumsum(skips)[:-1]
        bounds = np.arange(clip_len + 1) * num_frames // clip_len
        return bounds[:-1] + rng.randint(np.diff(bounds))

    def sample(self, num_frames: int, test_mode: bool) -> np.ndarray:
        """Frame indices [num_clips * clip_len] for a sequence of ``num_frames`` frames."""
        if num_frames < 1:
            raise ValueError('cannot sample frames from an empty sequence (total_frames=0)')
        rng = np.random.RandomState(self.seed) if test_mode else np.random
        clips = []
        for _ in range(self.num_clips):
            length, offset = num_frames, 0
            low, high = self.p_interval
            if test_mode and low == high < 1:  # centred crop
                offset = min(int((1 - low) * num_frames / 2), (num_frames - 1) // 2)
                length = num_frames - 2 * offset
            elif not test_mode and self.p_interval != (1.0, 1.0):
                length = max(1, int((rng.rand() * (high - low) + low) * num_frames))
                offset = rng.randint(num_frames - length + 1)
            clips.append(self._one_clip(length, rng) + offset)
        return np.mod(np.concatenate(clips), num_frames)

    def transform(self, results: dict) -> dict:
        inds = self.sample(results['total_frames'], results.get('test_mode', False))
        results.update(frame_inds=inds.astype(np.int64), clip_len=self.clip_len,
                       num_clips=self.num_clips, frame_interval=None)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(clip_len={self.clip_len}, num_clips={self.num_clips}, '
                f'p_interval={self.p_interval}, seed={self.seed})')


@TRANSFORMS.register_module()
class PoseDecode(BaseTransform):
    """Take the frames named by ``frame_inds`` from ``keypoint`` and ``keypoint_score``.

    Required keys: ``keypoint`` [M, T, V, C], ``frame_inds``. Modified keys: ``keypoint``
    [M, len(frame_inds), V, C], ``keypoint_score``.
    """

    def transform(self, results: dict) -> dict:
        inds = results.get('frame_inds')
        if inds is None:
            inds = np.arange(results['keypoint'].shape[1])
        for key in ('keypoint', 'keypoint_score'):
            if key in results:
                results[key] = results[key][:, inds].astype(np.float32)
        return results
