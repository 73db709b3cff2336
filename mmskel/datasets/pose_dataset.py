"""PoseDataset: skeleton samples from an annotation pickle."""
from numbers import Integral
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple, Union

from mmengine.dataset import BaseDataset

from mmskel.registry import DATASETS
from mmskel.structures.layouts import load_layout
from mmskel.utils.pipeline import pipeline_steps
from .io import annotation_layout, check_labels, load_annotations


@DATASETS.register_module()
class PoseDataset(BaseDataset):
    """Skeleton dataset over an annotation pickle (pyskl/mmaction2 format).

    Args:
        ann_file (str): Annotation pickle.
        pipeline (list | dict): Transforms applied to each sample: a list, or a dict of named
            steps whose ``order`` lists their names in the order they run (a step set to None
            is left out). Named steps let a config that inherits change one step, e.g.
            ``pipeline=dict(feats=dict(feats=['b']))``.
        split (str, optional): Split name in the pickle's ``split`` dict; None keeps all samples.
        class_subset (Sequence[int], optional): Keep only these labels, renumbered 0..k-1 in the
            given order.
        num_classes (int, optional): The number of classes the model tells apart; a kept
            sample whose (renumbered) label is not below it is refused at load time, naming
            the file, the sample and the label. Configs get it from the dataset base's
            ``num_classes`` (see :func:`pass_num_classes`). Labels are also checked against
            the pickle's ``classes`` and an explicit ``metainfo=dict(classes=...)``.
        layout (str | dict, optional): The layout the config's pipeline and model assume (a
            built-in name, a custom layout dict or a json file). When the pickle carries its
            own ``layout`` too, both must put the same joints in the same order, else the
            dataset is refused at load time, naming the file and both layouts (a model would
            otherwise train on scrambled joints). Configs get it from the dataset base's
            ``layout`` (see :func:`pass_layout`).
        trusted (bool): Load the pickle with the plain unpickler. Defaults to False.
        repeat (int): Each sample appears this many times per epoch (CTR-GCN's ``repeat``).
            Unlike wrapping the dataset in ``RepeatDataset``, the pipeline stays at
            ``dataset.pipeline``, where stream variants change it by name. Defaults to 1.
        test_mode (bool): Evaluation mode (deterministic sampling). Defaults to False.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset` (``metainfo``, ...).

    Example:
        >>> ds = PoseDataset('nwucla_3danno.pkl', pipeline=[], split='val')
        >>> ds[0]['keypoint'].shape  # [M, T, V, C]
        (1, 36, 20, 3)
    """

    def __init__(self, ann_file: str,
                 pipeline: Union[Sequence[Union[dict, Callable]], Mapping] = (),
                 split: Optional[str] = None, class_subset: Optional[Sequence[int]] = None,
                 num_classes: Optional[int] = None, layout: Union[str, dict, None] = None,
                 trusted: bool = False, repeat: int = 1, test_mode: bool = False,
                 **kwargs) -> None:
        if repeat < 1:
            raise ValueError(f'PoseDataset({ann_file}): repeat must be >= 1, got {repeat}')
        if num_classes is not None and (not isinstance(num_classes, Integral)
                                        or isinstance(num_classes, bool) or num_classes < 1):
            raise ValueError(f'PoseDataset({ann_file}): num_classes must be an int >= 1, got '
                             f'{num_classes!r}')
        self.split, self.num_classes, self.layout = split, num_classes, layout
        self.class_subset = list(class_subset) if class_subset is not None else None
        self.trusted, self.repeat = trusted, repeat
        super().__init__(ann_file=ann_file,
                         pipeline=pipeline_steps(pipeline, f'pipeline of {ann_file}'),
                         test_mode=test_mode, **kwargs)

    def load_data_list(self) -> List[dict]:
        data = load_annotations(self.ann_file, trusted=self.trusted)
        self._check_layout(data)
        # (index in the file, sample): errors name the sample as the file numbers it
        samples = list(enumerate(data['annotations']))
        if self.split is not None:
            if self.split not in data['split']:
                raise KeyError(f'{self.ann_file}: no split {self.split!r}; the file has '
                               f'{sorted(data["split"])}')
            keep = set(data['split'][self.split])
            samples = [(i, s) for i, s in samples if s['frame_dir'] in keep]
        if self.class_subset is not None:
            mapping = {label: i for i, label in enumerate(self.class_subset)}
            samples = [(i, dict(s, label=mapping[s['label']])) for i, s in samples
                       if s['label'] in mapping]
        if data.get('classes') is not None and 'classes' not in self._metainfo:
            self._metainfo['classes'] = self._subset_classes(list(data['classes']))
        for num_classes, source in self._class_counts():
            check_labels(samples, num_classes, self.ann_file, source)
        return [dict(s, total_frames=s.get('total_frames', s['keypoint'].shape[1]))
                for _, s in samples] * self.repeat

    def _check_layout(self, data: dict) -> None:
        """The pickle's own layout, when it states one, is the config's."""
        if self.layout is None:
            return
        stored = annotation_layout(data, self.ann_file)
        try:
            expected = load_layout(self.layout)[0]
        except (KeyError, ValueError, TypeError) as e:
            raise ValueError(f'PoseDataset({self.ann_file}): layout: '
                             f'{e.args[0] if e.args else e}') from e
        if stored is not None and not stored.same_joints(expected):
            raise ValueError(
                f"{self.ann_file}: the pickle's layout is {stored.name!r} "
                f'({stored.num_joints} joints, parents {list(stored.parents)}), but the config '
                f'says layout {expected.name!r} ({expected.num_joints} joints, parents '
                f'{list(expected.parents)}): another joint order or skeleton, on which the '
                "model would train scrambled; set the config's layout to the pickle's (the "
                'starter config the converter writes has it) or convert with the right --layout')

    def _subset_classes(self, classes: List[Any]) -> List[Any]:
        if self.class_subset is None:
            return classes
        outside = [i for i in self.class_subset if not 0 <= i < len(classes)]
        if outside:
            raise ValueError(f'{self.ann_file}: class_subset names labels {outside}, but the '
                             f"file's 'classes' has {len(classes)} (labels 0..{len(classes) - 1})")
        return [classes[i] for i in self.class_subset]

    def _class_counts(self) -> List[Tuple[int, str]]:
        """The known class counts that bound the labels, each with where it comes from."""
        counts = []
        if self.num_classes is not None:
            counts.append((self.num_classes, f'num_classes={self.num_classes} of the dataset'))
        if self._metainfo.get('classes') is not None:
            count = len(self._metainfo['classes'])
            counts.append((count, f"the dataset's metainfo names {count} classes"))
        return counts

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)  # already a copy
        info['test_mode'] = self.test_mode
        return info


