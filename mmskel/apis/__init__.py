"""User-facing APIs: the model zoo (look-up by name, download) and inference."""
from .inference import InferenceResult, inference_skeleton, init_recognizer
from .zoo import download, load_model_index, resolve_checkpoint, weights_url

__all__ = ['InferenceResult', 'inference_skeleton', 'init_recognizer', 'download',
           'load_model_index', 'resolve_checkpoint', 'weights_url']
