from mmskel.utils.pipeline import pipeline_steps
from mmskel.utils.safe_pickle import RestrictedUnpickler, load_pickle
from .io import AnnotationError, dump_annotations, load_annotations, validate_annotations
from .pose_dataset import PoseDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['AnnotationError', 'PoseDataset', 'RestrictedUnpickler', 'dump_annotations',
           'load_annotations', 'load_pickle', 'pipeline_steps', 'validate_annotations']
