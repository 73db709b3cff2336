"""Adjacency builders over the layouts of :mod:`mmskel.structures.layouts`.

Every builder returns a float32 array [K, V, V]: K subsets (partitions) of the graph, where
``A[k, i, j]`` weights the message from joint ``i`` to joint ``j`` (graph convolutions compute
``einsum('nkctv,kvw->nctw', x, A)``).
"""
from typing import Union

import numpy as np

from mmskel.structures.layouts import Layout, get_layout


def edge_matrix(edges, num_nodes: int) -> np.ndarray:
    """Matrix with ``A[j, i] = 1`` for every edge ``(i, j)``."""
    matrix = np.zeros((num_nodes, num_nodes), dtype=np.float64)
    for i, j in edges:
        matrix[j, i] = 1
    return matrix


def normalize_digraph(matrix: np.ndarray) -> np.ndarray:
    """Divide each column by its sum (``A D^-1``); empty columns stay zero."""
    degree = matrix.sum(axis=0)
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    return matrix * inverse[None, :]


def hop_distance(layout: Layout, max_hop: int = 1) -> np.ndarray:
    """Shortest-path hop count between joints [V, V]; ``inf`` beyond ``max_hop``."""
    num = layout.num_joints
    adjacency = np.eye(num)
    for i, j in layout.inward:
        adjacency[i, j] = adjacency[j, i] = 1
    distance = np.full((num, num), np.inf)
    reach = [np.linalg.matrix_power(adjacency, d) > 0 for d in range(max_hop + 1)]
    for d in range(max_hop, -1, -1):
        distance[reach[d]] = d
    return distance


def stgcn_spatial(layout: Layout, max_hop: int = 1) -> np.ndarray:
    """ST-GCN's spatial partition (Yan et al., AAAI 2018): for each hop distance, neighbours at
    least as far from the centre as the root joint ("close") and those nearer ("further").

    Returns [2 * max_hop + 1, V, V]; 3 subsets for ``max_hop=1``.
    """
    num, center = layout.num_joints, layout.center
    hops = hop_distance(layout, max_hop)
    normalized = normalize_digraph((hops <= max_hop).astype(np.float64))
    subsets = []
    for hop in range(max_hop + 1):
        close, further = np.zeros((num, num)), np.zeros((num, num))
        for i in range(num):
            for j in range(num):
                if hops[j, i] != hop:
                    continue
                target = close if hops[j, center] >= hops[i, center] else further
                target[j, i] = normalized[j, i]
        subsets.append(close)
        if hop > 0:
            subsets.append(further)
    return np.stack(subsets)


def spatial(layout: Layout) -> np.ndarray:
    """Three subsets: identity, inward (towards the centre) and outward, each normalised."""
    num = layout.num_joints
    return np.stack([np.eye(num),
                     normalize_digraph(edge_matrix(layout.inward, num)),
                     normalize_digraph(edge_matrix(layout.outward, num))])


def binary_adj(layout: Layout) -> np.ndarray:
    """One subset: the symmetric 0/1 adjacency without self loops."""
    num = layout.num_joints
    return edge_matrix(layout.inward + layout.outward, num)[None]


def k_hop_adjacency(matrix: np.ndarray, k: int, with_self: bool = False) -> np.ndarray:
    """Joints exactly ``k`` hops apart in the graph of ``matrix`` [V, V] (MS-G3D's
    disentangled neighbourhood); ``k=0`` is the identity.

    Args:
        matrix (np.ndarray): Adjacency [V, V], nonzero where joints are linked.
        k (int): Hop distance.
        with_self (bool): Add self loops (ignored for ``k=0``). Defaults to False.

    Returns:
        np.ndarray: 0/1 matrix [V, V].
    """
    identity = np.eye(len(matrix))
    if k == 0:
        return identity
    step = (matrix + identity) > 0
    within = [identity > 0]  # within[d]: joints at most d hops apart
    for _ in range(k):
        within.append((within[-1].astype(np.float64) @ step) > 0)
    exact = (within[k] & ~within[k - 1]).astype(np.float64)
    return exact + identity if with_self else exact


def multiscale_adjacency(matrix: np.ndarray, num_scales: int) -> np.ndarray:
    """MS-G3D's disentangled multi-scale adjacency: for hop ``k < num_scales`` the
    normalised k-hop matrix with self loops (``k=0``: the identity).

    Args:
        matrix (np.ndarray): Adjacency [V, V].
        num_scales (int): Number of scales K.

    Returns:
        np.ndarray: [K, V, V] float64.
    """
    return np.stack([normalize_digraph(k_hop_adjacency(matrix, k, with_self=True))
                     for k in range(num_scales)])


GRAPH_MODES = {'stgcn_spatial': stgcn_spatial, 'spatial': spatial, 'binary_adj': binary_adj}


class Graph:
    """A layout's adjacency for a graph convolution.

    Args:
        layout (str | dict | Layout): Layout name or custom dict.
        mode (str): One of ``'stgcn_spatial'``, ``'spatial'``, ``'binary_adj'``.
        max_hop (int): Neighbourhood radius for ``'stgcn_spatial'``. Defaults to 1.

    Attributes:
        A (np.ndarray): [K, V, V] float32.

    Example:
        >>> Graph('nturgb+d', mode='spatial').A.shape
        (3, 25, 25)
    """

    def __init__(self, layout: Union[str, dict, Layout] = 'nturgb+d',
                 mode: str = 'spatial', max_hop: int = 1) -> None:
        if mode not in GRAPH_MODES:
            raise ValueError(f'graph mode must be one of {sorted(GRAPH_MODES)}, got {mode!r}')
        self.layout = get_layout(layout)
        self.mode = mode
        kwargs = {'max_hop': max_hop} if mode == 'stgcn_spatial' else {}
        self.A = GRAPH_MODES[mode](self.layout, **kwargs).astype(np.float32)

    @property
    def num_nodes(self) -> int:
        return self.layout.num_joints
