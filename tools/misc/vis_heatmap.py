"""Render a sample's pose heatmap volume beside its skeleton, as a heatmap config draws it.

The sample goes through the config's test pipeline (or ``--pipeline train|val``) up to its
``GeneratePoseTarget`` step; each frame of one clip is drawn as two panels of the same pixel
frame, the one the heatmaps are drawn on (after the pose box crop and resize): the skeleton
(keypoints and the layout's bones; the joints the heatmaps draw, i.e. scored >= 1e-4) and the
heatmaps, their maximum over channels or one ``--channel`` (a joint or limb, highlighted in red
on the skeleton). ``.gif``/``.mp4`` write one frame per clip frame; ``.png`` one row per frame of
``--frames``.

Example::

    python tools/misc/vis_heatmap.py configs/skeleton/posec3d/x3d_shallow_nwucla_xview_keypoint.py \
        data/nwucla/nwucla_2danno.pkl --id a01_s01_e01_v03 --out heatmap.gif
"""
import argparse
import os.path as osp
import random
import shutil
import tempfile
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import DictAction

from mmskel.apis.inference import load_model_config
from mmskel.datasets.pose_dataset import pass_layout, pass_num_classes
from mmskel.datasets.transforms.heatmap import EPS, GeneratePoseTarget
from mmskel.registry import DATASETS
from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils import atomic_open, register_all_modules
from mmskel.visualization.skeleton import PERSON_COLORS, WRITERS

DPI = 100
MARGIN = 8  # pixels around and between the panels
TITLE = 56  # pixels above the panels: three lines of 9-point text
ROW_LABEL = 16  # pixels above each row of a .png: its frame number
HIGHLIGHT = 'red'  # the --channel's joint or limb on the skeleton
PNG_FRAMES = 8  # frames a .png shows when --frames is not given


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a heatmap (PoseC3D) config')
    parser.add_argument('pkl', help='annotation pickle of 2D pixel keypoints')
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument('--id', help="the sample's frame_dir")
    which.add_argument('--index', type=int, help="the sample's position in 'annotations'")
    parser.add_argument('--out', default='heatmap.gif', help='.gif, .mp4 (needs ffmpeg) or .png')
    parser.add_argument('--pipeline', choices=('train', 'val', 'test'), default='test',
                        help="whose dataloader's pipeline to run (default: test)")
    parser.add_argument('--clip', type=int, default=0,
                        help='which clip of a multi-clip pipeline, from 0 (default 0)')
    parser.add_argument('--channel', help='a joint or limb channel (index or name, e.g. '
                        'left_hand or left_elbow-left_wrist); default: the max over channels')
    parser.add_argument('--frames', type=int, nargs='+',
                        help=f'frames of the clip to draw, from 0 (default: all; a .png '
                        f'{PNG_FRAMES} evenly spaced)')
    parser.add_argument('--zoom', type=int, help='screen pixels per heatmap pixel '
                        '(default: panels of about 256 pixels)')
    parser.add_argument('--fps', type=int, default=5)
    parser.add_argument('--seed', type=int, default=0,
                        help="seed of the train pipeline's random crop and flip (default 0)")
    parser.add_argument('--trusted', action='store_true',
                        help='load the annotation pickle with the plain unpickler '
                        '(files you trust only)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. clip_len=16')
    return parser.parse_args(argv)


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


def build_dataset(config: str, pkl: str, pipeline: str, trusted: bool,
                  cfg_options: Optional[dict]):
    """The config's ``<pipeline>_dataloader`` dataset over every sample of ``pkl``."""
    cfg = load_model_config(config, cfg_options)
    pass_num_classes(cfg)
    pass_layout(cfg)
    register_all_modules()
    dataset_cfg = cfg[f'{pipeline}_dataloader'].dataset
    while 'dataset' in dataset_cfg:  # a wrapper (RepeatDataset, ...): the dataset inside
        dataset_cfg = dataset_cfg.dataset
    # every sample of the pickle, whatever its split; test_mode makes sampling deterministic
    dataset_cfg.update(ann_file=pkl, split=None, repeat=1, test_mode=pipeline != 'train')
    if trusted:
        dataset_cfg.trusted = True
    try:
        return DATASETS.build(dataset_cfg)
    except (ValueError, KeyError) as e:  # the pickle's format or layout, named by the dataset
        raise SystemExit(f'{config}: {e.args[0] if e.args else e}')


def heatmap_step(dataset, config: str, pipeline: str) -> int:
    """Position of the ``GeneratePoseTarget`` step in the dataset's pipeline."""
    for position, transform in enumerate(dataset.pipeline.transforms):
        if isinstance(transform, GeneratePoseTarget):
            return position
    raise SystemExit(f'{config} is not a heatmap config: its {pipeline} pipeline has no '
                     'GeneratePoseTarget step (tools/misc/vis_skeleton.py draws the keypoints '
                     'a GCN config takes)')


def find_sample(dataset, pkl: str, frame_dir: Optional[str], index: Optional[int]) -> int:
    """Dataset position of the sample named by ``--id`` or ``--index``."""
    count = len(dataset)
    if frame_dir is None:
        if not -count <= index < count:
            raise SystemExit(f'{pkl}: --index {index} is out of range ({count} samples)')
        return index % count
    for position in range(count):
        if dataset.get_data_info(position)['frame_dir'] == frame_dir:
            return position
    raise SystemExit(f'{pkl}: no sample with frame_dir {frame_dir!r} ({count} samples there)')


