"""mmskel registries: children of mmengine's root registries, default scope ``mmskel``.

A config names a class by its registered name (``type='STGCN'``); the Runner builds it from the
child registry, falling back to mmengine's root registries for shared parts (optimizers, hooks).
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry


def _child(name: str, parent: Registry, location: str) -> Registry:
    return Registry(name, parent=parent, locations=[location])


RUNNERS = _child('runner', MMENGINE_RUNNERS, 'mmskel.engine')
LOOPS = _child('loop', MMENGINE_LOOPS, 'mmskel.engine')
HOOKS = _child('hook', MMENGINE_HOOKS, 'mmskel.engine')
LOG_PROCESSORS = _child('log_processor', MMENGINE_LOG_PROCESSORS, 'mmskel.engine')
OPTIMIZERS = _child('optimizer', MMENGINE_OPTIMIZERS, 'mmskel.engine')
OPTIM_WRAPPERS = _child('optim_wrapper', MMENGINE_OPTIM_WRAPPERS, 'mmskel.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS, 'mmskel.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', MMENGINE_PARAM_SCHEDULERS, 'mmskel.engine')
DATASETS = _child('dataset', MMENGINE_DATASETS, 'mmskel.datasets')
DATA_SAMPLERS = _child('data sampler', MMENGINE_DATA_SAMPLERS, 'mmskel.datasets')
TRANSFORMS = _child('transform', MMENGINE_TRANSFORMS, 'mmskel.datasets.transforms')
MODELS = _child('model', MMENGINE_MODELS, 'mmskel.models')
WEIGHT_INITIALIZERS = _child('weight initializer', MMENGINE_WEIGHT_INITIALIZERS, 'mmskel.models')
MODEL_WRAPPERS = _child('model_wrapper', MMENGINE_MODEL_WRAPPERS, 'mmskel.models')
METRICS = _child('metric', MMENGINE_METRICS, 'mmskel.evaluation')
EVALUATOR = _child('evaluator', MMENGINE_EVALUATOR, 'mmskel.evaluation')
VISUALIZERS = _child('visualizer', MMENGINE_VISUALIZERS, 'mmskel.visualization')
VISBACKENDS = _child('vis_backend', MMENGINE_VISBACKENDS, 'mmskel.visualization')
FUNCTIONS = _child('function', MMENGINE_FUNCTIONS, 'mmskel.utils')
