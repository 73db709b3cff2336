"""Confusion matrix plot and the most confused class pairs."""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmskel.utils import atomic_open


def most_confused(matrix: np.ndarray, top: int = 10) -> List[Tuple[int, int, int]]:
    """The ``top`` off-diagonal cells of a confusion matrix, largest count first.

    Args:
        matrix (np.ndarray): [K, K] counts, row = true class, column = predicted class.
        top (int): How many pairs. Defaults to 10.

    Returns:
        list[tuple]: ``(true class, predicted class, count)`` with count > 0; ties are broken
        by class order.
    """
    off = np.asarray(matrix).copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None, kind='stable')[:top]
    pairs = [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(order, off.shape))]
    return [p for p in pairs if p[2] > 0]


def plot_confusion_matrix(matrix: np.ndarray, out_file: str,
                          classes: Optional[Sequence[str]] = None, normalize: bool = False,
                          title: str = 'Confusion matrix', dpi: int = 100) -> np.ndarray:
    """Draw a confusion matrix as a PNG, writing it atomically.

    Args:
        matrix (np.ndarray): [K, K] counts, row = true class, column = predicted class.
        out_file (str): ``.png`` path.
        classes (Sequence[str], optional): [K] names; numbers when None.
        normalize (bool): Show each row as fractions of the true class (empty rows stay 0).
        title (str): Figure title.
        dpi (int): Dots per inch; the figure side grows with K (at least 6 inches).

    Returns:
        np.ndarray: [K, K] the values drawn (fractions when ``normalize``).
    """
    matrix = np.asarray(matrix)
    num = matrix.shape[0]
    if matrix.ndim != 2 or matrix.shape[1] != num:
        raise ValueError(f'a confusion matrix must be [K, K], got shape {matrix.shape}')
    if classes is not None and len(classes) != num:
        raise ValueError(f'{len(classes)} class names for a {num}-class confusion matrix')
    values = matrix.astype(np.float64)
    if normalize:
        totals = values.sum(1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    names = list(classes) if classes is not None else [str(i) for i in range(num)]

    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend

    side = max(6.0, 0.45 * num + 2)
    fig = Figure(figsize=(side, side), dpi=dpi)
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap='Blues', vmin=0, vmax=1 if normalize else None)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set(xticks=range(num), yticks=range(num), xlabel='predicted', ylabel='true',
           title=title)
    ax.set_xticklabels(names, rotation=90, fontsize=8)
    ax.set_yticklabels(names, fontsize=8)
    if num <= 30:  # numbers stay readable up to about 30 classes
        high = values.max() / 2 if values.size else 0
        for i in range(num):
            for j in range(num):
                text = f'{values[i, j]:.2f}' if normalize else str(int(matrix[i, j]))
                ax.text(j, i, text, ha='center', va='center', fontsize=7,
                        color='white' if values[i, j] > high else 'black')
    fig.tight_layout()
    with atomic_open(out_file, 'wb') as f:
        fig.savefig(f, format='png', dpi=dpi)
    return values
