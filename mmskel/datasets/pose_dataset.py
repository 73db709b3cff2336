"""PoseDataset: skeleton samples from an annotation pickle."""
from typing import Callable, List, Mapping, Optional, Sequence, Union

from mmengine.dataset import BaseDataset

from mmskel.registry import DATASETS
from mmskel.utils.pipeline import pipeline_steps
from .io import load_annotations


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
                 trusted: bool = False, repeat: int = 1, test_mode: bool = False,
                 **kwargs) -> None:
        if repeat < 1:
            raise ValueError(f'PoseDataset({ann_file}): repeat must be >= 1, got {repeat}')
        self.split = split
        self.class_subset = list(class_subset) if class_subset is not None else None
        self.trusted, self.repeat = trusted, repeat
        super().__init__(ann_file=ann_file,
                         pipeline=pipeline_steps(pipeline, f'pipeline of {ann_file}'),
                         test_mode=test_mode, **kwargs)

    def load_data_list(self) -> List[dict]:
        data = load_annotations(self.ann_file, trusted=self.trusted)
        samples = data['annotations']
        if self.split is not None:
            if self.split not in data['split']:
                raise KeyError(f'{self.ann_file}: no split {self.split!r}; the file has '
                               f'{sorted(data["split"])}')
            keep = set(data['split'][self.split])
            samples = [s for s in samples if s['frame_dir'] in keep]
        if self.class_subset is not None:
            mapping = {label: i for i, label in enumerate(self.class_subset)}
            samples = [dict(s, label=mapping[s['label']]) for s in samples
                       if s['label'] in mapping]
        if 'classes' in data and 'classes' not in self._metainfo:
            classes = list(data['classes'])
            if self.class_subset is not None:
                classes = [classes[i] for i in self.class_subset]
            self._metainfo['classes'] = classes
        return [dict(s, total_frames=s.get('total_frames', s['keypoint'].shape[1]))
                for s in samples] * self.repeat

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)  # already a copy
        info['test_mode'] = self.test_mode
        return info
