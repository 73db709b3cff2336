"""Does a layout fit the data? Two checks that catch joints stored in another order.

The joint count says nothing about the order: two 20-joint data sets may number their joints
differently, and a wrong order trains silently (a few points worse) and draws scrambled bones.

* **Bone lengths**: a real bone joins two joints of one rigid segment, so its length, relative
  to the body's size in the same frame (the median of that frame's bone lengths, which makes the
  check independent of units, distance to the camera and body size), barely changes. A "bone"
  between two unrelated joints stretches and shrinks as the body moves. The coefficient of
  variation (std / mean) of each bone's relative length over every frame of the set is flagged
  above :data:`BONE_CV_LIMIT`: 0.4 in 3D (real NW-UCLA: at most 0.33, its noisy hand and foot
  tips; the same data with its joints shuffled: 0.43 to 0.48 in 6 of 6 shuffles), 0.5 in 2D,
  where a bone also shortens as it turns towards the camera (NW-UCLA projected to the image:
  0.46 for a shoulder). The check misses a shuffle that keeps neighbours together (left and
  right arm swapped whole), which the head check below and a look at the animation do not
  miss either; it is a warning, not a proof.
* **Head on top**: the layout's head joint (named ``head``, else ``nose``) should be the
  highest joint in most frames (real NW-UCLA: 95%; shuffled: about 1%). "Up" is a convention of
  the data: 3D camera coordinates of Kinect (NTU RGB+D, NW-UCLA) have y up (``'+y'``), 2D image
  coordinates have y down (``'-y'``); those are the defaults for C = 3 and C = 2, and ``up``
  overrides them (e.g. ``'+z'`` for motion capture with z up).

Frames count where every joint of a person is present (non-zero, with a score above 0 where
there are scores).
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

from mmskel.structures.layouts import Layout

BONE_CV_LIMIT = {3: 0.4, 2: 0.5}  # by channels: 2D bones also foreshorten
HEAD_LIMIT = 0.5  # the head must be the highest joint in at least this share of frames
HEAD_NAMES = ('head', 'nose')
UP_AXES = ('+x', '-x', '+y', '-y', '+z', '-z')


def _present_frames(sample: dict) -> np.ndarray:
    """[N, V, C] poses of ``sample`` in which every joint is present."""
    keypoint = np.asarray(sample['keypoint'], dtype=np.float64)  # [M, T, V, C]
    present = np.abs(keypoint).sum(-1) > 0
    if 'keypoint_score' in sample:
        present &= np.asarray(sample['keypoint_score']) > 0
    keep = present.all(-1) & np.isfinite(keypoint).all((-1, -2))
    return keypoint[keep]


def default_up(channels: int) -> str:
    """``'+y'`` for 3D (Kinect camera space), ``'-y'`` for 2D (image rows grow downwards)."""
    return '+y' if channels == 3 else '-y'


def head_joint(layout: Layout) -> Optional[int]:
    """The joint called ``head`` (else ``nose``), or None when the layout has neither."""
    for name in HEAD_NAMES:
        if name in layout.joint_names:
            return layout.joint(name)
    return None


def bone_variation(poses: np.ndarray, layout: Layout) -> Dict[str, float]:
    """Coefficient of variation of each bone's length relative to the frame's median bone.

    Args:
        poses (np.ndarray): [N, V, C] frames with every joint present.
        layout (Layout): Gives the bones (joint -> parent).

    Returns:
        dict: ``'child-parent'`` joint names -> coefficient of variation (empty without frames).
    """
    bones = layout.inward
    if not len(poses) or not bones:
        return {}
    child, parent = np.array(bones).T
    length = np.linalg.norm(poses[:, child] - poses[:, parent], axis=-1)  # [N, B]
    scale = np.median(length, axis=1, keepdims=True)
    relative = length[scale[:, 0] > 0] / scale[scale[:, 0] > 0]
    if not len(relative):
        return {}
    cv = relative.std(0) / np.maximum(relative.mean(0), 1e-12)
    names = layout.joint_names
    return {f'{names[c]}-{names[p]}': float(v) for (c, p), v in zip(bones, cv)}


def head_on_top(poses: np.ndarray, head: int, up: str) -> float:
    """Share of the frames [N, V, C] in which joint ``head`` is the highest along ``up``."""
    if up not in UP_AXES:
        raise ValueError(f'up must be one of {UP_AXES}, got {up!r}')
    axis = 'xyz'.index(up[1])
    if not len(poses) or axis >= poses.shape[-1]:
        raise ValueError(f'up {up!r} needs {axis + 1} coordinates, the data has '
                         f'{poses.shape[-1]}')
    height = poses[..., axis] * (1 if up[0] == '+' else -1)
    return float((height.argmax(-1) == head).mean())


def check_anatomy(samples: Sequence[dict], layout: Layout, up: Optional[str] = None,
                  max_samples: int = 1000) -> Dict:
    """Check that ``layout`` fits the joints of ``samples`` (see the module docstring).

    Args:
        samples (Sequence[dict]): Annotations with ``keypoint`` [M, T, V, C] (and optionally
            ``keypoint_score``), V = ``layout.num_joints``.
        layout (Layout): The layout the data claims.
        up (str, optional): The data's up axis, ``'+y'``, ``'-y'``, ``'+z'``...; defaults to
            :func:`default_up` of the channel count.
        max_samples (int): Use at most this many samples, evenly spread. Defaults to 1000.

    Returns:
        dict: ``layout`` (its name), ``frames`` (frames used), ``bone_cv`` (bone -> value),
        ``worst_bones`` (the three largest), ``head`` (joint name or None), ``up``,
        ``head_on_top`` (share of frames, or None) and ``warnings`` (each says what is wrong
        and what to check; empty when the layout fits).
    """
    step = max(len(samples) // max_samples, 1)
    chosen = [s for s in samples[::step]
              if s.get('keypoint') is not None and s['keypoint'].shape[2] == layout.num_joints]
    poses = [_present_frames(s) for s in chosen]
    poses = np.concatenate(poses) if poses else np.zeros((0, layout.num_joints, 3))
    up = up or default_up(poses.shape[-1])
    bone_cv = bone_variation(poses, layout)
    head = head_joint(layout)
    on_top = head_on_top(poses, head, up) if head is not None and len(poses) else None
    warnings: List[str] = []
    limit = BONE_CV_LIMIT[3 if poses.shape[-1] == 3 else 2]
    wild = {bone: v for bone, v in bone_cv.items() if v > limit}
    if wild:
        listed = ', '.join(f'{b} {v:.2f}' for b, v in sorted(wild.items(), key=lambda x: -x[1]))
        warnings.append(f'bone lengths vary wildly (coefficient of variation > {limit}): '
                        f'{listed}; these joints may not be neighbours: is the joint order '
                        f'that of layout {layout.name!r}?')
    if on_top is not None and on_top < HEAD_LIMIT:
        warnings.append(f'the head joint {layout.joint_names[head]!r} is the highest joint '
                        f'(along {up}) in {on_top:.0%} of frames, expected most: the joint '
                        f'order is not that of layout {layout.name!r}, or up is not {up} '
                        '(--up)')
    if not len(poses):
        warnings.append('no frame has every joint present: nothing to check')
    worst = sorted(bone_cv.items(), key=lambda x: -x[1])[:3]
    return dict(layout=layout.name, frames=int(len(poses)),
                bone_cv={b: round(v, 3) for b, v in bone_cv.items()},
                worst_bones={b: round(v, 3) for b, v in worst},
                head=layout.joint_names[head] if head is not None else None, up=up,
                head_on_top=None if on_top is None else round(on_top, 3), warnings=warnings)
