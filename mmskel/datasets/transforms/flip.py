"""Horizontal flip of 2D pixel keypoints, with left and right swapped by the layout table."""
from typing import List, Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS
from mmskel.structures.layouts import Layout, get_layout
from .crop import image_shape, pixel_keypoints


def swap_index(pairs: Sequence[Sequence[int]], size: int, what: str) -> np.ndarray:
    """Permutation [size] that swaps each (left, right) pair of ``pairs``."""
    index = np.arange(size)
    for left, right in pairs:
        if not (0 <= left < size and 0 <= right < size):
            raise ValueError(f'{what} pair ({left}, {right}) is out of range for {size} {what}s')
        index[left], index[right] = right, left
    return index


def flip_pairs(name: str, layout: Union[str, dict, Layout, None],
               left: Optional[Sequence[int]], right: Optional[Sequence[int]],
               what: str = 'joint') -> List[tuple]:
    """The (left, right) pairs a flip swaps: ``left``/``right`` where given (mmaction2's
    ``left_kp``/``right_kp``), else the layout's ``flip_pairs``."""
    if left is not None or right is not None:
        if left is None or right is None or len(left) != len(right):
            raise ValueError(f'{name}: left and right {what} lists must be given together and '
                             f'be of equal length, got {left} and {right}')
        return list(zip(left, right))
    table = get_layout(layout)
    if not table.flip_pairs:
        raise ValueError(f'{name}: layout {table.name!r} has no flip_pairs, so a horizontal '
                         'flip cannot swap left and right; add flip_pairs to the layout')
    return list(table.flip_pairs)


def check_joint_count(name: str, keypoint: np.ndarray, layout, explicit: bool) -> None:
    """A layout's flip pairs only fit keypoints with the layout's joint count."""
    if explicit:
        return
    table = get_layout(layout)
    if keypoint.shape[2] != table.num_joints:
        raise ValueError(f'{name}: "keypoint" has {keypoint.shape[2]} joints but layout '
                         f'{table.name!r} has {table.num_joints}; pass the layout of the data')


@TRANSFORMS.register_module()
class Flip(BaseTransform):
    """Mirror keypoints left to right with probability ``flip_ratio``, swapping left and right.

    x becomes ``width - x`` for present coordinates (absent ones, at 0, stay 0), as mmaction2's
    ``Flip`` does; joints then swap with their mirror joints (``keypoint_score`` too). The draw
    ``np.random.rand() < flip_ratio`` uses numpy's global generator (in training seeded per
    sample, see :class:`mmskel.engine.randomness.SeededPipeline`).

    Required keys: ``keypoint`` [M, T, V, C], ``img_shape``; ``keypoint_score`` [M, T, V]
    (optional). Modified keys: ``keypoint``, ``keypoint_score``. Added keys: ``flip``,
    ``flip_direction``.

    Args:
        flip_ratio (float): Probability of a flip. Defaults to 0.5.
        layout (str | dict | Layout): Layout whose ``flip_pairs`` are swapped.
            Defaults to ``'coco'`` (the 17 keypoints of PoseC3D's 2D pickles).
        left_kp (Sequence[int], optional): Left joints, instead of the layout's pairs (to run
            mmaction2 configs); with ``right_kp``.
        right_kp (Sequence[int], optional): Their right partners.
    """

    def __init__(self, flip_ratio: float = 0.5, layout: Union[str, dict, Layout] = 'coco',
                 left_kp: Optional[Sequence[int]] = None,
                 right_kp: Optional[Sequence[int]] = None) -> None:
        if not 0 <= flip_ratio <= 1:
            raise ValueError(f'Flip: flip_ratio must be in [0, 1], got {flip_ratio}')
        self.flip_ratio, self.layout = flip_ratio, layout
        self.explicit = left_kp is not None or right_kp is not None
        self.pairs = flip_pairs('Flip', layout, left_kp, right_kp)

    def transform(self, results: dict) -> dict:
        flip = np.random.rand() < self.flip_ratio
        results['flip'], results['flip_direction'] = flip, 'horizontal'
        if not flip:
            return results
        width = image_shape(results, 'Flip')[1]
        keypoint = pixel_keypoints(results, 'Flip')
        check_joint_count('Flip', keypoint, self.layout, self.explicit)
        index = swap_index(self.pairs, keypoint.shape[2], 'joint')
        keypoint = keypoint[:, :, index]  # a copy: the input is not changed
        x = keypoint[..., 0]
        x[x != 0] = width - x[x != 0]
        results['keypoint'] = keypoint
        if 'keypoint_score' in results:
            results['keypoint_score'] = results['keypoint_score'][:, :, index]
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(flip_ratio={self.flip_ratio}, pairs={self.pairs})'
