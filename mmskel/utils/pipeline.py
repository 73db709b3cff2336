"""Pipelines in configs: a list of transforms, or a dict of named steps with their ``order``."""
from typing import Mapping, Sequence, Union


def pipeline_steps(pipeline: Union[Sequence, Mapping], where: str = 'pipeline') -> list:
    """The transforms of a pipeline given as a list, or as a dict of named steps.

    A dict of named steps lists its step names under ``order``, the order they run in: mmengine
    writes configs (``Config.dump``, ``mim download``) with their keys sorted, so the dict's own
    key order is not kept. A step set to None is left out. ``where`` names the pipeline in errors.
    """
    if not isinstance(pipeline, Mapping):
        return list(pipeline)
    steps = {name: step for name, step in pipeline.items() if name != 'order'}
    order = pipeline.get('order')
    if order is None:
        raise ValueError(
            f'{where}: a pipeline written as a dict of named steps needs "order", the list of its '
            f'step names in the order they run (mmengine writes configs with sorted keys, which '
            f'would reorder the steps); got steps {list(steps)}')
    unknown = [name for name in order if name not in steps]
    unordered = [name for name, step in steps.items() if name not in order and step is not None]
    if unknown or unordered or len(set(order)) != len(order):
        raise ValueError(
            f'{where}: "order" {list(order)} must name each step once; '
            f'not defined: {unknown}, defined but not ordered: {unordered}')
    return [steps[name] for name in order if steps[name] is not None]
