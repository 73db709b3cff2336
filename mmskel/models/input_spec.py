"""What one clip of a config's model input is: read from the config, in one place, for
inference, FLOPs counting, ONNX export, the zoo tables and the tests."""
from dataclasses import dataclass
from typing import Optional, Tuple

from mmengine.config import Config

from mmskel.registry import MODELS
from mmskel.structures.layouts import Layout, get_layout
from mmskel.utils.pipeline import pipeline_steps


@dataclass(frozen=True)
class InputSpec:
    """One clip of the model's input as the config's test pipeline makes it.

    Attributes:
        layout (Layout): The skeleton layout (joints) of the pipeline and the model's graph.
        num_persons (int): M, persons per clip.
        clip_len (int): T, frames per clip.
        in_channels (int): C, channels per joint the backbone takes (all streams' features).
        channels (int): Channels per joint of the keypoints themselves (``in_channels`` over the
            number of features ``GenSkeFeat`` stacks): 3 for 3D joints or 2D + score.
        is_2d (bool): 2D keypoints with scores (the pipeline normalises with PreNormalize2D).
        input_format (str): The recognizer's axes of one clip, e.g. ``'MTVC'``.
    """
    layout: Layout
    num_persons: int
    clip_len: int
    in_channels: int
    channels: int
    is_2d: bool
    input_format: str

    @property
    def shape(self) -> Tuple[int, int, int, int]:
        """``(M, T, V, C)`` of one clip."""
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


def input_spec(cfg: Config, pipeline: Optional[list] = None) -> InputSpec:
    """The :class:`InputSpec` of ``cfg``'s model fed by ``pipeline`` (default: the config's
    test pipeline). Each value comes from the pipeline step or model argument that acts on it,
    else from the dataset facts of the config's top level (``layout``, ``num_persons``,
    ``clip_len``); nothing is guessed."""
    steps = pipeline_steps(pipeline if pipeline is not None
                           else cfg.test_dataloader.dataset.pipeline)
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
    recognizer = MODELS.get(cfg.model.type)
    return InputSpec(layout=get_layout(layout), num_persons=int(persons),
                     clip_len=int(clip_len), in_channels=in_channels,
                     channels=in_channels // num_feats,
                     is_2d=any(s.get('type') == 'PreNormalize2D' for s in steps),
                     input_format=getattr(recognizer, 'input_format', ''))
