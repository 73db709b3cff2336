"""Samples per second of PoseC3D's heatmap pipelines, mmskel beside mmaction2 1.2.0's transforms
(or, where mmaction2 is not installed, beside the same transforms drawing one Gaussian at a time
in Python loops), measured in turn in one run on the same samples.

Samples: NW-UCLA sequences (``../shared/data``) made 2D: 17 COCO joints taken from the Kinect
joints (the five head points from the head, a few centimetres apart), projected with a pinhole
camera (focal length 1000 px) into a 1920 x 1080 frame, resampled to 100 frames; every second
sample has a second person (another sequence, 300 px to the right); scores uniform in
[0.2, 1]. The pipelines are the upstream configs' (``configs/skeleton/posec3d/``): train = one
48-frame clip, keypoint heatmaps 56 x 56; test = 10 clips of 48 frames, 64 x 64, with the
flipped copy (``double=True``). mmaction2 runs in a worker process of ``.venv-mmaction2``.

Example:
    python benchmarks/heatmap_pipeline.py --samples 200 --test-samples 10
"""
import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Optional

import numpy as np

from mmskel.datasets.converters.projection import project_pinhole
from mmskel.datasets.transforms import GeneratePoseTarget
from mmskel.datasets.transforms.heatmap import EPS
from mmskel.structures import get_layout

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get('MMSKEL_SHARED_DATA', REPO.parent / 'shared' / 'data'))
MMACTION2_PYTHON = REPO / '.venv-mmaction2' / 'bin' / 'python'
# COCO-17 joint -> NW-UCLA joint it is taken from, and the x offset (metres) of the head points
COCO_FROM_NWUCLA = (3, 3, 3, 3, 3, 4, 8, 5, 9, 6, 10, 12, 16, 13, 17, 14, 18)
HEAD_OFFSETS = (0., 0.03, -0.03, 0.07, -0.07)
FOCAL, IMG_SHAPE = 1000., (1080, 1920)
FRAMES = 100


def coco_pixels(skeleton: np.ndarray) -> np.ndarray:
    """NW-UCLA camera-space joints [T, 20, 3] (metres) -> COCO pixel keypoints [T, 17, 2]."""
    joints = skeleton[:, COCO_FROM_NWUCLA].copy()
    joints[:, :len(HEAD_OFFSETS), 0] += HEAD_OFFSETS
    return project_pinhole(joints, FOCAL, IMG_SHAPE)


