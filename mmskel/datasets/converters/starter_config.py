"""Starter configs sized from an annotation pickle: a full ST-GCN and a small CPU preset.

Every fact comes from the pickle, read once by :func:`data_facts`: the layout (its top-level
``layout``, a built-in name or a custom layout dict), the class count (``classes``, else the
largest label + 1), the persons (the most persons with any non-zero joint in a sample), the
channels (C, plus one with ``keypoint_score``), whether 2D coordinates are pixels (``img_shape``)
and the clip length, from the distribution of sequence lengths (:func:`choose_clip_len`).
Normalisation: pixels are mapped to [-1, 1] by ``img_shape``; 3D bodies are centred and, when
the layout names its spine and shoulders, turned to face one way (NW-UCLA cross-view, CPU
preset: 73.0% top-1; centred only, with a narrower preset: 61.3%); other data is centred.

Two files are written beside the pickle:

* ``<pkl>.config.py``: ST-GCN as published (10 blocks, 64 -> 256 channels), batch 16, SGD with
  cosine decay over 80 epochs: the recipe of the benchmarks, for a GPU.
* ``<pkl>.cpu.config.py``: inherits it with a narrow, shallow ST-GCN (4 blocks, 16 -> 64
  channels, about 1/40 of the parameters), no worker processes and a schedule of about
  :data:`CPU_ITERATIONS` training steps (:func:`choose_cpu_epochs`): minutes on 2 CPU cores.
"""
import math
import textwrap
from pathlib import Path
from pprint import pformat
from typing import Dict, Optional, Sequence, Union

import numpy as np

from mmskel.datasets.io import load_annotations
from mmskel.structures.layouts import load_layout
from mmskel.utils import atomic_open
from mmskel.utils.package_files import package_path

CONFIG_BASE = package_path('configs/_base_')
CLIP_PERCENTILE = 75  # most sequences fit a clip whole; the longer quarter is subsampled
CPU_ITERATIONS = 1000  # training steps of the CPU preset (about 0.1-0.2 s each on 2 cores)
CPU_EPOCHS = (5, 50)  # the CPU preset's epochs stay in this range
FULL_BATCH, CPU_BATCH = 16, 16


def choose_clip_len(lengths: Sequence[int]) -> int:
    """Frames per clip: the 75th percentile of the sequence lengths, rounded to a multiple of
    10 from 20 frames up (e.g. NW-UCLA: median 31, 75th percentile 46 -> 50), else rounded up.

    A shorter sequence is looped to the clip length and a longer one subsampled uniformly, so a
    clip far longer than the data only costs time (100 frames for a median of 39 frames spent
    2.5x the compute on repeated frames).
    """
    if not len(lengths):
        raise ValueError('no sequences to choose a clip length from')
    length = float(np.percentile(np.asarray(lengths), CLIP_PERCENTILE))
    if length >= 20:
        return int(round(length / 10) * 10)
    return max(int(math.ceil(length)), 1)


def choose_cpu_epochs(num_train: int, batch_size: int = CPU_BATCH) -> int:
    """Epochs that make about :data:`CPU_ITERATIONS` steps, within :data:`CPU_EPOCHS`."""
    steps_per_epoch = max(math.ceil(num_train / batch_size), 1)
    return int(min(max(round(CPU_ITERATIONS / steps_per_epoch), CPU_EPOCHS[0]), CPU_EPOCHS[1]))


def _persons_present(keypoint: np.ndarray) -> int:
    """Persons [M, T, V, C] with any non-zero joint (zero persons are padding)."""
    return int((np.abs(keypoint).reshape(len(keypoint), -1).max(1) > 0).sum())


