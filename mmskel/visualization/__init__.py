"""Visualisation with matplotlib: skeleton animation, confusion matrices, training curves."""
from .confusion import most_confused, plot_confusion_matrix
from .curves import RunLog, load_run_log, plot_curves, train_time
from .skeleton import animate_skeleton

__all__ = ['animate_skeleton', 'most_confused', 'plot_confusion_matrix',
           'RunLog', 'load_run_log', 'plot_curves', 'train_time']
