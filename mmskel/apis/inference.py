"""Run a trained recognizer on your own skeletons.

Example:
    >>> from mmskel.apis import inference_skeleton, init_recognizer
    >>> model = init_recognizer('configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py',
    ...                         'work_dirs/stgcn/epoch_50.pth', device='cpu')
    >>> result = inference_skeleton(model, keypoints)  # [T, V, C] or [M, T, V, C]
    >>> result.names[0], result.scores[0]
    ('walk around', 0.93)

A PoseC3D (heatmap) config takes 2D pixel keypoints with scores, e.g. [M, T, V, 3] (x, y, score)
or [M, T, V, 2] and ``keypoint_score``; its pipeline draws them on a canvas of ``img_shape``
(height, width): the ``img_shape`` argument, else the input's own (a dict or ``.pkl`` sample,
a ``.npz``), else the keypoints' extent (:func:`keypoint_extent`). The canvas only bounds the
pose box's padding (``PoseCompact``), so the extent changes the result only for a pose that
touches the frame's edge.

The model's layout is its config's. An input that states its own layout (an annotation
``.pkl``'s top-level ``layout``, a sample dict's ``layout``, or the ``layout`` argument: a name,
a dict or a json file) must have the same joints in the same order; the joint count alone is
not checked for order. An all-zero input (no pose) is predicted with a warning.

A raw text file (``.txt``, ``.csv``: one person, one frame or one joint a line) is read with the
custom converter's reader: ``text`` (a :class:`~mmskel.datasets.converters.readers.TextFormat`,
the converter's ``--text-rows``/``--text-columns``) says how its lines are laid out, and the
layout (the ``layout`` argument, else the model's) how many joints a frame has.
"""
import os
import os.path as osp
import warnings
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config

from mmskel.datasets.converters.readers import TextFormat
from mmskel.datasets.io import NORMALISED_LIMIT
from mmskel.engine.amp import amp_dtype as amp_dtype_for
from mmskel.engine.amp import autocast
from mmskel.engine.checkpoint import load_checkpoint_file, state_dict_of
from mmskel.models.input_spec import input_spec
from mmskel.registry import MODELS, TRANSFORMS
from mmskel.structures.layouts import Layout, load_layout
from mmskel.utils import register_all_modules
from mmskel.utils.data_vars import apply_data_vars
from mmskel.utils.pipeline import pipeline_steps
from mmskel.utils.safe_pickle import load_pickle
from .inputs import Sample, read_skeleton_input
from .zoo import resolve_checkpoint


@dataclass
class InferenceResult:
    """Top-k prediction for one sample.

    Attributes:
        labels (list[int]): Class indices, best first.
        scores (list[float]): Their scores (softmax probabilities with the default head).
        names (list[str]): Their class names.
        all_scores (np.ndarray): float32 [K], the score of every class.
        frame_dir (str): The sample's id (file stem for a file input).
    """
    labels: List[int]
    scores: List[float]
    names: List[str]
    all_scores: np.ndarray
    frame_dir: str

    def __str__(self) -> str:
        lines = [f'{self.frame_dir}: top-{len(self.labels)}']
        width = max(len(n) for n in self.names)
        for rank, (label, name, score) in enumerate(zip(self.labels, self.names, self.scores)):
            lines.append(f'{rank + 1}. {name:<{width}} (class {label:>3})  {score:.4f}')
        return '\n'.join(lines)


def load_weights(checkpoint: str, weights_only: bool = True) -> dict:
    """The ``state_dict`` (and ``meta``) of a checkpoint path, URL or zoo model name.

    With ``weights_only`` (the default) the file is loaded by ``torch.load(weights_only=True)``;
    the non-tensor objects of an mmengine training checkpoint are replaced by inert stand-ins
    (nothing from the file is executed) and must not occur in the state dict
    (:mod:`mmskel.engine.checkpoint`).

    Returns:
        dict: ``{'state_dict': {name: Tensor}, 'meta': dict}``.
    """
    path, _ = resolve_checkpoint(checkpoint)
    content = load_checkpoint_file(path, 'cpu', weights_only)
    state_dict = state_dict_of(content, checkpoint)
    meta = content.get('meta') if isinstance(content.get('meta'), dict) else {}
    return dict(state_dict=state_dict, meta=meta)


def _steps(cfg: Config) -> List[dict]:
    """The test pipeline's steps (a list, or a dict of named steps in their ``order``)."""
    return [dict(step) for step in pipeline_steps(cfg.test_dataloader.dataset.pipeline,
                                                  f'{cfg.filename}: test pipeline')]


