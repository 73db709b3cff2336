"""Skeleton feature streams: joint, bone, joint motion and bone motion."""
from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS
from mmskel.structures.layouts import Layout, get_layout

FEATS = ('j', 'b', 'jm', 'bm')


def joint_to_bone(joints: np.ndarray, parents: Sequence[int], has_score: bool) -> np.ndarray:
    """Bone vectors ``joint[v] - joint[parent[v]]`` (zero at the root).

    Args:
        joints (np.ndarray): [M, T, V, C]; with ``has_score`` the last channel is a confidence.
        parents (Sequence[int]): Parent of each joint.
        has_score (bool): Keep a score channel, the mean of the two joints' scores.

    Returns:
        np.ndarray: [M, T, V, C].
    """
    parents = np.asarray(parents)
    bones = joints - joints[..., parents, :]
    if has_score:
        bones[..., -1] = (joints[..., -1] + joints[..., parents, -1]) / 2
    return bones


def to_motion(data: np.ndarray, has_score: bool) -> np.ndarray:
    """Frame differences ``x[t + 1] - x[t]`` along T (zero for the last frame).

    Args:
        data (np.ndarray): [M, T, V, C].
        has_score (bool): The last channel is a confidence: keep the mean of the two frames'.
    """
    motion = np.diff(data, axis=1, append=data[:, -1:])
    if has_score:
        motion[:, :-1, :, -1] = (data[:, :-1, :, -1] + data[:, 1:, :, -1]) / 2
    return motion


@TRANSFORMS.register_module()
class GenSkeFeat(BaseTransform):
    """Turn joints into one or more feature streams, concatenated along the channel axis.

    ``j`` joints, ``b`` bones, ``jm`` joint motion, ``bm`` bone motion. With 2D poses and a
    ``keypoint_score``, the score is appended as a channel first (as pyskl does).

    Required keys: ``keypoint`` [M, T, V, C]. Modified keys: ``keypoint`` [M, T, V, C * len(feats)].

    Args:
        layout (str | dict): Skeleton layout (name or custom dict). Defaults to ``'nturgb+d'``.
        feats (Sequence[str]): Streams, in output order. Defaults to ``('j',)``.
        bone_convention (str): ``'tree'`` (mmskel, bones along the graph) or ``'pyskl'``
            (pyskl/mmaction2's bone table, for their checkpoints). Defaults to ``'tree'``.
    """

    def __init__(self, layout: Union[str, dict, Layout] = 'nturgb+d',
                 feats: Sequence[str] = ('j',), bone_convention: str = 'tree') -> None:
        unknown = [f for f in feats if f not in FEATS]
        if unknown or not feats:
            raise ValueError(f'feats must be a non-empty subset of {FEATS}, got {list(feats)}')
        self.layout = get_layout(layout)
        self.feats = tuple(feats)
        self.bone_convention = bone_convention
        self.parents = self.layout.bone_parents(bone_convention)

    def transform(self, results: dict) -> dict:
        joints = results['keypoint'].astype(np.float32)
        if joints.shape[2] != self.layout.num_joints:
            raise ValueError(f"sample {results.get('frame_dir', '?')!r}: keypoint has "
                             f'{joints.shape[2]} joints, layout {self.layout.name!r} has '
                             f'{self.layout.num_joints}')
        has_score = 'keypoint_score' in results and joints.shape[-1] == 2
        if has_score:
            joints = np.concatenate([joints, results.pop('keypoint_score')[..., None]], -1)
        streams = {'j': joints}
        if 'b' in self.feats or 'bm' in self.feats:
            streams['b'] = joint_to_bone(joints, self.parents, has_score)
        if 'jm' in self.feats:
            streams['jm'] = to_motion(joints, has_score)
        if 'bm' in self.feats:
            streams['bm'] = to_motion(streams['b'], has_score)
        results['keypoint'] = np.concatenate([streams[f] for f in self.feats], axis=-1)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(layout={self.layout.name!r}, feats={list(self.feats)}, '
                f'bone_convention={self.bone_convention!r})')
