"""Visualisation with matplotlib: skeleton animation, confusion matrices, training curves."""
from .confusion import most_confused, plot_confusion_matrix
from .curves import RunLog, load_run_log, plot_curves, train_time
from .skeleton import animate_skeleton, guess_layout

__all__ = ['animate_skeleton', 'guess_layout', 'most_confused', 'plot_confusion_matrix',
           'RunLog', 'load_run_log', 'plot_curves', 'train_time']
