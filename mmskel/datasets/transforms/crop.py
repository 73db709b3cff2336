"""Geometry of 2D pixel keypoints for heatmap models (PoseC3D): compact box, resize and crops.

There are no images: each transform moves ``keypoint`` [M, T, V, C] (x, y in pixels in the first
two channels) and updates ``img_shape`` (height, width), the canvas the heatmaps are drawn on.
The arithmetic follows mmaction2 1.2.0 step by step, in the same numpy types (a crop subtracts
integer offsets, which makes float32 keypoints float64, as there), so that the same input gives
the same heatmaps; ``crop_quadruple`` (x, y, w, h as fractions of the original frame) records
the region kept, as mmaction2's does.
"""
import random
from typing import Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.datasets.io import NORMALISED_LIMIT, looks_normalised
from mmskel.registry import TRANSFORMS


def image_shape(results: dict, name: str) -> Tuple[int, int]:
    """The sample's ``img_shape`` (height, width), or an error saying who needs it."""
    if 'img_shape' not in results:
        raise KeyError(f'{name} needs "img_shape" (height, width): the size of the frames whose '
                       'pixels "keypoint" is given in')
    height, width = results['img_shape']
    return height, width


def pixel_keypoints(results: dict, name: str) -> np.ndarray:
    """``keypoint`` [M, T, V, C >= 2], checked to be in pixels of ``img_shape``.

    Coordinates that all lie within 1.5 of 0 (absent joints, at 0, left out) on a frame larger
    than a few pixels are normalised ones (:func:`~mmskel.datasets.io.looks_normalised`).
    """
    if 'keypoint' not in results:
        raise KeyError(f'{name} needs "keypoint" [M, T, V, C] in pixels')
    keypoint = results['keypoint']
    if keypoint.ndim != 4 or keypoint.shape[-1] < 2:
        raise ValueError(f'{name}: "keypoint" must be [M, T, V, C] with x, y first, got shape '
                         f'{keypoint.shape}')
    height, width = image_shape(results, name)
    if looks_normalised(keypoint, (height, width)):
        raise ValueError(f'{name}: "keypoint" looks normalised (every non-zero coordinate lies '
                         f'in [-{NORMALISED_LIMIT}, {NORMALISED_LIMIT}]) but img_shape '
                         f'{(height, width)} asks for pixels; give '
                         'pixel coordinates (no PreNormalize2D before the heatmap transforms)')
    return keypoint


