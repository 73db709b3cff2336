"""Pose heatmap volumes drawn beside their skeleton, as a heatmap (PoseC3D) pipeline makes them.

Each frame of a clip is two panels of the same pixel frame, the one the heatmaps are drawn on
(after the pose box crop and resize): the skeleton (keypoints and the layout's bones; the joints
the heatmaps draw, i.e. scored >= 1e-4) and the heatmaps, their maximum over channels or one
channel (a joint or limb, highlighted in red on the skeleton). ``tools/misc/vis_heatmap.py`` is
the command line.
"""
import os.path as osp
import random
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

from mmskel.datasets.transforms.heatmap import EPS, GeneratePoseTarget
from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils import atomic_open
from .skeleton import PERSON_COLORS, animation_writer, save_animation

DPI = 100
MARGIN = 8  # pixels around and between the panels
TITLE = 56  # pixels above the panels: three lines of 9-point text
ROW_LABEL = 16  # pixels above each row of a .png: its frame number
HIGHLIGHT = 'red'  # the chosen channel's joint or limb on the skeleton


@dataclass
class HeatmapClip:
    """One clip of a sample as the pipeline leaves it after ``GeneratePoseTarget``.

    Attributes:
        frame_dir (str): The sample's id.
        title (str): The sample's id and label, for the figure.
        heatmaps (np.ndarray): float32 [T, K, H, W], the clip's heatmaps.
        keypoint (np.ndarray): [M, T, V, 2] the keypoints in the heatmaps' pixel frame.
        drawn (np.ndarray): bool [M, T, V], the joints the heatmaps draw.
        channels (list[str]): The K channel names: joints, then limbs ('a-b').
        limbs (list[tuple[int, int]]): The joint pairs of the limb channels (none without).
        num_joint_channels (int): How many of the channels are joints (V or 0).
        layout (Layout): The keypoints' layout.
        num_clips (int): How many clips the pipeline makes of the sample.
    """
    frame_dir: str
    title: str
    heatmaps: np.ndarray
    keypoint: np.ndarray
    drawn: np.ndarray
    channels: List[str]
    limbs: List[Tuple[int, int]]
    num_joint_channels: int
    layout: Layout
    num_clips: int


def heatmap_step(dataset) -> int:
    """Position of the ``GeneratePoseTarget`` step in a dataset's pipeline."""
    for position, transform in enumerate(dataset.pipeline.transforms):
        if isinstance(transform, GeneratePoseTarget):
            return position
    raise ValueError('not a heatmap pipeline: it has no GeneratePoseTarget step')


def channel_names(target: GeneratePoseTarget, layout: Layout) -> List[str]:
    names = list(layout.joint_names) if target.with_kp else []
    if target.with_limb:
        names += [f'{layout.joint_names[a]}-{layout.joint_names[b]}' for a, b in target.skeletons]
    return names


def heatmap_clip(dataset, position: int, clip: int = 0, seed: int = 0) -> HeatmapClip:
    """Run sample ``position`` of ``dataset`` through its pipeline up to the heatmap step; the
    ``clip``-th clip of what it draws (the flipped copy of ``double`` is not shown). The random
    steps (a train pipeline's crop and flip) draw from generators seeded with ``seed``."""
    random.seed(seed)  # the random crop draws from Python's and numpy's generators
    np.random.seed(seed)
    data = dataset.get_data_info(position)
    frame_dir = data['frame_dir']
    transforms = dataset.pipeline.transforms
    step = heatmap_step(dataset)
    for transform in transforms[:step + 1]:
        data = transform(data)
    target = transforms[step]
    layout = get_layout(target.layout)
    clip_len, num_clips = data.get('clip_len', data['keypoint'].shape[1]), data.get('num_clips', 1)
    if not 0 <= clip < num_clips:
        raise ValueError(f'clip {clip}: the pipeline makes {num_clips} clip(s) of this sample '
                         f'(0..{num_clips - 1})')
    frames = slice(clip * clip_len, (clip + 1) * clip_len)
    keypoint = data['keypoint'][:, frames, :, :2]
    drawn = np.ones(keypoint.shape[:3], bool)
    if target.use_score:
        drawn = data['keypoint_score'][:, frames] >= EPS
    classes = dataset.metainfo.get('classes')
    label = int(data['label'])
    name = f'{classes[label]} ({label})' if classes and 0 <= label < len(classes) else str(label)
    limbs = [tuple(limb) for limb in target.skeletons] if target.with_limb else []
    heatmaps = data['heatmap_imgs' if 'heatmap_imgs' in data else 'imgs']  # beside RGB: 'imgs'
    return HeatmapClip(frame_dir=frame_dir, title=f'{frame_dir}  label: {name}',
                       heatmaps=heatmaps[frames], keypoint=keypoint, drawn=drawn,
                       channels=channel_names(target, layout), limbs=limbs,
                       num_joint_channels=layout.num_joints if target.with_kp else 0,
                       layout=layout, num_clips=num_clips)


