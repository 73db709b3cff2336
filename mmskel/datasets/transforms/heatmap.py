"""PoseC3D's pseudo heatmaps: a Gaussian per joint or per limb, drawn for all frames at once.

mmaction2 draws each joint of each person in each frame with a Python loop (48 x 17 x persons
calls per clip), which makes its heatmap pipeline, not the GPU, set PoseC3D's training speed.
Here every Gaussian is drawn on its own window of pixels, all windows in one array:

* a joint's Gaussian factorises, ``exp(-dx^2 / 2s^2) * exp(-dy^2 / 2s^2)``, so its window
  [M, T, V, P, P] is the outer product of two 1-D windows of P = floor(6 sigma) + 2 pixels;
* a limb's window is the box around its segment widened by 3 sigma, padded to the largest box
  of the sample; the value is the Gaussian of the distance to the segment.

Windows are maxed into the canvas with one ``np.maximum.at`` (persons overlap). Window bounds,
the 1e-4 score cut and the arithmetic follow mmaction2 1.2.0, so values agree to float32
rounding. The canvas is stored channel-major [C, T, H, W] and returned as the [T, C, H, W] view
mmaction2 returns, so ``FormatShape('NCTHW_Heatmap')`` reorders it without copying.
"""
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS
from mmskel.structures.layouts import Layout, get_layout, mirror_limbs
from .crop import image_shape, pixel_keypoints
from .flip import check_joint_count, flip_pairs, swap_index

EPS = 1e-4  # joints and limbs scored below this are not drawn (mmaction2's eps)


