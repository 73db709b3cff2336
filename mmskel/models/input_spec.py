"""What one clip of a config's model input is: read from the config, in one place, for
inference, FLOPs counting, ONNX export, the zoo tables and the tests."""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from mmengine.config import Config

from mmskel.registry import MODELS
from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils.pipeline import pipeline_steps


@dataclass(frozen=True)
class InputSpec:
    """One clip of the model's input as the config's test pipeline makes it.

    Attributes:
        layout (Layout): The skeleton layout (joints) of the pipeline and the model's graph.
        num_persons (int | None): M, persons per clip; None for heatmap volumes, on which all
            persons are drawn together.
        clip_len (int): T, frames per clip.
        in_channels (int): C, channels per joint the backbone takes (all streams' features);
            for heatmap volumes, the heatmaps per frame (joints and/or limbs).
        channels (int): Channels per joint of the keypoints themselves (``in_channels`` over the
            number of features ``GenSkeFeat`` stacks): 3 for 3D joints or 2D + score.
        is_2d (bool): 2D keypoints with scores (the pipeline normalises with PreNormalize2D, or
            draws heatmaps).
        input_format (str): The recognizer's axes of one clip, e.g. ``'MTVC'`` or ``'CTHW'``.
        heatmap_size (tuple[int, int] | None): (H, W) of heatmap volumes, else None.
    """
    layout: Layout
    num_persons: Optional[int]
    clip_len: int
    in_channels: int
    channels: int
    is_2d: bool
    input_format: str
    heatmap_size: Optional[Tuple[int, int]] = None

    @property
    def shape(self) -> Tuple[int, int, int, int]:
        """``(M, T, V, C)`` of one clip, or ``(C, T, H, W)`` of a heatmap volume."""
        if self.heatmap_size is not None:
            return (self.in_channels, self.clip_len) + self.heatmap_size
        return self.num_persons, self.clip_len, self.layout.num_joints, self.in_channels


def _step_arg(steps, type_name: str, arg: str):
    step = next((s for s in steps if s.get('type') == type_name), {})
    return step.get(arg)


def _fact(cfg: Config, stated, name: str, where: str):
    """``stated`` (what the pipeline or model says), else the config's top-level ``name``."""
    value = stated if stated is not None else cfg.get(name)
    if value is None:
        raise KeyError(f'{cfg.filename or "config"}: cannot tell the input\'s {name}: state it '
                       f'as {where} or as a top-level {name} = ...')
    return value


def _heatmap_size(cfg: Config, steps: Sequence[dict]) -> Tuple[int, int]:
    """(H, W) the last step that fixes the canvas leaves: ``CenterCrop(crop_size)`` or
    ``Resize(scale=(W, H), keep_ratio=False)``."""
    for step in reversed(steps):
        if step.get('type') == 'CenterCrop':
            size = step['crop_size']
            width, height = (size, size) if isinstance(size, int) else size
            return int(height), int(width)
        if step.get('type') == 'Resize' and step.get('keep_ratio', True) is False:
            width, height = step['scale']
            return int(height), int(width)
        if step.get('type') in ('Resize', 'RandomResizedCrop', 'PoseCompact'):
            break
    raise ValueError(f'{cfg.filename or "config"}: cannot tell the heatmaps\' height and width: '
                     'end the pipeline\'s geometric steps with CenterCrop(crop_size=...) or '
                     'Resize(scale=(W, H), keep_ratio=False)')


def _heatmap_spec(cfg: Config, steps: Sequence[dict], input_format: str) -> InputSpec:
    """The spec of a heatmap volume [C, T, H, W]: C from ``GeneratePoseTarget`` (the layout's
    joints and/or limbs), T from ``UniformSampleFrames``, H and W from the last crop or fixed
    resize."""
    target = next((s for s in steps if s.get('type') == 'GeneratePoseTarget'), None)
    if target is None:
        raise ValueError(f'{cfg.filename or "config"}: the model takes heatmap volumes '
                         f'({input_format}) but the pipeline has no GeneratePoseTarget step')
    layout = get_layout(_fact(cfg, target.get('layout'), 'layout',
                              'GeneratePoseTarget(layout=...)'))
    limbs = target.get('skeletons')
    limbs = layout.heatmap_limbs if limbs is None else limbs
    channels = (layout.num_joints if target.get('with_kp', True) else 0) + \
        (len(limbs) if target.get('with_limb', False) else 0)
    clip_len = _fact(cfg, _step_arg(steps, 'UniformSampleFrames', 'clip_len'), 'clip_len',
                     'UniformSampleFrames(clip_len=...)')
    return InputSpec(layout=layout, num_persons=None, clip_len=int(clip_len),
                     in_channels=channels, channels=3, is_2d=True, input_format=input_format,
                     heatmap_size=_heatmap_size(cfg, steps))


def input_spec(cfg: Config, pipeline: Optional[list] = None) -> InputSpec:
    """The :class:`InputSpec` of ``cfg``'s model fed by ``pipeline`` (default: the config's
    test pipeline). Each value comes from the pipeline step or model argument that acts on it,
    else from the dataset facts of the config's top level (``layout``, ``num_persons``,
    ``clip_len``); nothing is guessed. A recognizer of heatmap volumes (``input_format``
    ``'CTHW'``) gets the volume's channels, frames, height and width from the pipeline."""
    steps = pipeline_steps(pipeline if pipeline is not None
                           else cfg.test_dataloader.dataset.pipeline)
    recognizer = MODELS.get(cfg.model.type)
    input_format = getattr(recognizer, 'input_format', '')
    if input_format == 'CTHW':
        return _heatmap_spec(cfg, steps, input_format)
    backbone = cfg.model.backbone
    layout = _fact(cfg, _step_arg(steps, 'GenSkeFeat', 'layout')
                   or backbone.get('graph_cfg', {}).get('layout'), 'layout',
                   'GenSkeFeat(layout=...) or the backbone\'s graph_cfg.layout')
    persons = _fact(cfg, _step_arg(steps, 'FormatGCNInput', 'num_persons')
                    or _step_arg(steps, 'FormatGCNInput', 'num_person'),  # mmaction2's name
                    'num_persons', 'FormatGCNInput(num_persons=...)')
    clip_len = _fact(cfg, _step_arg(steps, 'UniformSampleFrames', 'clip_len'), 'clip_len',
                     'UniformSampleFrames(clip_len=...)')
    in_channels = backbone.get('in_channels', 3)
    num_feats = len(_step_arg(steps, 'GenSkeFeat', 'feats') or ('j',))
    return InputSpec(layout=get_layout(layout), num_persons=int(persons),
                     clip_len=int(clip_len), in_channels=in_channels,
                     channels=in_channels // num_feats,
                     is_2d=any(s.get('type') == 'PreNormalize2D' for s in steps),
                     input_format=input_format)
