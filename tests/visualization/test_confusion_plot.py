"""Confusion-matrix plot and most confused pairs."""
import numpy as np
import pytest
from PIL import Image

from mmskel.visualization.confusion import most_confused, plot_confusion_matrix


def test_most_confused_orders_off_diagonal_counts():
    matrix = np.array([[5, 3, 0], [1, 4, 2], [0, 3, 9]])
    assert most_confused(matrix, top=3) == [(0, 1, 3), (2, 1, 3), (1, 2, 2)]
    assert most_confused(np.eye(3, dtype=int) * 4) == []


def test_plot_writes_png_and_normalizes_rows(tmp_path):
    matrix = np.array([[3, 1], [0, 0]])
    out = tmp_path / 'cm.png'
    values = plot_confusion_matrix(matrix, str(out), ['a', 'b'], normalize=True, dpi=50)
    np.testing.assert_allclose(values, [[0.75, 0.25], [0, 0]])  # an empty row stays 0
    image = Image.open(out)
    assert image.format == 'PNG' and image.size == (300, 300)  # 6 inches at 50 dpi
    pixels = np.asarray(image.convert('RGB'))
    assert (pixels.min(-1) < 100).any()  # the dark cell of 0.75 is drawn


def test_plot_rejects_mismatched_names(tmp_path):
    with pytest.raises(ValueError, match='3 class names for a 2-class'):
        plot_confusion_matrix(np.eye(2), str(tmp_path / 'cm.png'), ['a', 'b', 'c'])