def _read_names(source: Union[str, Sequence[str]], where: str) -> List[str]:
    if isinstance(source, str):
        if not osp.isfile(source):
            raise FileNotFoundError(f'{where} names a class-name file that does not exist: '
                                    f'{source}')
        with open(source, encoding='utf-8') as f:
            return [line.strip() for line in f if line.strip()]
    return [str(name) for name in source]


def class_names(cfg: Config, meta: Optional[dict] = None) -> List[str]:
    """Class names for a config, from the first of: the config (``class_names`` or
    ``label_map``: a list or a text file of one name per line; or the test dataset's
    ``metainfo.classes``), the checkpoint's ``meta.dataset_meta.classes``, the test annotation
    pickle's ``classes``; else ``class_<k>``."""
    num_classes = int(cfg.model.cls_head.num_classes)
    dataset = cfg.test_dataloader.dataset
    candidates = []
    for key in ('class_names', 'label_map'):
        if cfg.get(key) is not None:
            candidates.append((f'the config key {key!r}', cfg[key]))
    if (dataset.get('metainfo') or {}).get('classes') is not None:
        candidates.append(('test_dataloader.dataset.metainfo.classes',
                           dataset.metainfo['classes']))
    if ((meta or {}).get('dataset_meta') or {}).get('classes') is not None:
        candidates.append(('the checkpoint meta', meta['dataset_meta']['classes']))
    for where, source in candidates:
        names = _read_names(source, where)
        if len(names) != num_classes:
            raise ValueError(f'{where} gives {len(names)} class names, the model has '
                             f'{num_classes} classes')
        return names
    ann_file = dataset.get('ann_file')
    if ann_file and osp.isfile(ann_file):
        data = load_pickle(ann_file, trusted=dataset.get('trusted', False))
        names = data.get('classes') if isinstance(data, dict) else None
        if names is not None:
            subset = dataset.get('class_subset')
            names = [names[i] for i in subset] if subset is not None else list(names)
            if len(names) == num_classes:
                return [str(n) for n in names]
    return [f'class_{k}' for k in range(num_classes)]


def default_device() -> str:
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def load_model_config(config: Union[str, Config], cfg_options: Optional[dict] = None) -> Config:
    """A config file or object (copied), with ``cfg_options`` merged and its dataset
    variables applied (a child config's ``clip_len``, ``layout``, ...; docs/configs.md)."""
    if isinstance(config, (str, os.PathLike)):
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file not found: {config}')
        cfg = Config.fromfile(str(config))
    elif isinstance(config, Config):
        cfg = config.copy()
    else:
        raise TypeError(f'config must be a file path or a Config, got {type(config).__name__}')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    apply_data_vars(cfg)
    return cfg


def config_layout(config: Union[str, Config], cfg_options: Optional[dict] = None) -> Layout:
    """The skeleton layout a config's model takes (its pipeline's and graph's), without
    building the model: e.g. to read a text file's joints before loading weights."""
    return input_spec(load_model_config(config, cfg_options)).layout


def init_recognizer(config: Union[str, Config], checkpoint: Optional[str] = None,
                    device: Optional[str] = None, weights_only: bool = True,
                    cfg_options: Optional[dict] = None, amp: bool = False,
                    amp_dtype: Optional[str] = None) -> torch.nn.Module:
    """Build a recognizer from a config and load its weights, ready for
    :func:`inference_skeleton`.

    Args:
        config (str | Config): Config file or object.
        checkpoint (str, optional): Checkpoint path, URL or zoo model name; None keeps the
            initial weights.
        device (str, optional): ``'cpu'``, ``'cuda'``, ``'cuda:0'``...; defaults to CUDA when
            available, else CPU.
        weights_only (bool): Load with ``torch.load(weights_only=True)`` (nothing in the file is
            executed). Set False only for a checkpoint you trust that needs it.
        cfg_options (dict, optional): Overrides merged into the config.
        amp (bool): Run :func:`inference_skeleton` in mixed precision: bf16 autocast on a CPU
            with native bf16 (float32 with a warning on one without), float16 on CUDA.
        amp_dtype (str, optional): ``'float16'`` or ``'bfloat16'`` for ``amp`` (implies it).

    Returns:
        nn.Module: The model in eval mode, with ``.cfg`` (the config), ``.class_names``,
        ``.layout`` (the skeleton layout its inputs follow), ``.test_pipeline`` and
        ``.amp_dtype`` (the autocast dtype, None for float32).
    """
    cfg = load_model_config(config, cfg_options)
    # mmskel the default scope, as mmaction2's init_recognizer does: the config's datasets and
    # pipelines then build by their unprefixed names in the caller's code too
    register_all_modules()
    model = MODELS.build(cfg.model)
    meta = {}
    if checkpoint is not None:
        weights = load_weights(checkpoint, weights_only)
        meta = weights['meta']
        try:
            model.load_state_dict(weights['state_dict'], strict=True)
        except RuntimeError as e:
            raise RuntimeError(f'{checkpoint} does not fit the model of the config: {e}') from e
    model.cfg = cfg
    model.class_names = class_names(cfg, meta)
    model.test_pipeline = [TRANSFORMS.build(step) for step in _steps(cfg)]
    model.layout = input_spec(cfg).layout
    device = torch.device(device or default_device())
    model.amp_dtype = amp_dtype_for(device.type, amp_dtype) if amp or amp_dtype else None
    return model.to(device).eval()


