"""Render a sample's pose heatmap volume beside its skeleton, as a heatmap config draws it.

The sample goes through the config's test pipeline (or ``--pipeline train|val``) up to its
``GeneratePoseTarget`` step; each frame of one clip is drawn as two panels of the same pixel
frame (``mmskel.visualization.heatmap``): the skeleton and the heatmaps, their maximum over
channels or one ``--channel`` (a joint or limb, highlighted in red on the skeleton).
``.gif``/``.mp4`` write one frame per clip frame; ``.png`` one row per frame of ``--frames``.

Example::

    python tools/misc/vis_heatmap.py configs/skeleton/posec3d/x3d_shallow_nwucla_xview_keypoint.py \
        data/nwucla/nwucla_2danno.pkl --id a01_s01_e01_v03 --out heatmap.gif
"""
import argparse
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine.config import DictAction

from mmskel.apis.inference import load_model_config
from mmskel.datasets.pose_dataset import pass_layout, pass_num_classes
from mmskel.registry import DATASETS
from mmskel.utils import register_all_modules
from mmskel.visualization.heatmap import heatmap_clip, heatmap_step, render_heatmaps
from mmskel.visualization.skeleton import WRITERS

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


def main(argv=None) -> None:
    args = parse_args(argv)
    suffix = osp.splitext(args.out)[1].lower()
    if suffix not in (*WRITERS, '.png'):
        raise SystemExit(f'--out {args.out}: expected a .gif, .mp4 or .png file')
    if args.fps <= 0 or (args.zoom is not None and args.zoom <= 0):
        raise SystemExit('--fps and --zoom must be positive')
    dataset = build_dataset(args.config, args.pkl, args.pipeline, args.trusted,
                            args.cfg_options)
    try:
        heatmap_step(dataset)
    except ValueError:
        raise SystemExit(f'{args.config} is not a heatmap config: its {args.pipeline} pipeline '
                         'has no GeneratePoseTarget step (tools/misc/vis_skeleton.py draws the '
                         'keypoints a GCN config takes)')
    position = find_sample(dataset, args.pkl, args.id, args.index)
    try:
        clip = heatmap_clip(dataset, position, args.clip, args.seed)
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
    try:
        render_heatmaps(clip, args.out, channel, frames, zoom, args.fps,
                        f'{where}, {height} x {width}, {shown}')
    except RuntimeError as e:  # no writer for the suffix
        raise SystemExit(str(e))
    print(f'{clip.frame_dir}: {where}, {len(frames)} of '
          f'{clip_len} frames, {num_channels} channels of {height} x {width}, {shown} '
          f'-> {args.out}')
    print(clip.title)


if __name__ == '__main__':
    main()