def coco_person(path: Path, frames: int = FRAMES) -> np.ndarray:
    """The NW-UCLA sequence in the json file ``path``, resampled to ``frames`` frames, as COCO
    pixel keypoints [frames, 17, 2] (:func:`coco_pixels`)."""
    with open(path) as f:
        skeleton = np.array(json.load(f)['skeletons'], dtype=np.float32)
    return coco_pixels(skeleton[np.arange(frames) * len(skeleton) // frames])


def load_samples(root: Path, count: int, seed: int = 0) -> list:
    """``count`` 2D samples (dicts of the 2D pickle format) from NW-UCLA json files."""
    files = sorted(root.glob('*.json'))
    if not files:
        sys.exit(f'error: no NW-UCLA .json files under {root} (--root)')
    rng = np.random.default_rng(seed)
    people = [coco_person(path) for path in files[::max(1, len(files) // (count + 1))][:count + 1]]
    samples = []
    for i in range(count):
        persons = [people[i % len(people)]]
        if i % 2:
            persons.append(people[(i + 1) % len(people)] + np.float32([300, 0]))
        keypoint = np.stack(persons)
        samples.append(dict(
            frame_dir=f'nwucla_2d_{i}', label=0, keypoint=keypoint, total_frames=FRAMES,
            keypoint_score=rng.uniform(0.2, 1, keypoint.shape[:3]).astype(np.float32),
            img_shape=IMG_SHAPE, original_shape=IMG_SHAPE, modality='Pose'))
    return samples


def flip_arguments(framework: str, limb: bool) -> tuple:
    """Flip's and GeneratePoseTarget's left/right arguments: mmskel names the layout, mmaction2
    gets the lists its configs spell out, here read from the same layout table."""
    if framework == 'mmskel':
        return dict(layout='coco'), dict(layout='coco')
    coco = get_layout('coco')
    joints = dict(left_kp=[a for a, _ in coco.flip_pairs], right_kp=[b for _, b in
                                                                     coco.flip_pairs])
    target = dict(joints, skeletons=[list(limb) for limb in coco.heatmap_limbs])
    if limb:
        pairs = [(i, j) for i, j in enumerate(coco.limb_flip_index()) if i < j]
        target.update(left_limb=[a for a, _ in pairs], right_limb=[b for _, b in pairs])
    return joints, target


def pipeline(framework: str, mode: str, limb: bool = False, flip_ratio: float = 0.5,
             sample: bool = True, clip_len: int = 48, size: Optional[int] = None) -> list:
    """The upstream PoseC3D ``mode`` ('train' or 'test') pipeline as transform configs;
    ``clip_len`` frames per clip, heatmaps of ``size`` x ``size`` (56 to train, 64 to test)."""
    flip, target = flip_arguments(framework, limb)
    heatmaps = dict(type='GeneratePoseTarget', sigma=0.6, use_score=True, with_kp=not limb,
                    with_limb=limb, **target)
    short_side = 64 if mode == 'train' else size or 64  # the test crop is the whole short side
    steps = [dict(type='PoseDecode'), dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
             dict(type='Resize', scale=(-1, short_side))]
    if mode == 'train':
        sampler = dict(type='UniformSampleFrames', clip_len=clip_len)
        steps += [dict(type='RandomResizedCrop', area_range=(0.56, 1.0)),
                  dict(type='Resize', scale=(size or 56,) * 2, keep_ratio=False),
                  dict(type='Flip', flip_ratio=flip_ratio, **flip), heatmaps]
    else:
        sampler = dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=10)
        if framework == 'mmaction2':
            sampler['test_mode'] = True
        steps += [dict(type='CenterCrop', crop_size=short_side), dict(heatmaps, double=True)]
    steps += [dict(type='FormatShape', input_format='NCTHW_Heatmap'),
              dict(type='PackActionInputs')]
    return ([sampler] if sample else []) + steps


def build(framework: str, configs: list, loops: bool = False):
    """A Compose of ``framework``'s transforms; ``loops``: mmskel's with LoopPoseTarget."""
    from mmengine.dataset import Compose
    if framework == 'mmaction2':
        try:
            import torchvision  # noqa: F401
        except (ImportError, RuntimeError):  # mmaction2 imports it for a video model only
            sys.modules['torchvision'] = types.ModuleType('torchvision')
        if 'Inf' not in vars(np):  # mmaction2 1.2.0's PoseCompact uses np.Inf, gone in numpy 2
            np.Inf = np.inf
        from mmaction.registry import TRANSFORMS
        return Compose([TRANSFORMS.build(dict(c)) for c in configs])
    from mmskel.registry import TRANSFORMS
    from mmskel.utils import register_all_modules
    register_all_modules()
    if loops:
        configs = [dict(c, type=LoopPoseTarget) if c['type'] == 'GeneratePoseTarget' else c
                   for c in configs]
    return Compose([TRANSFORMS.build(dict(c)) for c in configs])


def rate(compose, samples: list, count: int, test_mode: bool) -> float:
    """Samples per second of ``compose`` over ``count`` samples (cycled)."""
    np.random.seed(0)
    random.seed(0)
    start = time.perf_counter()
    for i in range(count):
        compose(dict(samples[i % len(samples)], test_mode=test_mode))
    return count / (time.perf_counter() - start)


class LoopPoseTarget(GeneratePoseTarget):
    """The same heatmaps drawn one Gaussian at a time, in Python loops (the straightforward
    version, timed where mmaction2 is absent)."""

    def draw(self, canvas: np.ndarray, coords: np.ndarray, scores: np.ndarray) -> None:
        joints = coords.shape[2]
        for m, t in np.ndindex(*coords.shape[:2]):
            for v in range(joints if self.with_kp else 0):
                self.paint(canvas[v, t], coords[m, t, v], coords[m, t, v], scores[m, t, v])
            for i, (a, b) in enumerate(self.skeletons if self.with_limb else ()):
                value = min(scores[m, t, a], scores[m, t, b])
                if ((coords[m, t, a] - coords[m, t, b]) ** 2).sum() < 1 and value >= EPS:
                    b, value = a, scores[m, t, a]  # a short limb: its start joint
                self.paint(canvas[joints * self.with_kp + i, t], coords[m, t, a],
                           coords[m, t, b], value)

    def paint(self, image: np.ndarray, start: np.ndarray, end: np.ndarray, value) -> None:
        """Max ``value`` times the Gaussian of the distance to the segment start-end (a point
        where they coincide) into ``image`` [H, W], within 3 sigma of the segment's box."""
        if value < EPS:
            return
        low = np.maximum(np.trunc(np.minimum(start, end) - 3 * self.sigma), 0).astype(int)
        high = np.trunc(np.maximum(start, end) + 3 * self.sigma).astype(int) + 1
        xs = np.arange(low[0], min(high[0], image.shape[1]), dtype=np.float32)
        ys = np.arange(low[1], min(high[1], image.shape[0]), dtype=np.float32)[:, None]
        along = end - start
        length2 = float(along @ along)
        ratio = np.clip(((xs - start[0]) * along[0] + (ys - start[1]) * along[1]) /
                        max(length2, 1e-12), 0, 1)
        distance2 = (xs - start[0] - ratio * along[0]) ** 2 + \
            (ys - start[1] - ratio * along[1]) ** 2
        window = image[low[1]:low[1] + len(ys), low[0]:low[0] + len(xs)]
        np.maximum(window, np.exp(-distance2 / 2 / self.sigma ** 2) * value, out=window)


def serve(samples_file: str) -> None:
    """Worker loop: read 'MODE COUNT' lines, answer each with mmaction2's samples/s."""
    with open(samples_file, 'rb') as f:
        samples = pickle.load(f)
    composes = {mode: build('mmaction2', pipeline('mmaction2', mode)) for mode in MODES}
    print('ready', flush=True)
    for line in sys.stdin:
        mode, count = line.split()
        print(rate(composes[mode], samples, int(count), mode == 'test'), flush=True)


MODES = ('train', 'test')
TITLES = {'train': 'train (1 clip x 48 frames, 56 x 56, keypoint)',
          'test': 'test (10 clips x 48 frames, 64 x 64, + flipped copy)'}


class Rival:
    """The side mmskel is compared with: mmaction2 in its venv's worker, or the loop version."""

    def __init__(self, samples: list, against: str) -> None:
        self.name, self.worker = against, None
        if against == 'loops':
            self.composes = {mode: build('mmskel', pipeline('mmskel', mode), loops=True)
                             for mode in MODES}
            self.samples = samples
            return
        self.file = tempfile.NamedTemporaryFile(suffix='.pkl', delete=False)
        pickle.dump(samples, self.file)
        self.file.close()
        self.worker = subprocess.Popen(
            [str(MMACTION2_PYTHON), __file__, '--worker', self.file.name], cwd=REPO, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=dict(os.environ, PYTHONPATH=str(REPO)))
        if self.worker.stdout.readline().strip() != 'ready':
            raise RuntimeError('the mmaction2 worker did not start')

    def rate(self, mode: str, count: int) -> float:
        if self.worker is None:
            return rate(self.composes[mode], self.samples, count, mode == 'test')
        self.worker.stdin.write(f'{mode} {count}\n')
        self.worker.stdin.flush()
        return float(self.worker.stdout.readline())

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stdin.close()
            self.worker.wait()
            os.unlink(self.file.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', type=Path, default=SHARED / 'NW-UCLA' / 'all_sqe',
                        help='folder of NW-UCLA .json sequences')
    parser.add_argument('--samples', type=int, default=200, help='samples per train run')
    parser.add_argument('--test-samples', type=int, default=10, help='samples per test run')
    parser.add_argument('--repeats', type=int, default=3, help='runs per side (best kept)')
    parser.add_argument('--against', choices=['auto', 'mmaction2', 'loops'], default='auto')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return serve(args.worker)
    against = args.against
    if against == 'auto':
        against = 'mmaction2' if MMACTION2_PYTHON.exists() else 'loops'
    samples = load_samples(args.root, max(args.samples, args.test_samples))
    ours = {mode: build('mmskel', pipeline('mmskel', mode)) for mode in MODES}
    rival = Rival(samples, against)
    counts = dict(train=args.samples, test=args.test_samples)
    best = {(side, mode): 0. for side in ('mmskel', against) for mode in MODES}
    try:
        for _ in range(args.repeats):  # in turn, so that both sides see the same machine load
            for mode in MODES:
                best['mmskel', mode] = max(best['mmskel', mode], rate(
                    ours[mode], samples, counts[mode], mode == 'test'))
                best[against, mode] = max(best[against, mode], rival.rate(mode, counts[mode]))
    finally:
        rival.close()
    print(f'| pipeline | mmskel samples/s | {against} samples/s | mmskel / {against} |')
    print('|---|---|---|---|')
    for mode in MODES:
        ratio = best['mmskel', mode] / best[against, mode]
        print(f"| {TITLES[mode]} | {best['mmskel', mode]:.1f} | {best[against, mode]:.1f} | "
              f'{ratio:.1f}x |')


if __name__ == '__main__':
    main()