def fit_to_model(sample: dict, model: torch.nn.Module) -> dict:
    """Check a sample's joints and channels against the model's config, in place: a 2D
    config's third channel becomes ``keypoint_score``; a score the model does not take is
    dropped; the sample's own ``layout`` (when it states one) must be the model's and is
    removed. Raises ValueError naming the sample and what was expected."""
    spec = input_spec(model.cfg)
    layout, channels, is_2d = spec.layout, spec.channels, spec.is_2d
    keypoint = sample['keypoint']
    where = sample['frame_dir']
    if sample.get('layout') is not None:
        own = load_layout(sample.pop('layout'))[0]
        if not own.same_joints(layout):
            raise ValueError(f'{where}: the input\'s joints follow layout {own.name!r}, the '
                             f'model\'s config expects layout {layout.name!r}: another joint '
                             'order (or skeleton), which the model would read scrambled; '
                             'reorder the joints or use a model trained on this layout')
    sample.pop('layout', None)
    if keypoint.shape[2] != layout.num_joints:
        raise ValueError(f'{where}: keypoint {tuple(keypoint.shape)} has {keypoint.shape[2]} '
                         f'joints; the config\'s layout {layout.name!r} has '
                         f'{layout.num_joints} ([M, T, V, C] with V = {layout.num_joints})')
    if 'keypoint_score' not in sample and is_2d and keypoint.shape[-1] == 3 and channels == 3:
        sample['keypoint'], sample['keypoint_score'] = keypoint[..., :2], keypoint[..., 2]
    elif 'keypoint_score' in sample and keypoint.shape[-1] == channels:
        del sample['keypoint_score']  # the model takes no score channel
    given = sample['keypoint'].shape[-1] + ('keypoint_score' in sample)
    if given != channels:
        kind = ('2D (x, y) with a score per joint: C = 3, or C = 2 and a keypoint_score'
                if is_2d and channels == 3 else f'C = {channels}')
        raise ValueError(f'{where}: the model takes {channels} channels per joint ({kind}); '
                         f'got keypoint {tuple(keypoint.shape)}'
                         + (' with a keypoint_score' if 'keypoint_score' in sample else ''))
    return sample


def keypoint_extent(keypoint: np.ndarray, where: str) -> Tuple[int, int]:
    """The smallest pixel frame (height, width) that holds every x, y of ``keypoint``
    [..., C >= 2] (pixels 0 .. ceil(max)); raises ValueError, naming ``where``, for keypoints
    that are all absent (0) or look normalised (all within 1.5 of 0)."""
    xy = keypoint[..., :2]
    largest = float(np.abs(xy).max()) if xy.size else 0.0
    if largest == 0:
        raise ValueError(f'{where}: every keypoint is 0 (absent); there is no pose to draw')
    if largest <= NORMALISED_LIMIT:
        raise ValueError(f'{where}: keypoints look normalised (every coordinate lies in '
                         f'[-{NORMALISED_LIMIT}, {NORMALISED_LIMIT}]); a heatmap config takes '
                         'pixel coordinates, and img_shape=(height, width) of their frame')
    return (int(np.ceil(max(float(xy[..., 1].max()), 0))) + 1,
            int(np.ceil(max(float(xy[..., 0].max()), 0))) + 1)


def with_canvas(sample: dict, img_shape: Optional[Sequence[int]]) -> dict:
    """Give a heatmap config's sample its ``img_shape`` (height, width), in place: the given
    one, else the sample's own, else the keypoints' extent."""
    if img_shape is not None:
        if len(img_shape) != 2 or min(img_shape) <= 0:
            raise ValueError(f'{sample["frame_dir"]}: img_shape must be (height, width) > 0, '
                             f'got {img_shape!r}')
        sample['img_shape'] = (int(img_shape[0]), int(img_shape[1]))
    elif 'img_shape' not in sample:
        sample['img_shape'] = keypoint_extent(sample['keypoint'], sample['frame_dir'])
    return sample