def axis_window(low: np.ndarray, high: np.ndarray, length: int,
                size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Pixels [..., size] of a window starting at ``low`` along one axis, and which of them
    lie in [0, length) and at or below ``high``.

    Args:
        low (np.ndarray): [...] first pixel (may be outside the image).
        high (np.ndarray): [...] last pixel of the window, inclusive.
        length (int): Image size along the axis.
        size (int): Window length, at least ``high - low + 1`` everywhere.
    """
    pixels = low.astype(np.int64)[..., None] + np.arange(size)
    inside = (pixels >= 0) & (pixels < length) & (pixels <= high[..., None])
    return pixels, inside


def scatter_max(canvas: np.ndarray, channel: np.ndarray, frame: np.ndarray, ys: np.ndarray,
                xs: np.ndarray, values: np.ndarray, inside: np.ndarray) -> None:
    """Max ``values`` [..., Py, Px] into ``canvas`` [C, T, H, W] at the windows' pixels.

    ``channel``, ``frame`` are [...]; ``ys`` [..., Py, 1] and ``xs`` [..., 1, Px] pixel indices;
    only the ``inside`` [..., Py, Px] pixels are written.
    """
    _, frames, height, width = canvas.shape
    base = (channel * frames + frame) * height
    flat = ((base[..., None, None] + ys) * width + xs)
    np.maximum.at(canvas.reshape(-1), flat[inside], values[inside])


def draw_keypoints(canvas: np.ndarray, coords: np.ndarray, scores: np.ndarray,
                   sigma: float, first_channel: int = 0) -> None:
    """One Gaussian per joint, maxed over persons, into channels ``first_channel + v``.

    Args:
        canvas (np.ndarray): [C, T', H, W] float32, written in frames [0, T).
        coords (np.ndarray): [M, T, V, 2] float32 pixel coordinates.
        scores (np.ndarray): [M, T, V] peak values; below 1e-4 a joint is not drawn.
        sigma (float): Standard deviation in pixels.
        first_channel (int): Channel of joint 0.
    """
    _, _, height, width = canvas.shape
    persons, frames, joints, _ = coords.shape
    size = int(np.floor(6 * sigma)) + 2
    x, y = coords[..., 0], coords[..., 1]
    xs, x_in = axis_window(np.trunc(x - 3 * sigma), np.trunc(x + 3 * sigma), width, size)
    ys, y_in = axis_window(np.trunc(y - 3 * sigma), np.trunc(y + 3 * sigma), height, size)
    gauss_x = np.exp(-(xs.astype(np.float32) - x[..., None]) ** 2 / 2 / sigma ** 2)
    gauss_y = np.exp(-(ys.astype(np.float32) - y[..., None]) ** 2 / 2 / sigma ** 2)
    values = (scores[..., None, None] * gauss_y[..., :, None]) * gauss_x[..., None, :]
    inside = y_in[..., :, None] & x_in[..., None, :] & (scores >= EPS)[..., None, None]
    channel = np.broadcast_to(first_channel + np.arange(joints), coords.shape[:3])
    frame = np.broadcast_to(np.arange(frames)[:, None], coords.shape[:3])
    scatter_max(canvas, channel, frame, ys[..., :, None], xs[..., None, :], values, inside)


def segment_distance2(px: np.ndarray, py: np.ndarray, start: np.ndarray, end: np.ndarray,
                      length2: np.ndarray) -> np.ndarray:
    """Squared distance [..., Py, Px] of pixels to segments, as mmaction2 computes it.

    Args:
        px (np.ndarray): [..., 1, Px] float32 x of the pixels; ``py`` [..., Py, 1] their y.
        start (np.ndarray): [..., 2] segment starts; ``end`` [..., 2] their ends.
        length2 (np.ndarray): [...] squared segment lengths (> 0).
    """
    sx, sy = start[..., 0, None, None], start[..., 1, None, None]
    ex, ey = end[..., 0, None, None], end[..., 1, None, None]
    to_start = (px - sx) ** 2 + (py - sy) ** 2
    to_end = (px - ex) ** 2 + (py - ey) ** 2
    ratio = (to_start - to_end + length2[..., None, None]) / 2. / length2[..., None, None]
    to_line = (px - (sx + ratio * (ex - sx))) ** 2 + (py - (sy + ratio * (ey - sy))) ** 2
    return np.where(ratio <= 0, to_start, np.where(ratio >= 1, to_end, to_line))


def limb_box(start: np.ndarray, end: np.ndarray, sigma: float, length: int, axis: int):
    """First and last pixel [...] of each limb's window along ``axis``, clipped to the image."""
    low = np.trunc(np.minimum(start[..., axis], end[..., axis]) - 3 * sigma)
    high = np.trunc(np.maximum(start[..., axis], end[..., axis]) + 3 * sigma)
    return np.maximum(low, 0), np.minimum(high, length - 1)


def draw_limbs(canvas: np.ndarray, coords: np.ndarray, scores: np.ndarray, sigma: float,
               limbs: Sequence[Sequence[int]], first_channel: int = 0) -> None:
    """One channel per limb: the Gaussian of each pixel's distance to the segment, scaled by the
    lower score of its two joints, maxed over persons. A limb shorter than one pixel is drawn
    as its start joint's Gaussian with the start joint's score (mmaction2's rule).

    Args:
        canvas (np.ndarray): [C, T', H, W] float32, written in frames [0, T).
        coords (np.ndarray): [M, T, V, 2] float32 pixel coordinates.
        scores (np.ndarray): [M, T, V] joint scores.
        sigma (float): Standard deviation in pixels.
        limbs (Sequence[tuple[int, int]]): L joint pairs (start, end).
        first_channel (int): Channel of limb 0.
    """
    _, _, height, width = canvas.shape
    limbs = np.asarray(limbs, dtype=np.int64).reshape(-1, 2)
    start, end = coords[:, :, limbs[:, 0]], coords[:, :, limbs[:, 1]]  # [M, T, L, 2]
    length2 = (start[..., 0] - end[..., 0]) ** 2 + (start[..., 1] - end[..., 1]) ** 2
    short = length2 < 1
    value = np.where(short, scores[:, :, limbs[:, 0]],
                     np.minimum(scores[:, :, limbs[:, 0]], scores[:, :, limbs[:, 1]]))
    drawn = np.minimum(scores[:, :, limbs[:, 0]], scores[:, :, limbs[:, 1]]) >= EPS
    x_low, x_high = limb_box(start, end, sigma, width, 0)
    y_low, y_high = limb_box(start, end, sigma, height, 1)
    size_x = int(max(1, (x_high - x_low + 1)[drawn].max(initial=1)))
    size_y = int(max(1, (y_high - y_low + 1)[drawn].max(initial=1)))
    xs, x_in = axis_window(x_low, x_high, width, size_x)
    ys, y_in = axis_window(y_low, y_high, height, size_y)
    px, py = xs.astype(np.float32)[..., None, :], ys.astype(np.float32)[..., :, None]
    distance2 = segment_distance2(px, py, start, end, np.where(short, 1, length2))
    # a short limb: its start joint's own window and Gaussian
    sx, sy = start[..., 0], start[..., 1]
    near_x = (xs >= np.trunc(sx - 3 * sigma)[..., None]) & (xs <= np.trunc(sx + 3 * sigma)[
        ..., None])
    near_y = (ys >= np.trunc(sy - 3 * sigma)[..., None]) & (ys <= np.trunc(sy + 3 * sigma)[
        ..., None])
    to_start = (px - sx[..., None, None]) ** 2 + (py - sy[..., None, None]) ** 2
    short4 = short[..., None, None]
    distance2 = np.where(short4, to_start, distance2)
    inside = y_in[..., :, None] & x_in[..., None, :] & drawn[..., None, None]
    inside &= ~short4 | (near_y[..., :, None] & near_x[..., None, :])
    values = np.exp(-distance2 / 2. / sigma ** 2) * value[..., None, None]
    channel = np.broadcast_to(first_channel + np.arange(len(limbs)), value.shape)
    frame = np.broadcast_to(np.arange(coords.shape[1])[:, None], value.shape)
    scatter_max(canvas, channel, frame, ys[..., :, None], xs[..., None, :], values, inside)


@TRANSFORMS.register_module()
class GeneratePoseTarget(BaseTransform):
    """Pseudo heatmaps of 2D keypoints: one channel per joint and/or per limb (PoseC3D).

    A joint is ``score * exp(-((x - mu_x)^2 + (y - mu_y)^2) / (2 sigma^2))`` on the pixels
    within 3 sigma of it (mmaction2's window), a limb ``min(score_a, score_b) * exp(-d^2 /
    (2 sigma^2))`` with ``d`` the distance to the segment a-b; persons are combined by their
    maximum. ``double`` appends the mirror image of every frame (pixels x -> W - 1 - x, left
    and right channels swapped) after the frames, for flip testing.

    Left/right joints come from the layout's ``flip_pairs`` and left/right limbs from the
    mirror of each limb under them; ``left_kp``/``right_kp``/``left_limb``/``right_limb``
    (mmaction2's arguments) override them. With both ``with_kp`` and ``with_limb`` the
    channels are the V joints, then the L limbs (mmaction2 1.2.0 draws the limbs over the first
    L joint channels instead).

    Required keys: ``keypoint`` [M, T, V, C] in pixels, ``img_shape``; ``keypoint_score``
    [M, T, V] with ``use_score``. Added keys: ``imgs`` [T, K, H, W] float32 (``[2T, K, H, W]``
    with ``double``; ``heatmap_imgs`` where ``imgs`` exists), K = V and/or L channels, H, W =
    ``img_shape`` times ``scaling``.

    Args:
        sigma (float): Standard deviation of the Gaussians in pixels. Defaults to 0.6.
        use_score (bool): Scale each Gaussian by the joint's score. Defaults to True.
        with_kp (bool): Draw joint heatmaps. Defaults to True.
        with_limb (bool): Draw limb heatmaps. Defaults to False.
        skeletons (Sequence[tuple[int, int]], optional): Limbs as joint pairs; defaults to the
            layout's ``heatmap_limbs`` (for ``coco``, the 17 limbs of the upstream configs).
        double (bool): Append the flipped copy. Defaults to False.
        layout (str | dict | Layout): Layout of the keypoints. Defaults to ``'coco'``.
        left_kp, right_kp (Sequence[int], optional): Joints swapped by ``double``.
        left_limb, right_limb (Sequence[int], optional): Limbs swapped by ``double``.
        scaling (float): Factor from ``img_shape`` and keypoints to the heatmap size.
            Defaults to 1.

    Example:
        >>> import numpy as np
        >>> sample = dict(keypoint=np.full((1, 1, 17, 2), 20, np.float32),
        ...               keypoint_score=np.ones((1, 1, 17), np.float32), img_shape=(40, 40))
        >>> GeneratePoseTarget()(sample)['imgs'].shape
        (1, 17, 40, 40)
    """

    def __init__(self, sigma: float = 0.6, use_score: bool = True, with_kp: bool = True,
                 with_limb: bool = False, skeletons: Optional[Sequence[Sequence[int]]] = None,
                 double: bool = False, layout: Union[str, dict, Layout] = 'coco',
                 left_kp: Optional[Sequence[int]] = None, right_kp: Optional[Sequence[int]] = None,
                 left_limb: Optional[Sequence[int]] = None,
                 right_limb: Optional[Sequence[int]] = None, scaling: float = 1.) -> None:
        if not (with_kp or with_limb):
            raise ValueError('GeneratePoseTarget: with_kp or with_limb must be True')
        if sigma <= 0 or scaling <= 0:
            raise ValueError(f'GeneratePoseTarget: sigma and scaling must be positive, got '
                             f'{sigma}, {scaling}')
        self.sigma, self.use_score, self.scaling = sigma, use_score, scaling
        self.with_kp, self.with_limb, self.double, self.layout = with_kp, with_limb, double, layout
        self.skeletons = tuple(tuple(limb) for limb in (
            get_layout(layout).heatmap_limbs if skeletons is None else skeletons))
        self.explicit = left_kp is not None or right_kp is not None
        self.joint_pairs = self.limb_pairs = ()
        if double:
            self.joint_pairs = flip_pairs(type(self).__name__, layout, left_kp, right_kp)
        if double and with_limb:
            self.limb_pairs = self.mirror_pairs(left_limb, right_limb)

    def mirror_pairs(self, left_limb, right_limb) -> list:
        """(left, right) limb pairs: given, or each limb with the limb between its flipped
        joints."""
        if left_limb is not None or right_limb is not None:
            return flip_pairs(type(self).__name__, None, left_limb, right_limb, 'limb')
        size = 1 + max(max(map(max, self.skeletons)), max(map(max, self.joint_pairs)))
        index = mirror_limbs(self.skeletons, swap_index(self.joint_pairs, size, 'joint'))
        return [(i, j) for i, j in enumerate(index) if i < j]

    def inputs(self, results: dict) -> Tuple[np.ndarray, np.ndarray]:
        """Checked ``keypoint`` [M, T, V, C] and the peak values [M, T, V] float32."""
        name = type(self).__name__
        keypoint = pixel_keypoints(results, name)
        if not self.use_score:
            return keypoint, np.ones(keypoint.shape[:3], np.float32)
        if 'keypoint_score' not in results:
            raise KeyError(f'{name}(use_score=True) needs "keypoint_score" [M, T, V]; set '
                           'use_score=False for keypoints without scores')
        scores = results['keypoint_score']
        if scores.shape != keypoint.shape[:3]:
            raise ValueError(f'{name}: "keypoint_score" has shape {scores.shape}, expected '
                             f'{keypoint.shape[:3]} to match "keypoint" {keypoint.shape}')
        if self.with_limb and max(map(max, self.skeletons)) >= keypoint.shape[2]:
            raise ValueError(f'{name}: a limb of {self.skeletons} names a joint beyond the '
                             f'{keypoint.shape[2]} joints of "keypoint"')
        return keypoint, scores.astype(np.float32)

    def flip_channels(self, joints: int) -> np.ndarray:
        """Channel permutation of the mirror image."""
        index = []
        if self.with_kp:
            index.append(swap_index(self.joint_pairs, joints, 'joint'))
        if self.with_limb:
            index.append(swap_index(self.limb_pairs, len(self.skeletons), 'limb') +
                         (joints if self.with_kp else 0))
        return np.concatenate(index)

    def draw(self, canvas: np.ndarray, coords: np.ndarray, scores: np.ndarray) -> None:
        """Draw joints, then limbs, of coords [M, T, V, 2] into canvas [K, T', H, W]."""
        if self.with_kp:
            draw_keypoints(canvas, coords, scores, self.sigma)
        if self.with_limb:
            draw_limbs(canvas, coords, scores, self.sigma, self.skeletons,
                       coords.shape[2] * self.with_kp)

    def transform(self, results: dict) -> dict:
        keypoint, scores = self.inputs(results)
        height, width = image_shape(results, type(self).__name__)
        height, width = int(height * self.scaling + 0.5), int(width * self.scaling + 0.5)
        coords = keypoint[..., :2].astype(np.float32)
        coords *= self.scaling
        _, frames, joints, _ = keypoint.shape
        channels = joints * self.with_kp + len(self.skeletons) * self.with_limb
        canvas = np.zeros((channels, frames * (1 + self.double), height, width), np.float32)
        self.draw(canvas, coords, scores)
        if self.double:
            check_joint_count(type(self).__name__, keypoint, self.layout, self.explicit)
            # one slice copy per channel: half the time of a fancy-indexed copy, and
            # np.take(out=...) into this strided half is 30 times slower
            for channel, source in enumerate(self.flip_channels(joints)):
                canvas[channel, frames:] = canvas[source, :frames, :, ::-1]
        results['heatmap_imgs' if 'imgs' in results else 'imgs'] = canvas.transpose(1, 0, 2, 3)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(sigma={self.sigma}, use_score={self.use_score}, '
                f'with_kp={self.with_kp}, with_limb={self.with_limb}, '
                f'skeletons={self.skeletons}, double={self.double}, '
                f'joint_pairs={self.joint_pairs}, limb_pairs={self.limb_pairs}, '
                f'scaling={self.scaling})')
