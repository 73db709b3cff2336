"""Skeleton animation with matplotlib: any layout, 2D or 3D, several persons, GIF or MP4.

Bones are drawn from the layout's ``parents`` table (``structures/layouts.py``), so a custom
layout dict draws without a code edit. 3D keypoints are shown with their second axis (Kinect's
``y``, up) vertical; 2D keypoints are image coordinates (``y`` grows downwards).
"""
import os.path as osp
import shutil
import tempfile
from typing import Optional, Sequence, Union

import numpy as np

from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils import atomic_open

# one colour per person (matplotlib's tab10), cycled beyond ten persons
PERSON_COLORS = ('tab:blue', 'tab:orange', 'tab:green', 'tab:red', 'tab:purple', 'tab:brown',
                 'tab:pink', 'tab:gray', 'tab:olive', 'tab:cyan')
WRITERS = {'.gif': 'pillow', '.mp4': 'ffmpeg'}


def _as_persons(keypoint: np.ndarray, keypoint_score: Optional[np.ndarray]):
    """[T, V, C] or [M, T, V, C] -> float [M, T, V, C] and a visibility mask [M, T, V]."""
    keypoint = np.asarray(keypoint, dtype=np.float64)
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
    if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3):
        raise ValueError('keypoint must be [T, V, C] or [M, T, V, C] with C = 2 or 3, got shape '
                         f'{tuple(keypoint.shape)}')
    if not np.isfinite(keypoint).all():
        raise ValueError('keypoint contains NaN or inf values')
    visible = np.abs(keypoint).sum(-1) > 0  # all-zero joints are padding (absent persons)
    if keypoint_score is not None:
        score = np.asarray(keypoint_score, dtype=np.float64)
        score = score[None] if score.ndim == 2 else score
        if score.shape != keypoint.shape[:3]:
            raise ValueError(f'keypoint_score must have shape {keypoint.shape[:3]} to match '
                             f'keypoint, got {tuple(score.shape)}')
        visible &= score > 0
    return keypoint, visible


def _limits(points: np.ndarray) -> np.ndarray:
    """[N, C] visible points -> [C, 2] axis limits of one equal-sided box around them."""
    if len(points) == 0:
        return np.array([[-1.0, 1.0]] * points.shape[1])
    low, high = points.min(0), points.max(0)
    centre, half = (low + high) / 2, max((high - low).max() / 2, 1e-6) * 1.1
    return np.stack([centre - half, centre + half], 1)


