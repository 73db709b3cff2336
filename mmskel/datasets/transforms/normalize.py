"""Whole-sequence normalisation of skeletons before sampling."""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS
from mmskel.structures.layouts import get_layout


def _rotation_to(vector: np.ndarray, target: Sequence[float]) -> np.ndarray:
    """Rotation matrix [3, 3] that turns ``vector``'s direction onto ``target``'s (Rodrigues)."""
    target = np.asarray(target, dtype=np.float64)
    norm = np.linalg.norm(vector)
    if norm < 1e-6:
        return np.eye(3)
    v = vector / norm
    axis = np.cross(v, target)
    sin, cos = np.linalg.norm(axis), float(np.dot(v, target))
    if sin < 1e-8:  # parallel already, or opposite: turn half a circle about any normal axis
        if cos > 0:
            return np.eye(3)
        normal = np.cross(v, [1.0, 0, 0] if abs(v[0]) < 0.9 else [0, 1.0, 0])
        normal /= np.linalg.norm(normal)
        return 2 * np.outer(normal, normal) - np.eye(3)
    k = axis / sin
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + sin * kx + (1 - cos) * kx @ kx


def _nonzero_frames(person: np.ndarray) -> np.ndarray:
    """Indices of frames [T, V, C] in which the person has any non-zero joint."""
    return np.flatnonzero(np.abs(person).reshape(person.shape[0], -1).sum(-1) > 1e-6)


def _joints_of(layout, zaxis, xaxis, center_joint, align_spine: bool, align_center: bool):
    """(zaxis, xaxis, center_joint) from ``layout``'s named roles where not given; a role the
    transform needs and the layout lacks is an error naming both."""
    table = get_layout(layout)

    def role(name: str, given, needed: bool):
        value = getattr(table, name)
        if given is not None or not needed:
            return given
        if not value:
            raise ValueError(f'PreNormalize3D: layout {table.name!r} names no {name} joints; '
                             f'give them as indices or add {name}=... to the layout')
        return table.joint(value) if isinstance(value, str) else tuple(map(table.joint, value))

    return (role('spine', zaxis, align_spine), role('shoulders', xaxis, align_spine),
            role('body_center', center_joint, align_center))


@TRANSFORMS.register_module()
class PreNormalize3D(BaseTransform):
    """Centre and rotate 3D skeletons to a canonical view (pyskl's ``PreNormalize3D``).

    Drops frames in which the main person is absent (the person present in more frames is made
    person 0), moves ``center_joint`` of the first frame to the origin, then rotates the spine
    (``zaxis`` joints) onto +z and then the shoulders (right minus left ``xaxis`` joint) onto +x.
    As in pyskl, the second rotation tilts the spine off +z unless the shoulders are
    perpendicular to it.

    Required keys: ``keypoint`` [M, T, V, 3]. Modified keys: ``keypoint``, ``total_frames``.
    Added keys: ``body_center``.

    Args:
        layout (str | dict, optional): Take the joints by name from the layout table
            (its ``body_center``, ``spine`` and ``shoulders``, see
            :mod:`mmskel.structures.layouts`); the arguments below override it.
        zaxis (tuple[int, int], optional): Joints (bottom, top) aligned with +z. Without a
            layout, pyskl's (0, 1): spine base and spine middle of ``nturgb+d``.
        xaxis (tuple[int, int], optional): Joints (right, left): right - left is aligned with
            +x. Without a layout, pyskl's (8, 4).
        center_joint (int, optional): Joint moved to the origin; without a layout, 1 for
            25-joint skeletons (pyskl) and the last joint otherwise.
        align_spine (bool): Rotate. Defaults to True.
        align_center (bool): Translate. Defaults to True.
    """

    def __init__(self, layout: Optional[Union[str, dict]] = None,
                 zaxis: Optional[Tuple[int, int]] = None,
                 xaxis: Optional[Tuple[int, int]] = None, center_joint: Optional[int] = None,
                 align_spine: bool = True, align_center: bool = True) -> None:
        if layout is not None:
            zaxis, xaxis, center_joint = _joints_of(layout, zaxis, xaxis, center_joint,
                                                    align_spine, align_center)
        self.zaxis = tuple(zaxis) if zaxis is not None else (0, 1)
        self.xaxis = tuple(xaxis) if xaxis is not None else (8, 4)
        self.center_joint = center_joint
        self.align_spine, self.align_center = align_spine, align_center

    def transform(self, results: dict) -> dict:
        skeleton = results['keypoint'].astype(np.float32)
        if not np.abs(skeleton).sum():
            return results
        frames = [_nonzero_frames(person) for person in skeleton]
        main = int(np.argmax([len(f) for f in frames]))
        order = [main] + [m for m in range(len(skeleton)) if m != main]
        skeleton = skeleton[order][:, frames[main]]
        center = np.zeros(3, dtype=np.float32)
        if self.align_center:
            joint = self.center_joint
            if joint is None:
                joint = 1 if skeleton.shape[2] == 25 else skeleton.shape[2] - 1
            center = skeleton[0, 0, joint].copy()
            mask = (np.abs(skeleton).sum(-1, keepdims=True) > 0)
            skeleton = (skeleton - center) * mask
        if self.align_spine:
            # as pyskl: spine top - bottom onto +z, then right - left shoulder onto +x
            for (tail, head), target in ((self.zaxis, (0, 0, 1)), (self.xaxis[::-1], (1, 0, 0))):
                rotation = _rotation_to(skeleton[0, 0, head] - skeleton[0, 0, tail], target)
                skeleton = skeleton @ rotation.T.astype(np.float32)
        results['keypoint'] = skeleton
        results['total_frames'] = skeleton.shape[1]
        results['body_center'] = center
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(zaxis={self.zaxis}, xaxis={self.xaxis}, '
                f'align_spine={self.align_spine}, align_center={self.align_center})')


