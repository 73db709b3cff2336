"""Adjacency builders: shapes, normalisation, hand-computed values and ST-GCN's partition."""
from collections import deque

import numpy as np
import pytest

from mmskel.models.graphs import Graph, hop_distance, normalize_digraph
from mmskel.structures.layouts import LAYOUTS, get_layout

NAMES = sorted(LAYOUTS)
SUBSETS = {'stgcn_spatial': 3, 'spatial': 3, 'binary_adj': 1}


@pytest.mark.parametrize('mode', sorted(SUBSETS))
@pytest.mark.parametrize('name', NAMES)
def test_shapes_and_dtype(name, mode):
    graph = Graph(name, mode=mode)
    v = get_layout(name).num_joints
    assert graph.A.shape == (SUBSETS[mode], v, v)
    assert graph.A.dtype == np.float32
    assert graph.num_nodes == v
    assert np.all(graph.A >= 0)


@pytest.mark.parametrize('name', NAMES)
def test_spatial_identity_inward_outward(name):
    layout = get_layout(name)
    v = layout.num_joints
    A = Graph(name, mode='spatial').A
    np.testing.assert_array_equal(A[0], np.eye(v))
    inward_sums, outward_sums = A[1].sum(0), A[2].sum(0)
    has_children = {p for _, p in layout.inward}
    for j in range(v):
        # A[k, i, j] weights i -> j; column j of subset 1 holds j's parent (one per joint but
        # the centre), column j of subset 2 averages j's children
        assert inward_sums[j] == pytest.approx(1.0 if j != layout.center else 0.0)
        assert outward_sums[j] == pytest.approx(1.0 if j in has_children else 0.0)
    for child, parent in layout.inward:
        assert A[1, parent, child] == pytest.approx(1.0) and A[1, child, parent] == 0
        n_children = sum(p == parent for _, p in layout.inward)
        assert A[2, child, parent] == pytest.approx(1.0 / n_children)
        assert A[2, parent, child] == 0
    assert np.count_nonzero(A[1]) == np.count_nonzero(A[2]) == v - 1


@pytest.mark.parametrize('name', NAMES)
def test_binary_adjacency(name):
    layout = get_layout(name)
    A = Graph(name, mode='binary_adj').A[0]
    np.testing.assert_array_equal(A, A.T)
    assert set(np.unique(A)) == {0.0, 1.0}
    assert A.sum() == 2 * (layout.num_joints - 1)
    assert np.all(np.diag(A) == 0)
    for child, parent in layout.inward:
        assert A[child, parent] == A[parent, child] == 1


@pytest.mark.parametrize('name', NAMES)
def test_stgcn_spatial_sums_to_normalised_one_hop_adjacency(name):
    layout = get_layout(name)
    v = layout.num_joints
    A = Graph(name, mode='stgcn_spatial').A
    adjacency = np.eye(v)
    for child, parent in layout.inward:
        adjacency[child, parent] = adjacency[parent, child] = 1
    expected = adjacency / adjacency.sum(0, keepdims=True)
    np.testing.assert_allclose(A.sum(0), expected, rtol=1e-6)
    np.testing.assert_allclose(A.sum((0, 1)), np.ones(v), rtol=1e-6)  # columns sum to 1
    np.testing.assert_allclose(A[0], np.diag(np.diag(expected)), rtol=1e-6)
    # the three subsets do not overlap
    assert np.all((A > 0).sum(0) <= 1)


def test_stgcn_spatial_three_joint_chain_by_hand():
    # 0 - 1 - 2 with the centre in the middle; degrees with self loops: 2, 3, 2
    A = Graph(dict(parents=[1, 1, 1], center=1), mode='stgcn_spatial').A
    expected = np.array([
        np.diag([1 / 2, 1 / 3, 1 / 2]),
        # neighbour at least as far from the centre as the receiving joint: 0 -> 1, 2 -> 1
        [[0, 1 / 3, 0], [0, 0, 0], [0, 1 / 3, 0]],
        # neighbour nearer the centre: 1 -> 0, 1 -> 2
        [[0, 0, 0], [1 / 2, 0, 1 / 2], [0, 0, 0]],
    ])
    np.testing.assert_allclose(A, expected, rtol=1e-6)


