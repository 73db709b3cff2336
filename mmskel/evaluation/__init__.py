from .acc_metric import AccMetric, dump_results, stack_results
from .dump import DumpSamples
from .functional import confusion_matrix, mean_class_accuracy, top_k_accuracy

__all__ = ['AccMetric', 'DumpSamples', 'dump_results', 'stack_results', 'confusion_matrix',
           'mean_class_accuracy', 'top_k_accuracy']