def data_facts(ann_file: Union[str, Path], layout: Union[str, dict, Path, None] = None,
               trusted: bool = False) -> Dict:
    """What a config must know of an annotation pickle.

    Args:
        ann_file (str | Path): The annotation pickle.
        layout (str | dict | Path, optional): The layout, for a pickle that carries none (a
            name or a json file); a pickle's own ``layout`` must then agree with it.
        trusted (bool): Load with the plain unpickler. Defaults to False.

    Returns:
        dict: ``layout`` (name or dict), ``num_classes``, ``num_persons``, ``channels`` (C),
        ``with_score``, ``pixels`` (2D with ``img_shape``), ``clip_len``, ``lengths`` (min,
        median, p75, max), ``split_sizes``.

    Raises:
        ValueError: The pickle carries no layout and none is given, or they disagree.
    """
    data = load_annotations(str(ann_file), trusted=trusted)
    samples = data['annotations']
    if not samples:
        raise ValueError(f'{ann_file}: no samples to size a config from')
    stored = data.get('layout')
    if stored is None and layout is None:
        raise ValueError(f'{ann_file}: the pickle carries no layout (top-level "layout"); pass '
                         'the layout of its joints (a name or a json file): the joint count '
                         'does not tell the joint order')
    spec = stored if layout is None else load_layout(layout)[1]
    if stored is not None and not load_layout(stored)[0].same_joints(load_layout(spec)[0]):
        raise ValueError(f'{ann_file}: the pickle says its layout is '
                         f'{load_layout(stored)[0].name!r}, not the given '
                         f'{load_layout(spec)[0].name!r}')
    first = samples[0]
    lengths = [s['keypoint'].shape[1] for s in samples]
    classes = data.get('classes')
    num_classes = len(classes) if classes is not None else max(s['label'] for s in samples) + 1
    split = data.get('split') or {}
    return dict(
        layout=spec, num_classes=int(num_classes),
        num_persons=max(max(_persons_present(s['keypoint']) for s in samples), 1),
        channels=int(first['keypoint'].shape[-1]), with_score='keypoint_score' in first,
        pixels=first['keypoint'].shape[-1] == 2 and 'img_shape' in first,
        clip_len=choose_clip_len(lengths),
        lengths=dict(min=int(min(lengths)), median=float(np.median(lengths)),
                     p75=float(np.percentile(lengths, CLIP_PERCENTILE)), max=int(max(lengths))),
        split_sizes={k: len(v) for k, v in split.items()})


def _normalize(facts: Dict) -> tuple:
    """(the normalisation step, why) for the data's coordinates."""
    if facts['pixels']:
        return "dict(type='PreNormalize2D')", "pixels -> [-1, 1] by each sample's img_shape"
    layout = load_layout(facts['layout'])[0]
    if facts['channels'] == 3 and layout.spine and layout.shoulders:
        center = '' if layout.body_center else f', center_joint={layout.center}'
        return (f"dict(type='PreNormalize3D', layout=layout{center})",
                "centre, then turn the layout's spine onto +z and its shoulders onto +x: "
                'one view for every camera')
    return (f"dict(type='PreNormalize3D', center_joint={layout.center}, align_spine=False)",
            "centre on the layout's centre joint; no rotation, which needs the layout to name "
            'its spine and shoulders')


def full_config_text(ann_file: Union[str, Path], facts: Dict) -> str:
    """The text of the full ST-GCN config for the pickle described by ``facts``."""
    normalize, why = _normalize(facts)
    in_channels = facts['channels'] + facts['with_score']
    scores = ' + scores' if facts['with_score'] else ''
    lengths = ', '.join(f'{k} {v:g}' for k, v in facts['lengths'].items())
    return f'''# Starter config written by mmskel for {Path(ann_file).name}:
# ST-GCN, {facts['num_classes']} classes, {facts['channels']}D keypoints{scores},
# up to {facts['num_persons']} person(s). The small CPU preset is the .cpu.config.py beside it.
_base_ = [{str(CONFIG_BASE / 'default_runtime.py')!r},
          {str(CONFIG_BASE / 'schedules' / 'sgd_cosine_80e.py')!r}]

# the data's facts, stated once: the model and the pipelines below read them
ann_file = {str(Path(ann_file).resolve())!r}
layout = {pformat(facts['layout'], width=80, compact=True)}  # the pickle's own
num_classes = {facts['num_classes']}
num_persons = {facts['num_persons']}  # the most persons with any non-zero joint in a sample
# frames sampled per clip, near the 75th percentile of the lengths ({lengths});
# shorter samples are looped
clip_len = {facts['clip_len']}

model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels={in_channels}, num_persons=num_persons,
                  graph_cfg=dict(layout=layout, mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=num_classes, in_channels=256))

# normalize: {why}
# (names starting with '__' are helpers that stay out of the built config)
__train_pipeline = dict(
    order=['normalize', 'feats', 'sample', 'decode', 'format', 'pack'],
    normalize={normalize},
    feats=dict(type='GenSkeFeat', layout=layout, feats=['j']),
    sample=dict(type='UniformSampleFrames', clip_len=clip_len),
    decode=dict(type='PoseDecode'),
    format=dict(type='FormatGCNInput', num_persons=num_persons),
    pack=dict(type='PackActionInputs'))
__val_pipeline = dict(__train_pipeline,
                      sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1))
__test_pipeline = dict(__train_pipeline,
                       sample=dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=10))

train_dataloader = dict(
    batch_size={FULL_BATCH}, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='PoseDataset', ann_file=ann_file, pipeline=__train_pipeline,
                 split='train'))
val_dataloader = dict(
    batch_size={FULL_BATCH}, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', ann_file=ann_file, pipeline=__val_pipeline, split='val',
                 test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1,
                       dataset=dict(val_dataloader['dataset'], pipeline=__test_pipeline))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
'''


