from .io import (AnnotationError, RestrictedUnpickler, dump_annotations, load_annotations,
                 load_pickle, validate_annotations)
from .pose_dataset import PoseDataset, pipeline_steps
from .transforms import *  # noqa: F401,F403

__all__ = ['AnnotationError', 'PoseDataset', 'RestrictedUnpickler', 'dump_annotations',
           'load_annotations', 'load_pickle', 'pipeline_steps', 'validate_annotations']