def warn_if_empty(sample: dict) -> None:
    """Warn when every keypoint of ``sample`` is 0: there is no pose to recognise, yet the
    model still returns confident-looking scores."""
    if not np.any(sample['keypoint']):
        warnings.warn(f"{sample['frame_dir']}: every keypoint is 0 (no pose was detected); "
                      'the prediction is meaningless', UserWarning, stacklevel=3)


def read_model_input(model: torch.nn.Module, keypoints: Sample, keypoint_score: Any = None,
                     sample: Optional[Union[str, int]] = None, trusted: bool = False,
                     layout: Union[str, dict, None] = None,
                     text: Optional[TextFormat] = None) -> dict:
    """Read an input for ``model`` (:func:`~mmskel.apis.inputs.read_skeleton_input`), a text
    file with the joint count of ``layout`` (a name, dict or json file), else of the model's
    layout; ``layout``, when given, is kept in the sample for :func:`fit_to_model` to check."""
    own = load_layout(layout)[0] if layout is not None else model.layout
    data = read_skeleton_input(keypoints, keypoint_score, sample, trusted, text=text,
                               num_joints=own.num_joints, layout_name=own.name)
    if layout is not None:
        data['layout'] = layout
    return data


def inference_skeleton(model: torch.nn.Module, keypoints: Sample, topk: int = 5,
                       keypoint_score: Any = None, sample: Optional[Union[str, int]] = None,
                       trusted: bool = False, img_shape: Optional[Sequence[int]] = None,
                       layout: Union[str, dict, None] = None,
                       text: Optional[TextFormat] = None) -> InferenceResult:
    """Recognise the action of one skeleton sequence with the config's test pipeline.

    Args:
        model (nn.Module): From :func:`init_recognizer`.
        keypoints: An array [T, V, C] or [M, T, V, C] (C = 2 or 3; for a 2D config C = 3 is
            x, y, score), a dict in annotation format, or a ``.npy``/``.npz``/``.json``/``.pkl``
            or ``.txt``/``.csv`` file (see :mod:`mmskel.apis.inputs`).
        topk (int): How many classes to return. Defaults to 5 (fewer if the model has fewer).
        keypoint_score: Scores [T, V] or [M, T, V] for a raw 2D array.
        sample (str | int, optional): The ``frame_dir`` or index of the sample in an
            annotation ``.pkl`` of several.
        trusted (bool): Load a ``.pkl`` input with the plain unpickler. Defaults to False.
        img_shape (Sequence[int], optional): (height, width) of the frame whose pixels the
            keypoints are, for a heatmap (PoseC3D) config; defaults to the input's own
            ``img_shape``, else the keypoints' extent (:func:`keypoint_extent`).
        layout (str | dict, optional): The input's layout (a name, a dict or a json file),
            checked against the model's; defaults to the layout the input carries, if any. A
            text file is read with its joint count (else the model's).
        text (TextFormat, optional): How the lines of a text file are laid out (the custom
            converter's ``--text-rows``/``--text-columns``); defaults to one frame a line of
            x, y[, z] values.

    Returns:
        InferenceResult: Top-k labels, scores and class names.

    Warns:
        UserWarning: Every keypoint of the input is 0.
    """
    if topk < 1:
        raise ValueError(f'topk must be >= 1, got {topk}')
    data = read_model_input(model, keypoints, keypoint_score, sample, trusted, layout, text)
    warn_if_empty(data)
    try:
        data = fit_to_model(data, model)
    except ValueError as e:
        if isinstance(keypoints, (str, os.PathLike)):  # name the file, not only the sample
            raise ValueError(f'{keypoints}: {e}') from e
        raise
    if input_spec(model.cfg).input_format == 'CTHW':
        data = with_canvas(data, img_shape)
    data.update(test_mode=True)  # deterministic test-time sampling, as PoseDataset sets it
    for transform in model.test_pipeline:
        data = transform(data)
        if data is None:
            raise RuntimeError(f'{transform!r} dropped the sample')
    device_type = next(model.parameters()).device.type
    with torch.no_grad(), autocast(device_type, getattr(model, 'amp_dtype', None)):
        predicted = model.test_step(dict(inputs=[data['inputs']],
                                         data_samples=[data['data_samples']]))[0]
    scores = predicted.pred_score.detach().cpu().float().numpy()
    order = np.argsort(-scores, kind='stable')[:topk]
    names = model.class_names
    return InferenceResult(labels=[int(k) for k in order],
                           scores=[float(scores[k]) for k in order],
                           names=[names[k] for k in order], all_scores=scores,
                           frame_dir=str(predicted.metainfo.get('frame_dir', '<input>')))