def with_xy(keypoint: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """``keypoint`` [..., C] with its first two channels replaced by ``xy`` [..., 2]."""
    if keypoint.shape[-1] == 2:
        return xy
    return np.concatenate([xy, keypoint[..., 2:].astype(xy.dtype)], axis=-1)


def combine_quadruple(old: Sequence[float], new: Sequence[float]) -> Tuple[float, ...]:
    """The region ``new`` (x, y, w, h, fractions of ``old``) as fractions of the full frame."""
    return old[0] + old[2] * new[0], old[1] + old[3] * new[1], old[2] * new[2], old[3] * new[3]


@TRANSFORMS.register_module()
class PoseCompact(BaseTransform):
    """Shrink the canvas to the box around all present keypoints, widened by ``padding``.

    The box spans the non-zero x and y coordinates of all persons and frames; its half sizes are
    scaled by ``1 + padding`` about its centre, then grown to the height/width ratio
    ``hw_ratio``. Keypoints move into the box (absent ones, at 0, stay 0); ``img_shape`` becomes
    the box size. NaN coordinates become 0 (absent).

    Required keys: ``keypoint`` [M, T, V, C], ``img_shape``. Modified keys: ``keypoint``,
    ``img_shape``. Added keys: ``crop_quadruple``.

    Args:
        padding (float): Fraction added to the box's width and height. Defaults to 0.25.
        threshold (int): A box narrower or lower than this (pixels) is left alone.
            Defaults to 10.
        hw_ratio (float | tuple[float, float], optional): Minimum height/width ratio, and with
            a pair (low, high) the box is widened until height/width <= high. Defaults to None.
        allow_imgpad (bool): Let the box reach outside the frame. Defaults to True.
    """

    def __init__(self, padding: float = 0.25, threshold: int = 10,
                 hw_ratio: Union[float, Sequence[float], None] = None,
                 allow_imgpad: bool = True) -> None:
        if padding < 0:
            raise ValueError(f'PoseCompact: padding must be >= 0, got {padding}')
        if isinstance(hw_ratio, (int, float)):
            hw_ratio = (hw_ratio, hw_ratio)
        self.padding, self.threshold, self.allow_imgpad = padding, threshold, allow_imgpad
        self.hw_ratio = None if hw_ratio is None else tuple(hw_ratio)

    def box(self, x: np.ndarray, y: np.ndarray, height: int, width: int) -> Tuple[int, ...]:
        """(left, top, right, bottom) in pixels, or None where the keypoints span too little."""
        min_x, max_x = np.min(x[x != 0], initial=np.inf), np.max(x[x != 0], initial=-np.inf)
        min_y, max_y = np.min(y[y != 0], initial=np.inf), np.max(y[y != 0], initial=-np.inf)
        if max_x - min_x < self.threshold or max_y - min_y < self.threshold:
            return None
        center = ((max_x + min_x) / 2, (max_y + min_y) / 2)
        half_width = (max_x - min_x) / 2 * (1 + self.padding)
        half_height = (max_y - min_y) / 2 * (1 + self.padding)
        if self.hw_ratio is not None:
            half_height = max(self.hw_ratio[0] * half_width, half_height)
            half_width = max(1 / self.hw_ratio[1] * half_height, half_width)
        left, right = center[0] - half_width, center[0] + half_width
        top, bottom = center[1] - half_height, center[1] + half_height
        if not self.allow_imgpad:
            left, top, right, bottom = max(0, left), max(0, top), min(width, right), \
                min(height, bottom)
        return int(left), int(top), int(right), int(bottom)

    def transform(self, results: dict) -> dict:
        height, width = image_shape(results, 'PoseCompact')
        keypoint = np.array(pixel_keypoints(results, 'PoseCompact'))  # a copy
        keypoint[np.isnan(keypoint)] = 0
        results['keypoint'] = keypoint
        x, y = keypoint[..., 0], keypoint[..., 1]
        box = self.box(x, y, height, width)
        if box is None:
            return results
        left, top, right, bottom = box
        x[x != 0] -= left
        y[y != 0] -= top
        results['img_shape'] = (bottom - top, right - left)
        results['crop_quadruple'] = combine_quadruple(
            results.get('crop_quadruple', (0., 0., 1., 1.)),
            (left / width, top / height, (right - left) / width, (bottom - top) / height))
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(padding={self.padding}, threshold={self.threshold}, '
                f'hw_ratio={self.hw_ratio}, allow_imgpad={self.allow_imgpad})')


def rescale_size(width: int, height: int, scale: Union[float, Tuple[float, float]]):
    """(new width, new height): ``width, height`` times a factor, or scaled as large as fits in
    ``scale`` (long edge, short edge) keeping the ratio (mmcv's ``rescale_size``)."""
    if isinstance(scale, tuple):
        factor = min(max(scale) / max(height, width), min(scale) / min(height, width))
    else:
        factor = scale
    return int(width * float(factor) + 0.5), int(height * float(factor) + 0.5)


@TRANSFORMS.register_module()
class Resize(BaseTransform):
    """Scale the canvas and the keypoints with it.

    Required keys: ``keypoint`` [M, T, V, C], ``img_shape``. Modified keys: ``keypoint``,
    ``img_shape``, ``scale_factor`` (x, y, accumulated). Added keys: ``keep_ratio``.

    Args:
        scale (float | tuple[int, int]): With ``keep_ratio``: a factor, or (long, short) edge
            limits the canvas is scaled to fill, where -1 means no limit: ``(-1, 64)`` makes
            the short side 64. Without ``keep_ratio``: the new (width, height).
        keep_ratio (bool): Keep the height/width ratio. Defaults to True.
    """

    def __init__(self, scale: Union[float, Sequence[int]], keep_ratio: bool = True) -> None:
        if isinstance(scale, (int, float)) and not isinstance(scale, bool):
            if scale <= 0:
                raise ValueError(f'Resize: a scale factor must be positive, got {scale}')
            scale = float(scale)
        elif isinstance(scale, (tuple, list)) and len(scale) == 2:
            scale = tuple(scale)
            if min(scale) == -1:
                scale = (np.inf, max(scale))
        else:
            raise TypeError(f'Resize: scale must be a factor or a pair of sizes, got {scale!r}')
        if not keep_ratio and not isinstance(scale, tuple):
            raise ValueError('Resize: keep_ratio=False needs scale=(width, height)')
        self.scale, self.keep_ratio = scale, keep_ratio

    def transform(self, results: dict) -> dict:
        height, width = image_shape(results, 'Resize')
        keypoint = pixel_keypoints(results, 'Resize')
        if self.keep_ratio:
            new_width, new_height = rescale_size(width, height, self.scale)
        else:
            new_width, new_height = self.scale
        factor = np.array([new_width / width, new_height / height], dtype=np.float32)
        results['img_shape'] = (new_height, new_width)
        results['keep_ratio'] = self.keep_ratio
        results['scale_factor'] = results.get('scale_factor',
                                              np.array([1, 1], dtype=np.float32)) * factor
        results['keypoint'] = with_xy(keypoint, keypoint[..., :2] * factor)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale={self.scale}, keep_ratio={self.keep_ratio})'