def test_spatial_and_binary_three_joint_chain_by_hand():
    layout = dict(parents=[0, 0, 1], center=0)  # 0 <- 1 <- 2
    A = Graph(layout, mode='spatial').A
    np.testing.assert_array_equal(A[1], [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(A[2], [[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(Graph(layout, mode='binary_adj').A[0],
                                  [[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_star_layout_by_hand():
    # a centre with three leaves: the centre's outward column averages its three children
    A = Graph(dict(parents=[0, 0, 0, 0], center=0), mode='spatial').A
    np.testing.assert_allclose(A[2][:, 0], [0, 1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(A[1][0], [0, 1, 1, 1])
    np.testing.assert_allclose(A[1][:, 0], 0)


def test_normalize_digraph_leaves_empty_columns_zero():
    m = np.array([[1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(normalize_digraph(m), [[0.25, 0.0], [0.75, 0.0]])


def test_hop_distance_truncates_beyond_max_hop():
    chain = get_layout(dict(parents=[0, 0, 1, 2], center=0))
    d1 = hop_distance(chain, max_hop=1)
    assert d1[0, 1] == 1 and d1[0, 0] == 0 and np.isinf(d1[0, 2])
    d3 = hop_distance(chain, max_hop=3)
    np.testing.assert_array_equal(d3[0], [0, 1, 2, 3])


def test_unknown_mode():
    with pytest.raises(ValueError, match='stgcn_spatial'):
        Graph('coco', mode='agcn')


def test_max_hop_two_gives_five_subsets():
    A = Graph('coco', mode='stgcn_spatial', max_hop=2).A
    assert A.shape == (5, 17, 17)
    np.testing.assert_allclose(A.sum((0, 1)), np.ones(17), rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# An independent ST-GCN spatial partition (Yan et al., AAAI 2018, Sec. 3.4 "spatial
# configuration partitioning"): for the receiving (root) joint i, the neighbour j belongs to
#   subset 0 if j is i itself,
#   subset 1 if j is at least as far from the centre as i (centrifugal side),
#   subset 2 if j is nearer the centre than i (centripetal side),
# weighted by 1 / deg(i) over the 1-hop neighbourhood with self loop.


def _neighbours(layout):
    nbrs = {j: {j} for j in range(layout.num_joints)}
    for child, parent in layout.inward:
        nbrs[child].add(parent)
        nbrs[parent].add(child)
    return nbrs


def _bfs_distance_to_centre(layout):
    nbrs, dist = _neighbours(layout), {layout.center: 0}
    queue = deque([layout.center])
    while queue:
        k = queue.popleft()
        for n in nbrs[k]:
            if n not in dist:
                dist[n] = dist[k] + 1
                queue.append(n)
    return [dist[j] for j in range(layout.num_joints)]


def _paper_partition(layout, dist_to_centre):
    v = layout.num_joints
    nbrs = _neighbours(layout)
    A = np.zeros((3, v, v))
    for i in range(v):  # receiving joint
        for j in nbrs[i]:  # sending joint
            if j == i:
                k = 0
            elif dist_to_centre[j] >= dist_to_centre[i]:
                k = 1
            else:
                k = 2
            A[k, j, i] = 1.0 / len(nbrs[i])
    return A


def test_stgcn_spatial_matches_reference_partition_ntu():
    layout = get_layout('nturgb+d')
    A = Graph('nturgb+d', mode='stgcn_spatial').A
    # ST-GCN's released code (and mmaction2, pyskl, whose checkpoints mmskel loads) measure the
    # distance to the centre with hops truncated at max_hop=1: joints two or more hops away are
    # all "infinitely" far, so an edge between two of them always falls in subset 1.
    truncated = [d if d <= 1 else np.inf for d in _bfs_distance_to_centre(layout)]
    np.testing.assert_allclose(A, _paper_partition(layout, truncated), rtol=1e-6, atol=0)


def test_stgcn_spatial_versus_true_centre_distances_ntu():
    """With true (untruncated) distances only edges beyond the centre's ring change side."""
    layout = get_layout('nturgb+d')
    A = Graph('nturgb+d', mode='stgcn_spatial').A
    true = _paper_partition(layout, _bfs_distance_to_centre(layout))
    np.testing.assert_allclose(A[0], true[0], rtol=1e-6)
    np.testing.assert_allclose(A.sum(0), true.sum(0), rtol=1e-6)
    dist = _bfs_distance_to_centre(layout)
    moved = np.argwhere(~np.isclose(A[2], true[2]))
    # every moved entry is a message from parent to child, both at least 2 hops from the centre
    assert len(moved) > 0
    for j, i in moved:
        assert layout.parents[i] == j and dist[i] >= 2 and dist[j] >= 2
        assert A[2, j, i] == 0 and A[1, j, i] == pytest.approx(true[2, j, i])
    # the ring around the centre (joints 1, 2, 4, 8 and the centre 20) is partitioned exactly
    ring = [j for j in range(25) if dist[j] <= 1]
    assert ring == [1, 2, 4, 8, 20]
    np.testing.assert_allclose(A[:, ring][:, :, ring], true[:, ring][:, :, ring], rtol=1e-6)
    # edges to joints at distance 2 are still split correctly (receiving joint on the ring)
    assert A[2, 20, 4] > 0 and A[1, 5, 4] > 0