@TRANSFORMS.register_module()
class PreNormalize2D(BaseTransform):
    """Map 2D pixel coordinates to [-1, 1] by the image size (pyskl's ``PreNormalize2D``).

    Required keys: ``keypoint`` [M, T, V, 2]; uses ``img_shape`` (h, w) when present.

    Args:
        img_shape (tuple[int, int]): (height, width) used when a sample has no ``img_shape``.
    """

    def __init__(self, img_shape: Tuple[int, int] = (1080, 1920)) -> None:
        self.img_shape = tuple(img_shape)

    def transform(self, results: dict) -> dict:
        h, w = results.get('img_shape', self.img_shape)
        keypoint = results['keypoint'].astype(np.float32)
        half = np.array([w / 2, h / 2], dtype=np.float32)
        keypoint[..., :2] = (keypoint[..., :2] - half) / half
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(img_shape={self.img_shape})'


@TRANSFORMS.register_module()
class MinMaxNormalize(BaseTransform):
    """Map each coordinate axis of the whole sample linearly onto ``[low, high]`` by its
    minimum and maximum over the present joints of all frames and persons (CTR-GCN's NW-UCLA
    feeder: ``[-1, 1]`` after centring). All-zero (absent) joints stay zero; an axis with no
    extent is left where it is.

    Required and modified keys: ``keypoint`` [M, T, V, C].

    Args:
        low (float): Lower end. Defaults to -1.
        high (float): Upper end. Defaults to 1.
    """

    def __init__(self, low: float = -1., high: float = 1.) -> None:
        if not low < high:
            raise ValueError(f'MinMaxNormalize: low must be < high, got {low}, {high}')
        self.low, self.high = low, high

    def transform(self, results: dict) -> dict:
        keypoint = results['keypoint'].astype(np.float32)
        present = np.abs(keypoint).sum(-1) > 0
        if not present.any():
            return results
        points = keypoint[present]  # [P, C]
        lo, hi = points.min(0), points.max(0)
        extent = np.where(hi > lo, hi - lo, 1).astype(np.float32)
        scaled = np.where(hi > lo, (points - lo) / extent * (self.high - self.low) + self.low,
                          points)
        keypoint[present] = scaled
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(low={self.low}, high={self.high})'
