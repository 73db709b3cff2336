"""Visualisation with matplotlib: skeleton animation, heatmap volumes, confusion matrices,
training curves."""
from .confusion import most_confused, plot_confusion_matrix
from .curves import RunLog, load_run_log, plot_curves, train_time
from .heatmap import HeatmapClip, heatmap_clip, render_heatmaps
from .skeleton import animate_skeleton

__all__ = ['animate_skeleton', 'HeatmapClip', 'heatmap_clip', 'render_heatmaps', 'most_confused',
           'plot_confusion_matrix', 'RunLog', 'load_run_log', 'plot_curves', 'train_time']
