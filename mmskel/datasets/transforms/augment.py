"""Random geometric augmentation of skeletons, for training pipelines.

Each transform changes ``keypoint`` [M, T, V, C] (C = 2 or 3) of the whole sample at once, so
the motion within a sequence is kept; joints that are all zero (an absent person, padding) stay
zero. Place them after normalisation and before :class:`GenSkeFeat`, so bones and motion are
computed from the augmented joints. Randomness comes from numpy's global generator, which
training seeds for each sample from (seed, epoch, sample index)
(:class:`mmskel.engine.randomness.SeededPipeline`), so a resumed run draws the same.
"""
from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS


def _present(keypoint: np.ndarray) -> np.ndarray:
    """[M, T, V, 1] mask of the joints that are not all zero."""
    return (np.abs(keypoint).sum(-1, keepdims=True) > 0).astype(keypoint.dtype)


def rotation_matrix(angles: Sequence[float]) -> np.ndarray:
    """``Rz @ Ry @ Rx`` for angles (x, y, z) in radians: [3, 3]; one angle gives the [2, 2]
    in-plane rotation."""
    if len(angles) == 1:
        cos, sin = np.cos(angles[0]), np.sin(angles[0])
        return np.array([[cos, -sin], [sin, cos]])
    (cx, cy, cz), (sx, sy, sz) = np.cos(angles), np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


class _WholeSampleAugment(BaseTransform):
    """Checks ``keypoint`` [M, T, V, C], C = 2 or 3, and replaces it by :meth:`augment`'s."""

    def augment(self, keypoint: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def transform(self, results: dict) -> dict:
        keypoint = results['keypoint'].astype(np.float32)
        if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3):
            raise ValueError(f'{type(self).__name__} expects keypoint [M, T, V, C] with C = 2 or '
                             f'3, got shape {keypoint.shape}')
        results['keypoint'] = self.augment(keypoint)
        return results

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v}' for k, v in vars(self).items())
        return f'{type(self).__name__}({args})'


def _at_least_zero(owner: str, name: str, value: float) -> float:
    if value < 0:
        raise ValueError(f'{owner}: {name} must be >= 0, got {value}')
    return value


@TRANSFORMS.register_module()
class RandomRot(_WholeSampleAugment):
    """Rotate the whole sample by random angles drawn uniformly from ``[-theta, theta]``.

    3D: one angle about each of x, y and z (``Rz @ Ry @ Rx``; with one ``theta`` for all axes,
    the distribution of CTR-GCN's NTU ``random_rot``); 2D: one in-plane angle (about z). Lengths
    of bones and distances between persons are kept.

    Required and modified keys: ``keypoint``.

    Args:
        theta (float | Sequence[float]): Largest angle in radians, one for all axes or one per
            axis (x, y, z); e.g. ``(pi / 3, pi / 3, 0)`` turns about x and y only, as CTR-GCN's
            NW-UCLA feeder does. Defaults to 0.3.
    """

    def __init__(self, theta: Union[float, Sequence[float]] = 0.3) -> None:
        if np.ndim(theta) and len(theta) != 3:
            raise ValueError(f'RandomRot: theta must be one angle or three (x, y, z), got {theta}')
        thetas = np.broadcast_to(np.asarray(theta, dtype=np.float64), (3,))
        for value in thetas:
            _at_least_zero('RandomRot', 'theta', float(value))
        self.theta = theta
        self._thetas = thetas

    def augment(self, keypoint: np.ndarray) -> np.ndarray:
        bounds = self._thetas if keypoint.shape[-1] == 3 else self._thetas[2:]
        rotation = rotation_matrix(np.random.uniform(-bounds, bounds))
        return keypoint @ rotation.T.astype(np.float32)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(theta={self.theta})'


@TRANSFORMS.register_module()
class RandomScale(_WholeSampleAugment):
    """Scale each axis of the whole sample by ``1 + u``, u uniform in ``[-scale, scale]``.

    Required and modified keys: ``keypoint``.

    Args:
        scale (float | Sequence[float]): Largest relative change, one for all axes or one per
            axis. Defaults to 0.1.
    """

    def __init__(self, scale: Union[float, Sequence[float]] = 0.1) -> None:
        self.scale = scale

    def augment(self, keypoint: np.ndarray) -> np.ndarray:
        scale = np.broadcast_to(np.asarray(self.scale, dtype=np.float32), keypoint.shape[-1:])
        return keypoint * (1 + np.random.uniform(-scale, scale)).astype(np.float32)


@TRANSFORMS.register_module()
class RandomGaussianNoise(_WholeSampleAugment):
    """Add independent Gaussian noise of standard deviation ``sigma`` to every present joint
    (all-zero joints stay zero).

    Required and modified keys: ``keypoint``.

    Args:
        sigma (float): Standard deviation, in the units of the (normalised) coordinates.
            Defaults to 0.01.
    """

    def __init__(self, sigma: float = 0.01) -> None:
        self.sigma = _at_least_zero('RandomGaussianNoise', 'sigma', sigma)

    def augment(self, keypoint: np.ndarray) -> np.ndarray:
        noise = np.random.normal(0, self.sigma, keypoint.shape).astype(np.float32)
        return keypoint + noise * _present(keypoint)