def animate_skeleton(keypoint: np.ndarray, layout: Union[str, dict, Layout],
                     out_file: str = 'skeleton.gif', title: str = '', fps: int = 10,
                     keypoint_score: Optional[np.ndarray] = None, size: float = 4.0,
                     dpi: int = 80, person_colors: Sequence[str] = PERSON_COLORS) -> int:
    """Animate a skeleton sequence and write it as a GIF or MP4, one frame per input frame.

    Args:
        keypoint (np.ndarray): [T, V, C] or [M, T, V, C] joints, C = 2 (image x, y) or 3
            (x, y up, z). All-zero joints (padding) are not drawn.
        layout (str | dict | Layout): Skeleton layout for the bones: a built-in name, a custom
            layout dict or a Layout. Required: the joint count does not tell the joint order
            (two 20-joint layouts may order their joints differently).
        out_file (str): ``.gif`` (Pillow) or ``.mp4`` (ffmpeg, which must be installed).
        title (str): Title shown above every frame, e.g. the label and the prediction; the
            frame number is added below it.
        fps (int): Frames per second. Defaults to 10.
        keypoint_score (np.ndarray, optional): [M, T, V] (or [T, V]); joints scoring 0 are
            hidden.
        size (float): Figure side in inches. Defaults to 4.
        dpi (int): Dots per inch. Defaults to 80, so a 320 x 320 image.
        person_colors (Sequence[str]): Matplotlib colours, one per person, cycled.

    Returns:
        int: The number of frames written (T).

    Example:
        >>> import numpy as np
        >>> animate_skeleton(np.random.rand(1, 8, 20, 3), 'nw-ucla', '/tmp/walk.gif', 'walk')
        8
    """
    suffix = osp.splitext(out_file)[1].lower()
    if suffix not in WRITERS:
        raise ValueError(f'{out_file}: the output must end in .gif or .mp4, got {suffix!r}')
    if fps <= 0:
        raise ValueError(f'fps must be positive, got {fps}')
    keypoint, visible = _as_persons(keypoint, keypoint_score)
    num_persons, num_frames, num_joints, channels = keypoint.shape
    if layout is None:
        raise ValueError('animate_skeleton needs a layout (a built-in name, a layout dict or a '
                         'Layout): the joint count does not tell the joint order')
    layout = get_layout(layout)
    if layout.num_joints != num_joints:
        raise ValueError(f'layout {layout.name!r} has {layout.num_joints} joints but keypoint '
                         f'has {num_joints} (shape {tuple(keypoint.shape)})')
    if num_frames == 0:
        raise ValueError('keypoint has no frames')

    from matplotlib import animation
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    animation_writer(out_file)  # before drawing: refuses a writer that is not installed
    is_3d = channels == 3
    # draw 3D with y (up in Kinect and mocap coordinates) on matplotlib's vertical axis
    axes_order = [0, 2, 1] if is_3d else [0, 1]
    points = keypoint[..., axes_order]
    limits = _limits(points[visible])
    bones = layout.inward

    fig = Figure(figsize=(size, size), dpi=dpi)
    if is_3d:
        ax = fig.add_subplot(projection='3d')
        ax.set_zlim(*limits[2])
        ax.set_xlabel('x'), ax.set_ylabel('z'), ax.set_zlabel('y')
    else:
        ax = fig.add_subplot()
        ax.set_aspect('equal')
        ax.set_xlabel('x'), ax.set_ylabel('y')
    ax.set_xlim(*limits[0])
    ax.set_ylim(*(limits[1] if is_3d else limits[1][::-1]))  # image y grows downwards
    heading = fig.suptitle('', fontsize=9)
    artists = []
    for m in range(num_persons):
        color = person_colors[m % len(person_colors)]
        lines = [ax.plot(*([[]] * len(axes_order)), color=color, lw=2)[0] for _ in bones]
        joints = ax.plot(*([[]] * len(axes_order)), 'o', color=color, ms=3)[0]
        artists.append((lines, joints))

    def draw(t: int):
        for m, (lines, joints) in enumerate(artists):
            frame, seen = points[m, t], visible[m, t]
            for line, (child, parent) in zip(lines, bones):
                xyz = frame[[child, parent]].T if seen[child] and seen[parent] else [[]] * len(
                    axes_order)
                line.set_data(xyz[0], xyz[1])
                if is_3d:
                    line.set_3d_properties(xyz[2])
            shown = frame[seen].T
            joints.set_data(shown[0], shown[1])
            if is_3d:
                joints.set_3d_properties(shown[2])
        heading.set_text(f'{title}\nframe {t + 1}/{num_frames}' if title
                         else f'frame {t + 1}/{num_frames}')
        return []

    anim = animation.FuncAnimation(fig, draw, frames=num_frames, interval=1000 / fps,
                                   blit=False, repeat=False)
    save_animation(anim, out_file, fps, dpi)
    return num_frames


def animation_writer(out_file: str):
    """The matplotlib writer class for ``out_file``'s suffix: Pillow for .gif, ffmpeg for .mp4
    (a RuntimeError where it is not installed)."""
    from matplotlib import animation

    suffix = osp.splitext(out_file)[1].lower()
    if suffix not in WRITERS:
        raise ValueError(f'{out_file}: an animation must end in .gif or .mp4, got {suffix!r}')
    name = WRITERS[suffix]
    if not animation.writers.is_available(name):
        raise RuntimeError(f'{out_file}: writing {suffix} needs {name}, which is not available '
                           '(install ffmpeg, e.g. `apt-get install ffmpeg`, or write a .gif)')
    return animation.writers[name]


def save_animation(anim, out_file: str, fps: int, dpi: int) -> None:
    """Save a matplotlib animation to ``out_file`` (.gif or .mp4) atomically."""
    writer = animation_writer(out_file)(fps=fps)
    # the writers need a real path with the right suffix; the result then reaches out_file
    # atomically
    with tempfile.TemporaryDirectory() as folder:
        tmp = osp.join(folder, f'animation{osp.splitext(out_file)[1].lower()}')
        anim.save(tmp, writer=writer, dpi=dpi)
        with open(tmp, 'rb') as src, atomic_open(out_file, 'wb') as dst:
            shutil.copyfileobj(src, dst)