def cpu_config_text(full_config: Union[str, Path], facts: Dict) -> str:
    """The text of the CPU preset, which inherits ``full_config`` (a file beside it)."""
    num_train = facts['split_sizes'].get('train', 0)
    epochs = choose_cpu_epochs(num_train)
    about = textwrap.fill(
        f'CPU preset of {Path(full_config).name}, written by mmskel: a narrow, shallow ST-GCN '
        f'(4 blocks, 16 -> 64 channels) and {epochs} epochs (about {CPU_ITERATIONS} steps of '
        f'batch {CPU_BATCH} over {num_train} training samples): minutes on 2 CPU cores, some '
        'points of accuracy below the full config.', width=98, initial_indent='# ',
        subsequent_indent='# ')
    return f'''{about}
_base_ = ['./{Path(full_config).name}']

max_epochs = {epochs}
model = dict(
    backbone=dict(base_channels=16, num_stages=4, inflate_stages=[2, 4], down_stages=[2, 4]),
    cls_head=dict(in_channels=64))
train_cfg = dict(max_epochs=max_epochs, val_interval={max(epochs // 5, 1)})
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs, by_epoch=True,
         convert_to_iter_based=True)
]
# worker processes only compete with the model for 2 cores
train_dataloader = dict(batch_size={CPU_BATCH}, num_workers=0, persistent_workers=False)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = dict(num_workers=0, persistent_workers=False)
'''


def write_starter_config(ann_file: Union[str, Path],
                         layout: Union[str, dict, Path, None] = None,
                         trusted: bool = False) -> Dict[str, str]:
    """Write ``<ann_file>.config.py`` (full) and ``<ann_file>.cpu.config.py`` (CPU preset),
    sized from the pickle (see the module docstring); each file is written atomically.

    Args:
        ann_file (str | Path): The annotation pickle.
        layout (str | dict | Path, optional): For a pickle that carries no layout.
        trusted (bool): Load with the plain unpickler. Defaults to False.

    Returns:
        dict: ``full`` and ``cpu``, the paths written, and ``facts`` (:func:`data_facts`).
    """
    facts = data_facts(ann_file, layout, trusted)
    full, cpu = f'{ann_file}.config.py', f'{ann_file}.cpu.config.py'
    for path, text in ((full, full_config_text(ann_file, facts)),
                       (cpu, cpu_config_text(full, facts))):
        with atomic_open(path, 'w') as f:
            f.write(text)
    return dict(full=full, cpu=cpu, facts=facts)


def format_facts(facts: Dict, paths: Optional[Dict[str, str]] = None) -> str:
    """A few lines on what the configs were sized from."""
    lengths = ', '.join(f'{k} {v:g}' for k, v in facts['lengths'].items())
    layout = facts['layout'] if isinstance(facts['layout'], str) else \
        f"custom {load_layout(facts['layout'])[0].name!r}"
    lines = [f"layout: {layout}; classes: {facts['num_classes']}; persons: "
             f"{facts['num_persons']}; channels: {facts['channels']}"
             f"{' + score' if facts['with_score'] else ''}",
             f"frames: {lengths} -> clip_len {facts['clip_len']}"]
    if paths:
        lines += [f"config: {paths['full']}", f"cpu config: {paths['cpu']}"]
    return '\n'.join(lines)
