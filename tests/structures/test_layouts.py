"""Built-in and custom skeleton layouts: one table for bones, graph edges and flips."""
import pytest

from mmskel.structures.layouts import LAYOUTS, Layout, get_layout

# name -> (joints, centre, pyskl bone differences {joint: pyskl parent}, 0-based)
EXPECTED = {
    'nturgb+d': (25, 20, {21: 22, 23: 24}),  # hand tips hang from the thumbs in pyskl
    'coco': (17, 0, {11: 0, 12: 0}),  # hips hang from the nose in pyskl
    'openpose': (18, 1, {0: 0, 1: 0}),  # pyskl roots the bones at the nose
    'nw-ucla': (20, 2, {}),
    'handmp': (21, 0, {}),
}


def test_every_builtin_layout_is_covered():
    assert set(LAYOUTS) == set(EXPECTED)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_sizes_and_centre(name):
    layout = get_layout(name)
    num_joints, center, _ = EXPECTED[name]
    assert layout.name == name
    assert layout.num_joints == num_joints == len(layout.joint_names)
    assert len(set(layout.joint_names)) == num_joints
    assert layout.center == center
    assert layout.parents[center] == center
    # exactly one root, and a tree has V - 1 edges
    assert [j for j, p in enumerate(layout.parents) if j == p] == [center]
    assert len(layout.inward) == len(layout.outward) == num_joints - 1
    assert layout.outward == [(p, c) for c, p in layout.inward]
    assert all(layout.parents[c] == p for c, p in layout.inward)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_parents_form_a_tree_rooted_at_the_centre(name):
    layout = get_layout(name)
    for joint in range(layout.num_joints):
        path, k = [joint], joint
        while layout.parents[k] != k:
            k = layout.parents[k]
            assert k not in path, f'cycle through joint {k}'
            path.append(k)
        assert k == layout.center


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_flip_pairs_swap_left_and_right(name):
    layout = get_layout(name)
    flip = layout.flip_index
    assert sorted(flip) == list(range(layout.num_joints))
    assert [flip[flip[j]] for j in range(layout.num_joints)] == list(range(layout.num_joints))
    names = layout.joint_names
    for j, joint_name in enumerate(names):
        if joint_name.startswith('left_'):
            assert names[flip[j]] == 'right_' + joint_name[len('left_'):]
        elif joint_name.startswith('right_'):
            assert names[flip[j]] == 'left_' + joint_name[len('right_'):]
        else:  # joints on the midline stay where they are
            assert flip[j] == j
    # flipping maps the tree onto itself: the mirror of a bone is a bone
    edges = set(layout.inward)
    assert {(flip[c], flip[p]) for c, p in edges} == edges


def test_flip_pair_counts():
    assert {name: len(get_layout(name).flip_pairs) for name in EXPECTED} == {
        'nturgb+d': 10, 'coco': 8, 'openpose': 8, 'nw-ucla': 8, 'handmp': 0}


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_pyskl_bone_table_differs_only_where_documented(name):
    layout = get_layout(name)
    tree, pyskl = layout.bone_parents('tree'), layout.bone_parents('pyskl')
    assert tree == layout.parents
    diff = {j: pyskl[j] for j in range(layout.num_joints) if pyskl[j] != tree[j]}
    assert diff == EXPECTED[name][2]


def test_ntu_parents_in_kinect_numbering():
    # A few anatomical checks, 1-based Kinect v2 joint numbers as in the NTU docs.
    layout = get_layout('nturgb+d')
    one_based = {j + 1: p + 1 for j, p in enumerate(layout.parents)}
    assert one_based[4] == 3  # head -> neck
    assert one_based[1] == 2  # spine base -> spine mid
    assert one_based[22] == 8 and one_based[23] == 8  # left tip / thumb -> left hand
    assert one_based[24] == 12 and one_based[25] == 12  # right tip / thumb -> right hand
    pyskl = {j + 1: p + 1 for j, p in enumerate(layout.bone_parents('pyskl'))}
    assert pyskl[22] == 23 and pyskl[24] == 25  # pyskl: hand tip -> thumb