def crop(results: dict, name: str, left: int, top: int, right: int, bottom: int) -> dict:
    """Keep the pixels [left, right) x [top, bottom) of the canvas: keypoints move by
    (left, top), ``img_shape`` becomes the box size, ``crop_quadruple`` and ``crop_bbox``
    record it."""
    height, width = image_shape(results, name)
    keypoint = pixel_keypoints(results, name)
    new_height, new_width = bottom - top, right - left
    old = results.get('crop_quadruple', np.array([0, 0, 1, 1], dtype=np.float32))
    results['crop_quadruple'] = np.array(combine_quadruple(
        old, (left / width, top / height, new_width / width, new_height / height)),
        dtype=np.float32)
    results['crop_bbox'] = np.array([left, top, right, bottom])
    results['img_shape'] = (new_height, new_width)
    results['keypoint'] = with_xy(keypoint, keypoint[..., :2] - results['crop_bbox'][:2])
    return results


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """Crop a random box of random area and aspect ratio (Inception-style).

    Ten candidates are drawn at once (areas uniform in ``area_range`` of the canvas, width /
    height log-uniform in ``aspect_ratio_range``); the first that fits is placed at a random
    position, else the centred square is taken. The draws come from numpy's global generator
    and the position from Python's ``random``, in mmaction2's order, so that the same seeds
    give mmaction2's crop (in training both are seeded per sample, see
    :class:`mmskel.engine.randomness.SeededPipeline`).

    Required keys: ``keypoint``, ``img_shape``. Modified keys: ``keypoint``, ``img_shape``.
    Added keys: ``crop_bbox``, ``crop_quadruple``.

    Args:
        area_range (tuple[float, float]): Area of the crop as a fraction of the canvas.
            Defaults to (0.08, 1.0).
        aspect_ratio_range (tuple[float, float]): Width/height of the crop.
            Defaults to (3/4, 4/3).
    """

    attempts = 10

    def __init__(self, area_range: Tuple[float, float] = (0.08, 1.0),
                 aspect_ratio_range: Tuple[float, float] = (3 / 4, 4 / 3)) -> None:
        if not 0 < area_range[0] <= area_range[1] <= 1:
            raise ValueError(f'RandomResizedCrop: area_range must satisfy 0 < low <= high <= 1, '
                             f'got {area_range}')
        if not 0 < aspect_ratio_range[0] <= aspect_ratio_range[1]:
            raise ValueError('RandomResizedCrop: aspect_ratio_range must satisfy '
                             f'0 < low <= high, got {aspect_ratio_range}')
        self.area_range = tuple(area_range)
        self.aspect_ratio_range = tuple(aspect_ratio_range)

    def crop_box(self, height: int, width: int) -> Tuple[int, int, int, int]:
        """A random (left, top, right, bottom) inside a ``height`` x ``width`` canvas."""
        low, high = np.log(self.aspect_ratio_range[0]), np.log(self.aspect_ratio_range[1])
        ratios = np.exp(np.random.uniform(low, high, size=self.attempts))
        areas = np.random.uniform(*self.area_range, size=self.attempts) * height * width
        widths = np.round(np.sqrt(areas * ratios)).astype(np.int32)
        heights = np.round(np.sqrt(areas / ratios)).astype(np.int32)
        for crop_width, crop_height in zip(widths, heights):
            if crop_height <= height and crop_width <= width:
                left = random.randint(0, width - crop_width)
                top = random.randint(0, height - crop_height)
                return left, top, left + crop_width, top + crop_height
        size = min(height, width)
        left, top = (width - size) // 2, (height - size) // 2
        return left, top, left + size, top + size

    def transform(self, results: dict) -> dict:
        height, width = image_shape(results, 'RandomResizedCrop')
        return crop(results, 'RandomResizedCrop', *self.crop_box(height, width))

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(area_range={self.area_range}, '
                f'aspect_ratio_range={self.aspect_ratio_range})')


@TRANSFORMS.register_module()
class CenterCrop(BaseTransform):
    """Crop the centre ``crop_size`` of the canvas.

    Required keys: ``keypoint``, ``img_shape``. Modified keys: ``keypoint``, ``img_shape``.
    Added keys: ``crop_bbox``, ``crop_quadruple``.

    Args:
        crop_size (int | tuple[int, int]): Side of a square crop, or (width, height).
    """

    def __init__(self, crop_size: Union[int, Sequence[int]]) -> None:
        size = (crop_size, crop_size) if isinstance(crop_size, int) else tuple(crop_size)
        if len(size) != 2 or not all(isinstance(s, int) and s > 0 for s in size):
            raise TypeError(f'CenterCrop: crop_size must be a positive int or (width, height), '
                            f'got {crop_size!r}')
        self.crop_size = size

    def transform(self, results: dict) -> dict:
        height, width = image_shape(results, 'CenterCrop')
        crop_width, crop_height = self.crop_size
        left, top = (width - crop_width) // 2, (height - crop_height) // 2
        return crop(results, 'CenterCrop', left, top, left + crop_width, top + crop_height)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(crop_size={self.crop_size})'