def pass_num_classes(cfg: Any) -> Any:
    """Give every PoseDataset of a config's dataloaders the config's ``num_classes``.

    A dataset base states ``num_classes`` once (``configs/_base_/datasets/*.py``); the model
    reads it as ``{{_base_.num_classes}}`` and the datasets get it from here, so a label the
    model cannot predict is refused when the data loads rather than in the loss. A dataset that
    sets ``num_classes`` itself keeps it; a config without ``num_classes`` is left alone.
    Wrappers (``RepeatDataset``, ``ConcatDataset``, ...) are looked into.

    Args:
        cfg (Config | dict): The whole config, after ``--cfg-options``.

    Returns:
        The same config, changed in place.
    """
    return _pass_to_datasets(cfg, 'num_classes')


def pass_layout(cfg: Any) -> Any:
    """Give every PoseDataset of a config's dataloaders the config's ``layout``.

    The dataset base states ``layout`` once (``configs/_base_/datasets/*.py``, or the starter
    config the converter writes); its pipeline steps and the model's graph read it there, and
    the datasets get it from here, so that a pickle whose own layout differs is refused when
    the data loads (:class:`PoseDataset`). Works as :func:`pass_num_classes`: a dataset that
    sets ``layout`` itself keeps it; a config without ``layout`` is left alone.

    Args:
        cfg (Config | dict): The whole config, after ``--cfg-options``.

    Returns:
        The same config, changed in place.
    """
    return _pass_to_datasets(cfg, 'layout')


def _pass_to_datasets(cfg: Any, key: str) -> Any:
    """Set the config's top-level ``key`` as a default of every PoseDataset it builds."""
    value = cfg.get(key)
    if value is None:
        return cfg

    def visit(dataset: Any) -> None:
        if isinstance(dataset, (list, tuple)):
            for item in dataset:
                visit(item)
        if not isinstance(dataset, dict):
            return
        if _is_pose_dataset(dataset.get('type')):
            dataset.setdefault(key, value)
        visit(dataset.get('dataset'))
        visit(dataset.get('datasets'))

    for name in cfg:
        if name.endswith('_dataloader') and isinstance(cfg[name], dict):
            visit(cfg[name].get('dataset'))
    return cfg


def _is_pose_dataset(kind: Any) -> bool:
    if isinstance(kind, str):
        kind = DATASETS.get(kind)
    return isinstance(kind, type) and issubclass(kind, PoseDataset)