def panel_boxes(height: int, width: int, zoom: int,
                rows: int = 1) -> Tuple[Tuple[int, int], List[tuple]]:
    """Image size (width, height) and, per row, the (left, top, right, bottom) pixel boxes of
    its skeleton and heatmap panels; heatmap pixel (x, y) covers ``zoom`` x ``zoom`` screen
    pixels from (left + zoom x, top + zoom y). A single row (an animation frame) has no row
    label."""
    panel_w, panel_h = width * zoom, height * zoom
    boxes, top = [], TITLE
    for _ in range(rows):
        top += ROW_LABEL if rows > 1 else 0
        boxes.append(((MARGIN, top, MARGIN + panel_w, top + panel_h),
                      (2 * MARGIN + panel_w, top, 2 * MARGIN + 2 * panel_w, top + panel_h)))
        top += panel_h + MARGIN
    return (3 * MARGIN + 2 * panel_w, top), boxes


def add_axes(fig, box: tuple, size: Tuple[int, int], height: int, width: int):
    """Axes on pixel ``box`` whose data coordinates are the heatmap's pixels."""
    left, top, right, bottom = box
    ax = fig.add_axes((left / size[0], 1 - bottom / size[1], (right - left) / size[0],
                       (bottom - top) / size[1]))
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)  # image rows grow downwards
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


class FramePanels:
    """The skeleton and heatmap panels of one row, redrawn for each frame."""

    def __init__(self, fig, boxes: tuple, size: Tuple[int, int], clip: HeatmapClip,
                 channel: Optional[int]) -> None:
        self.clip, self.channel = clip, channel
        height, width = clip.heatmaps.shape[2:]
        skeleton = add_axes(fig, boxes[0], size, height, width)
        heat_ax = add_axes(fig, boxes[1], size, height, width)
        self.image = heat_ax.imshow(np.zeros((height, width), np.float32), cmap='inferno',
                                    vmin=0, vmax=max(1.0, float(clip.heatmaps.max())),
                                    interpolation='nearest', aspect='auto',
                                    extent=(-0.5, width - 0.5, height - 0.5, -0.5))
        self.persons = []
        for m in range(clip.keypoint.shape[0]):
            color = PERSON_COLORS[m % len(PERSON_COLORS)]
            lines = [skeleton.plot([], [], color=color, lw=2)[0] for _ in clip.layout.inward]
            self.persons.append((lines, skeleton.plot([], [], 'o', color=color, ms=3)[0]))
        self.highlight = (skeleton.plot([], [], 'o-', color=HIGHLIGHT, lw=3, ms=6)[0]
                          if channel is not None else None)

    def highlighted(self) -> Tuple[int, ...]:
        """The joints of the chosen channel: one joint, or a limb's two."""
        if self.channel < self.clip.num_joint_channels:
            return (self.channel,)
        return self.clip.limbs[self.channel - self.clip.num_joint_channels]

    def draw(self, t: int) -> None:
        heatmaps = self.clip.heatmaps[t]
        self.image.set_data(heatmaps.max(0) if self.channel is None else heatmaps[self.channel])
        for m, (lines, joints) in enumerate(self.persons):
            points, drawn = self.clip.keypoint[m, t], self.clip.drawn[m, t]
            for line, (child, parent) in zip(lines, self.clip.layout.inward):
                both = drawn[child] and drawn[parent]
                line.set_data(*(points[[child, parent]].T if both else ([], [])))
            joints.set_data(*points[drawn].T)
        if self.highlight is not None:
            # the person whose channel peak is highest: persons combine by maximum
            joints = list(self.highlighted())
            shown = self.clip.drawn[:, t, joints].all(1)
            if shown.any():
                self.highlight.set_data(*self.clip.keypoint[int(np.argmax(shown)), t, joints].T)
            else:
                self.highlight.set_data([], [])


def render_heatmaps(clip: HeatmapClip, out_file: str, channel: Optional[int],
                    frames: List[int], zoom: int, fps: int, subtitle: str) -> None:
    """Write the panels of ``frames`` of ``clip`` (the max over channels, or ``channel``) to
    ``out_file``: one animation frame each (.gif, .mp4), or one row each (.png); ``zoom`` screen
    pixels a heatmap pixel."""
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    suffix = osp.splitext(out_file)[1].lower()
    still = suffix == '.png'
    if not still:
        animation_writer(out_file)  # before drawing: refuses a suffix or writer it lacks
    height, width = clip.heatmaps.shape[2:]
    size, boxes = panel_boxes(height, width, zoom, len(frames) if still else 1)
    fig = Figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI)
    heading = fig.text(0.5, 1 - 4 / size[1], '', ha='center', va='top', fontsize=9)
    rows = [FramePanels(fig, row, size, clip, channel) for row in boxes]
    total = clip.heatmaps.shape[0]
    if still:
        heading.set_text(f'{clip.title}\n{subtitle}')
        for row, box, t in zip(rows, boxes, frames):
            row.draw(t)
            fig.text(MARGIN / size[0], 1 - (box[0][1] - 2) / size[1], f'frame {t + 1}/{total}',
                     fontsize=8, va='bottom')
        with atomic_open(out_file, 'wb') as f:
            fig.savefig(f, format='png', dpi=DPI)
        return

    from matplotlib import animation

    def draw(k: int):
        rows[0].draw(frames[k])
        heading.set_text(f'{clip.title}\n{subtitle}\nframe {frames[k] + 1}/{total}')
        return []

    anim = animation.FuncAnimation(fig, draw, frames=len(frames), interval=1000 / fps,
                                   blit=False, repeat=False)
    save_animation(anim, out_file, fps, DPI)