def test_unknown_bone_convention():
    with pytest.raises(ValueError, match="'tree' or 'pyskl'"):
        get_layout('coco').bone_parents('mmaction')


def test_unknown_layout_name_lists_the_builtins():
    with pytest.raises(KeyError, match='nturgb\\+d'):
        get_layout('kinect')


def test_custom_layout_dict():
    layout = get_layout(dict(name='my_hand', num_joints=5, parents=[0, 0, 1, 2, 3], center=0,
                             flip_pairs=[], joint_names=['wrist', 'a', 'b', 'c', 'd']))
    assert isinstance(layout, Layout)
    assert layout.name == 'my_hand'
    assert layout.num_joints == 5
    assert layout.inward == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert layout.bone_parents('pyskl') == layout.parents == (0, 0, 1, 2, 3)
    assert layout.flip_index == [0, 1, 2, 3, 4]
    assert get_layout(layout) is layout


def test_custom_layout_defaults():
    layout = get_layout(dict(parents=[1, 1, 1], center=1, flip_pairs=[(0, 2)]))
    assert layout.name == 'custom'
    assert layout.joint_names == ('joint_0', 'joint_1', 'joint_2')
    assert layout.flip_index == [2, 1, 0]


@pytest.mark.parametrize('layout, message', [
    (dict(name='cyc', parents=[0, 2, 1], center=0), 'cycle'),
    (dict(name='ctr', parents=[0, 0, 1], center=1), 'centre 1'),
    (dict(name='ctr2', parents=[0, 0, 1], center=3), 'centre 3'),
    (dict(name='rng', parents=[0, 0, 5], center=0), r'\[0, 3\)'),
    (dict(name='neg', parents=[0, -1, 0], center=0), r'\[0, 3\)'),
    (dict(name='two_roots', parents=[0, 1, 0], center=0), 'does not reach centre 0'),
    (dict(name='names', parents=[0, 0], center=0, joint_names=['a']), '1 joint names for 2'),
    (dict(name='flip', parents=[0, 0], center=0, flip_pairs=[(0, 7)]), 'flip pair'),
    (dict(name='pysk', parents=[0, 0], center=0, pyskl_parents=[0, 9]), r'\[0, 2\)'),
])
def test_invalid_custom_layouts_raise_helpful_errors(layout, message):
    with pytest.raises(ValueError, match=message) as info:
        get_layout(layout)
    assert repr(layout['name']) in str(info.value)  # the message names the layout


def test_custom_layout_needs_parents_and_center():
    with pytest.raises(KeyError, match='center'):
        get_layout(dict(parents=[0, 0]))
    with pytest.raises(TypeError):
        get_layout(25)


def test_normalisation_roles_name_joints_of_the_layout():
    ntu = get_layout('nturgb+d')
    assert ntu.joint(ntu.body_center) == 1
    assert [ntu.joint(j) for j in ntu.spine + ntu.shoulders] == [0, 1, 8, 4]
    with pytest.raises(KeyError, match="layout 'nturgb\\+d' has no joint 'tail'"):
        ntu.joint('tail')
    with pytest.raises(KeyError, match="has no joint 'waist'"):
        get_layout(dict(parents=[0, 0], center=0, body_center='waist'))