def channel_names(target: GeneratePoseTarget, layout: Layout) -> List[str]:
    names = list(layout.joint_names) if target.with_kp else []
    if target.with_limb:
        names += [f'{layout.joint_names[a]}-{layout.joint_names[b]}' for a, b in target.skeletons]
    return names


def run_pipeline(dataset, position: int, step: int, clip: int, seed: int) -> HeatmapClip:
    """Run sample ``position`` through the pipeline up to its heatmap step (``step``); the
    ``clip``-th clip of what it draws (the flipped copy of ``double`` is not shown)."""
    random.seed(seed)  # the random crop draws from Python's and numpy's generators
    np.random.seed(seed)
    data = dataset.get_data_info(position)
    frame_dir = data['frame_dir']
    transforms = dataset.pipeline.transforms
    for transform in transforms[:step + 1]:
        data = transform(data)
    target = transforms[step]
    layout = get_layout(target.layout)
    clip_len, num_clips = data.get('clip_len', data['keypoint'].shape[1]), data.get('num_clips', 1)
    if not 0 <= clip < num_clips:
        raise SystemExit(f'--clip {clip}: the pipeline makes {num_clips} clip(s) of sample '
                         f'{frame_dir!r} (0..{num_clips - 1})')
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


def choose_channel(value: Optional[str], names: Sequence[str]) -> Optional[int]:
    """``--channel`` as an index into ``names`` (None: the max over channels)."""
    if value is None:
        return None
    if value.lstrip('-').isdigit() and 0 <= int(value) < len(names):
        return int(value)
    if value in names:
        return list(names).index(value)
    raise SystemExit(f'--channel {value!r}: expected a channel index 0..{len(names) - 1} or '
                     f'one of the channel names {list(names)}')


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


def clip_frames(frames: Optional[Sequence[int]], clip_len: int, still: bool) -> List[int]:
    """The frames to draw: ``--frames``, else all (an animation) or a few evenly spaced."""
    if frames is None:
        if not still:
            return list(range(clip_len))
        return sorted(set(np.linspace(0, clip_len - 1, min(clip_len, PNG_FRAMES)).round()
                          .astype(int).tolist()))
    outside = [t for t in frames if not 0 <= t < clip_len]
    if outside:
        raise SystemExit(f'--frames {outside}: the clip has {clip_len} frames (0..{clip_len - 1})')
    return list(frames)


def render(clip: HeatmapClip, out_file: str, channel: Optional[int], frames: List[int],
           zoom: int, fps: int, subtitle: str) -> None:
    """Write the panels of ``frames``: one animation frame each, or one .png row each."""
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    suffix = osp.splitext(out_file)[1].lower()
    still = suffix == '.png'
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

    writer_name = WRITERS[suffix]
    if not animation.writers.is_available(writer_name):
        raise SystemExit(f'{out_file}: writing {suffix} needs {writer_name}, which is not '
                         'available (install ffmpeg, or write a .gif or .png)')
    anim = animation.FuncAnimation(fig, draw, frames=len(frames), interval=1000 / fps,
                                   blit=False, repeat=False)
    # the writers need a real path with the right suffix; it then reaches out_file atomically
    with tempfile.TemporaryDirectory() as folder:
        tmp = osp.join(folder, f'heatmap{suffix}')
        anim.save(tmp, writer=animation.writers[writer_name](fps=fps), dpi=DPI)
        with open(tmp, 'rb') as src, atomic_open(out_file, 'wb') as dst:
            shutil.copyfileobj(src, dst)


def main(argv=None) -> None:
    args = parse_args(argv)
    suffix = osp.splitext(args.out)[1].lower()
    if suffix not in (*WRITERS, '.png'):
        raise SystemExit(f'--out {args.out}: expected a .gif, .mp4 or .png file')
    if args.fps <= 0 or (args.zoom is not None and args.zoom <= 0):
        raise SystemExit('--fps and --zoom must be positive')
    dataset = build_dataset(args.config, args.pkl, args.pipeline, args.trusted,
                            args.cfg_options)
    step = heatmap_step(dataset, args.config, args.pipeline)
    position = find_sample(dataset, args.pkl, args.id, args.index)
    try:
        clip = run_pipeline(dataset, position, step, args.clip, args.seed)
    except (ValueError, KeyError) as e:
        raise SystemExit(f'{args.pkl}: sample {dataset.get_data_info(position)["frame_dir"]!r}: '
                         f'{e.args[0] if e.args else e}')
    channel = choose_channel(args.channel, clip.channels)
    clip_len, num_channels, height, width = clip.heatmaps.shape
    frames = clip_frames(args.frames, clip_len, suffix == '.png')
    zoom = args.zoom or max(1, round(256 / max(height, width)))
    shown = (f'channel {channel}: {clip.channels[channel]}' if channel is not None
             else f'max over {num_channels} channels')
    where = f'{args.pipeline} pipeline, clip {args.clip + 1}/{clip.num_clips}'
    render(clip, args.out, channel, frames, zoom, args.fps,
           f'{where}, {height} x {width}, {shown}')
    print(f'{clip.frame_dir}: {where}, {len(frames)} of '
          f'{clip_len} frames, {num_channels} channels of {height} x {width}, {shown} '
          f'-> {args.out}')
    print(clip.title)


if __name__ == '__main__':
    main()
