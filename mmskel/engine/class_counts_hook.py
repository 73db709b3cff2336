"""Give losses that weigh classes by their frequency the training set's class counts."""
from typing import Dict

import numpy as np
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmskel.registry import HOOKS


def class_counts(dataset, num_classes: int) -> np.ndarray:
    """Samples per class in ``dataset``, each ``frame_dir`` counted once (a sample repeated by
    ``PoseDataset(repeat=N)`` or ``RepeatDataset`` counts as one, as in the annotation file)."""
    labels: Dict[str, int] = {}
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        labels[info.get('frame_dir', index)] = int(info['label'])
    counts = np.bincount(np.asarray(list(labels.values()), dtype=np.int64),
                         minlength=num_classes)
    if len(counts) > num_classes:
        raise ValueError(f'the training set has label {len(counts) - 1}, not below '
                         f'num_classes={num_classes}')
    return counts


@HOOKS.register_module()
class ClassCountsHook(Hook):
    """Before training, call ``set_class_counts(counts)`` on every module of the model that has
    it (``FocalLoss(class_weight='balanced')``), with the training set's samples per class.

    Models without such a module are left alone, so every config's runtime carries this hook.
    """

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        modules = [m for m in model.modules() if getattr(m, 'balanced', False)
                   and hasattr(m, 'set_class_counts')]
        if not modules:
            return
        dataset = runner.train_dataloader.dataset
        for module in modules:
            counts = class_counts(dataset, len(module.class_weight))
            module.set_class_counts(counts)
            runner.logger.info(f'{type(module).__name__}: class-balanced weights from '
                               f'{int(counts.sum())} training samples of {len(counts)} classes')