def test_limbs_default_to_the_edges_and_mirror_under_the_flip():
    layout = get_layout(dict(parents=[1, 1, 1], center=1, flip_pairs=[(0, 2)]))
    assert layout.heatmap_limbs == ((1, 0), (1, 2))
    assert layout.limb_flip_index() == [1, 0]
    custom = get_layout(dict(parents=[1, 1, 1], center=1, flip_pairs=[(0, 2)],
                             limbs=[(0, 2), (1, 0), (1, 2)]))
    assert custom.heatmap_limbs == ((0, 2), (1, 0), (1, 2))
    assert custom.limb_flip_index() == [0, 2, 1]
    with pytest.raises(ValueError, match=r'limb \(0, 1\) has no mirror image \(2, 1\)'):
        custom.limb_flip_index([(0, 1)])
    with pytest.raises(ValueError, match=r'limb \(0, 5\) out of range'):
        get_layout(dict(parents=[0, 0], center=0, limbs=[(0, 5)]))


# LST's body-part groups; NTU and NW-UCLA as in MartinXM/GAP's model/ctrgcn.py (0-based)
OFFICIAL_PARTS = {
    'nturgb+d': dict(head=[2, 3, 20], hand=[4, 5, 6, 7, 8, 9, 10, 11, 21, 22, 23, 24],
                     hip=[0, 1, 2, 12, 16], foot=[12, 13, 14, 15, 16, 17, 18, 19]),
    'nw-ucla': dict(head=[2, 3], hand=[4, 5, 6, 7, 8, 9, 10, 11], hip=[0, 1, 12, 16],
                    foot=[12, 13, 14, 15, 16, 17, 18, 19]),
}


@pytest.mark.parametrize('name', sorted(OFFICIAL_PARTS))
def test_official_lst_part_groups(name):
    groups = get_layout(name).part_groups
    assert list(groups) == ['head', 'hand', 'hip', 'foot']
    assert {part: list(joints) for part, joints in groups.items()} == OFFICIAL_PARTS[name]


@pytest.mark.parametrize('name, parts', [
    ('coco', dict(head=['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear'],
                  hand=['left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
                        'left_wrist', 'right_wrist'],
                  hip=['left_hip', 'right_hip'],
                  foot=['left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                        'right_ankle'])),
    ('openpose', dict(head=['nose', 'neck', 'right_eye', 'left_eye', 'right_ear', 'left_ear'],
                      hand=['right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder',
                            'left_elbow', 'left_wrist'],
                      hip=['neck', 'right_hip', 'left_hip'],
                      foot=['right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee',
                            'left_ankle'])),
])
def test_part_groups_by_joint_name(name, parts):
    layout = get_layout(name)
    assert {part: sorted(layout.joint_names[j] for j in joints)
            for part, joints in layout.part_groups.items()} == \
        {part: sorted(names) for part, names in parts.items()}


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_part_groups_are_left_right_symmetric(name):
    layout = get_layout(name)
    flip = layout.flip_index
    for part, joints in layout.part_groups.items():
        assert sorted(flip[j] for j in joints) == sorted(joints), part


def test_hand_layout_has_no_body_parts():
    assert get_layout('handmp').part_groups == {}


@pytest.mark.parametrize('parts', [dict(palm=[0, 1], fingers=(2,)),
                                   [('palm', [0, 1]), ('fingers', [2])]])
def test_custom_layout_part_groups(parts):
    layout = get_layout(dict(name='paw', parents=[0, 0, 1], center=0, parts=parts))
    assert layout.parts == (('palm', (0, 1)), ('fingers', (2,)))
    assert layout.part_groups == {'palm': (0, 1), 'fingers': (2,)}


@pytest.mark.parametrize('parts, message', [
    (dict(palm=[0, 3]), r"part 'palm' must list joints in \[0, 3\), got \[0, 3\]"),
    (dict(palm=[-1]), r"part 'palm' must list joints in \[0, 3\)"),
    (dict(palm=[]), r"part 'palm' must list joints"),
    ([('palm', [0]), ('palm', [1])], 'part names repeat'),
])
def test_invalid_part_groups_raise(parts, message):
    with pytest.raises(ValueError, match=message) as info:
        get_layout(dict(name='paw', parents=[0, 0, 1], center=0, parts=parts))
    assert "'paw'" in str(info.value)
