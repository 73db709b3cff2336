"""Skeleton layouts: one table per layout, used by data transforms AND graph builders.

Each layout is a tree rooted at its centre joint. ``parents[j]`` is the joint that ``j`` hangs
from (the root is its own parent). The graph edges (``inward``: child -> parent), the bone
stream (``bone[j] = joint[j] - joint[parents[j]]``) and the hop distances of ST-GCN's spatial
partition all derive from that one list, so bones and graphs cannot disagree.

pyskl keeps a separate bone table that differs from its graph in two layouts:

* ``nturgb+d``: its bones hang each hand tip from the thumb (22 -> 23, 24 -> 25 in 1-based
  Kinect numbering), while its graph hangs hand tips and thumbs from the hand.
* ``coco``: its bones hang both hips from the nose, while its graph hangs them from the shoulders.
* ``openpose``: its bones root the tree at the nose instead of the neck.

mmskel's bones follow the graph (the anatomical choice: a hand tip moves with the hand, a hip
with the torso). ``pyskl_parents`` records pyskl's bone table so that ``GenSkeFeat(...,
bone_convention='pyskl')`` reproduces pyskl's and mmaction2's bone features exactly, which their
checkpoints and pickles expect.

Body-part groups (``parts``) are LST's head, hand, hip and foot joint sets: a part feature is
the mean of the final features over the part's joints. For ``nturgb+d`` and ``nw-ucla`` they are
the groups of the official code (MartinXM/GAP, ``model/ctrgcn.py``, ``Model_lst_4part`` and
``Model_lst_4part_ucla``) exactly, which differ from anatomy: 'hip' is the trunk (spine base,
spine middle, the neck in NTU, both hips), 'head' holds the neck (and in NTU the spine
shoulder), 'hand' is the whole arm from the shoulder and 'foot' the whole leg from the hip, so
the NTU neck sits in both 'head' and 'hip' and the hips in both 'hip' and 'foot'. The official bone
model (``Model_lst_4part_bone``) uses other NTU groups (head 2, 3; hand with 20 instead of 21;
hip 0, 1, 12, 16); mmskel uses the joint groups for every stream. The other layouts follow
the same reading (trunk in 'hip', whole limbs in 'hand' and 'foot').

A custom layout is a plain dict in a config, e.g.::

    dict(name='my_hand', num_joints=5, parents=[0, 0, 1, 2, 3], center=0,
         flip_pairs=[], joint_names=['wrist', 'a', 'b', 'c', 'd'],
         parts=dict(palm=[0, 1], fingers=[2, 3, 4]))
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from mmskel.utils.fileio import load_json


@dataclass(frozen=True)
class Layout:
    """One skeleton layout.

    Args:
        name (str): Layout name, e.g. ``'nturgb+d'``.
        parents (Sequence[int]): Parent joint of each joint; the root (centre) is its own parent.
        center (int): Centre joint, used by normalisation and the ST-GCN spatial partition.
        joint_names (Sequence[str]): One name per joint.
        flip_pairs (Sequence[tuple]): Left/right joint pairs swapped by a horizontal flip.
        pyskl_parents (Sequence[int], optional): pyskl's bone table where it differs from
            ``parents``; None when the two agree.
        body_center (str, optional): The joint ``PreNormalize3D`` moves to the origin.
        spine (tuple[str, str]): Joints (bottom, top) ``PreNormalize3D`` turns onto +z.
        shoulders (tuple[str, str]): Joints (right, left) ``PreNormalize3D`` turns onto +x.
        limbs (Sequence[tuple]): Joint pairs of PoseC3D's limb heatmaps, one channel each, in
            the order upstream checkpoints expect; empty means the graph's edges.
        parts (Sequence[tuple[str, tuple[int, ...]]]): Body-part groups as (name, joint
            indices), e.g. LST's ``('head', (2, 3, 20))``; empty when the layout has none.
    """

    name: str
    parents: Tuple[int, ...]
    center: int
    joint_names: Tuple[str, ...]
    flip_pairs: Tuple[Tuple[int, int], ...] = ()
    pyskl_parents: Optional[Tuple[int, ...]] = None
    body_center: Optional[str] = None
    spine: Tuple[str, ...] = ()
    shoulders: Tuple[str, ...] = ()
    limbs: Tuple[Tuple[int, int], ...] = ()
    parts: Tuple[Tuple[str, Tuple[int, ...]], ...] = ()
    extra: Dict = field(default_factory=dict, compare=False)

    def joint(self, name: str) -> int:
        """The index of the joint called ``name``."""
        if name not in self.joint_names:
            raise KeyError(f'layout {self.name!r} has no joint {name!r}; its joints are '
                           f'{list(self.joint_names)}')
        return self.joint_names.index(name)

    def __post_init__(self):
        num = len(self.parents)
        if len(self.joint_names) != num:
            raise ValueError(f'layout {self.name!r}: {len(self.joint_names)} joint names for '
                             f'{num} joints')
        if not 0 <= self.center < num or self.parents[self.center] != self.center:
            raise ValueError(f'layout {self.name!r}: centre {self.center} must be a joint that '
                             'is its own parent')
        for table in (self.parents, self.pyskl_parents or self.parents):
            if len(table) != num or any(not 0 <= p < num for p in table):
                raise ValueError(f'layout {self.name!r}: parent indices must be in [0, {num})')
        for j in range(num):  # every joint must reach the root without cycles
            seen, k = set(), j
            while self.parents[k] != k:
                if k in seen:
                    raise ValueError(f'layout {self.name!r}: parents contain a cycle at {k}')
                seen.add(k)
                k = self.parents[k]
            if k != self.center:
                raise ValueError(f'layout {self.name!r}: joint {j} does not reach centre '
                                 f'{self.center}')
        for a, b in self.flip_pairs:
            if not (0 <= a < num and 0 <= b < num):
                raise ValueError(f'layout {self.name!r}: flip pair ({a}, {b}) out of range')
        for a, b in self.limbs:
            if not (0 <= a < num and 0 <= b < num):
                raise ValueError(f'layout {self.name!r}: limb ({a}, {b}) out of range')
        names = [name for name, _ in self.parts]
        if len(set(names)) != len(names):
            raise ValueError(f'layout {self.name!r}: part names repeat: {names}')
        for name, joints in self.parts:
            if not joints or any(not 0 <= j < num for j in joints):
                raise ValueError(f'layout {self.name!r}: part {name!r} must list joints in '
                                 f'[0, {num}), got {list(joints)}')
        for role in ('spine', 'shoulders'):
            if getattr(self, role) and len(getattr(self, role)) != 2:
                raise ValueError(f'layout {self.name!r}: {role} must name two joints')
        for name in (self.body_center, *self.spine, *self.shoulders):
            if name is not None:
                self.joint(name)

    @property
    def num_joints(self) -> int:
        return len(self.parents)

    def same_joints(self, other: 'Layout') -> bool:
        """Whether ``other`` puts the same joints in the same order: same tree (``parents``)
        and centre. The joint count alone says nothing about the order."""
        return self.parents == other.parents and self.center == other.center

    @property
    def part_groups(self) -> Dict[str, Tuple[int, ...]]:
        """Body-part groups, name -> joint indices, in table order (empty when none)."""
        return dict(self.parts)

    @property
    def inward(self) -> List[Tuple[int, int]]:
        """Graph edges as (child, parent) pairs, root excluded."""
        return [(j, p) for j, p in enumerate(self.parents) if j != p]

    @property
    def outward(self) -> List[Tuple[int, int]]:
        return [(p, j) for j, p in self.inward]

    def bone_parents(self, convention: str = 'tree') -> Tuple[int, ...]:
        """Parent table for the bone stream: ``'tree'`` (mmskel) or ``'pyskl'``."""
        if convention == 'tree':
            return self.parents
        if convention == 'pyskl':
            return self.pyskl_parents or self.parents
        raise ValueError(f"bone convention must be 'tree' or 'pyskl', got {convention!r}")

    @property
    def flip_index(self) -> List[int]:
        """Permutation that swaps left and right joints."""
        index = list(range(self.num_joints))
        for a, b in self.flip_pairs:
            index[a], index[b] = b, a
        return index

    @property
    def heatmap_limbs(self) -> Tuple[Tuple[int, int], ...]:
        """Limbs of the limb heatmaps: ``limbs`` where given, else the (parent, child) edges."""
        return self.limbs or tuple(self.outward)

    def limb_flip_index(self, limbs: Optional[Sequence[Sequence[int]]] = None) -> List[int]:
        """Permutation that swaps each limb with its mirror image in a horizontal flip.

        Args:
            limbs (Sequence[tuple[int, int]], optional): Joint pairs; defaults to
                :attr:`heatmap_limbs`.

        Returns:
            list[int]: ``index[i]`` is the limb that limb ``i`` becomes.
        """
        limbs = self.heatmap_limbs if limbs is None else limbs
        return mirror_limbs(limbs, self.flip_index)


def mirror_limbs(limbs: Sequence[Sequence[int]], flip_index: Sequence[int]) -> List[int]:
    """Permutation that maps each limb to the limb between its flipped joints.

    Args:
        limbs (Sequence[tuple[int, int]]): Joint pairs, in either direction.
        flip_index (Sequence[int]): Joint permutation of the flip (:attr:`Layout.flip_index`).

    Returns:
        list[int]: ``index[i]`` is the limb that limb ``i`` becomes.
    """
    position = {frozenset(limb): i for i, limb in enumerate(limbs)}
    index = []
    for a, b in limbs:
        mirror = frozenset((flip_index[a], flip_index[b]))
        if mirror not in position:
            raise ValueError(f'limb ({a}, {b}) has no mirror image ({flip_index[a]}, '
                             f'{flip_index[b]}) among the limbs {[tuple(x) for x in limbs]}')
        index.append(position[mirror])
    return index


def _one_based(pairs):
    return tuple((a - 1, b - 1) for a, b in pairs)


NTU_NAMES = ('spine_base', 'spine_mid', 'neck', 'head', 'left_shoulder', 'left_elbow',
             'left_wrist', 'left_hand', 'right_shoulder', 'right_elbow', 'right_wrist',
             'right_hand', 'left_hip', 'left_knee', 'left_ankle', 'left_foot', 'right_hip',
             'right_knee', 'right_ankle', 'right_foot', 'spine_shoulder', 'left_hand_tip',
             'left_thumb', 'right_hand_tip', 'right_thumb')
NTU_PARENTS = (1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 20,
               7, 7, 11, 11)

COCO_NAMES = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder',
              'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
              'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle')
COCO_PARENTS = (0, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14)

OPENPOSE_NAMES = ('nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist',
                  'left_shoulder', 'left_elbow', 'left_wrist', 'right_hip', 'right_knee',
                  'right_ankle', 'left_hip', 'left_knee', 'left_ankle', 'right_eye', 'left_eye',
                  'right_ear', 'left_ear')
OPENPOSE_PARENTS = (1, 1, 1, 2, 3, 1, 5, 6, 2, 8, 9, 5, 11, 12, 0, 0, 14, 15)

NWUCLA_NAMES = ('hip_center', 'spine', 'shoulder_center', 'head', 'left_shoulder',
                'left_elbow', 'left_wrist', 'left_hand', 'right_shoulder', 'right_elbow',
                'right_wrist', 'right_hand', 'left_hip', 'left_knee', 'left_ankle', 'left_foot',
                'right_hip', 'right_knee', 'right_ankle', 'right_foot')
NWUCLA_PARENTS = (1, 2, 2, 2, 2, 4, 5, 6, 2, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18)

HANDMP_NAMES = ('wrist',) + tuple(f'{finger}_{part}' for finger in
                                  ('thumb', 'index', 'middle', 'ring', 'pinky')
                                  for part in ('mcp', 'pip', 'dip', 'tip'))
HANDMP_PARENTS = (0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19)


def _parts(**groups: Sequence[int]) -> Tuple[Tuple[str, Tuple[int, ...]], ...]:
    return tuple((name, tuple(joints)) for name, joints in groups.items())


def _custom_parts(parts) -> Tuple[Tuple[str, Tuple[int, ...]], ...]:
    """``parts`` of a custom layout dict: a dict or (name, joints) pairs."""
    pairs = parts.items() if isinstance(parts, dict) else parts
    return tuple((str(name), tuple(int(j) for j in joints)) for name, joints in pairs)


def _with(parents: Sequence[int], changes: Dict[int, int]) -> Tuple[int, ...]:
    table = list(parents)
    for joint, parent in changes.items():
        table[joint] = parent
    return tuple(table)


LAYOUTS: Dict[str, Layout] = {
    'nturgb+d': Layout(
        name='nturgb+d', parents=NTU_PARENTS, center=20, joint_names=NTU_NAMES,
        flip_pairs=_one_based([(5, 9), (6, 10), (7, 11), (8, 12), (13, 17), (14, 18),
                               (15, 19), (16, 20), (22, 24), (23, 25)]),
        pyskl_parents=_with(NTU_PARENTS, {21: 22, 23: 24}),
        body_center='spine_mid', spine=('spine_base', 'spine_mid'),
        shoulders=('right_shoulder', 'left_shoulder'),
        parts=_parts(head=(2, 3, 20), hand=(*range(4, 12), 21, 22, 23, 24),
                     hip=(0, 1, 2, 12, 16), foot=range(12, 20))),
    'coco': Layout(
        name='coco', parents=COCO_PARENTS, center=0, joint_names=COCO_NAMES,
        flip_pairs=((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)),
        pyskl_parents=_with(COCO_PARENTS, {11: 0, 12: 0}),
        # the 17 limbs of mmaction2's and pyskl's PoseC3D limb configs, in their channel order
        limbs=((0, 5), (0, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11), (11, 13), (13, 15),
               (6, 12), (12, 14), (14, 16), (0, 1), (0, 2), (1, 3), (2, 4), (11, 12)),
        # no spine joints: the trunk ('hip') is the two hips, which 'foot' shares as in NTU
        parts=_parts(head=range(0, 5), hand=range(5, 11), hip=(11, 12), foot=range(11, 17))),
    'openpose': Layout(
        name='openpose', parents=OPENPOSE_PARENTS, center=1, joint_names=OPENPOSE_NAMES,
        flip_pairs=((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13), (14, 15), (16, 17)),
        pyskl_parents=_with(OPENPOSE_PARENTS, {0: 0, 1: 0}),
        # as in NTU, the neck is in 'head' and 'hip', the hips in 'hip' and 'foot'
        parts=_parts(head=(0, 1, 14, 15, 16, 17), hand=range(2, 8), hip=(1, 8, 11),
                     foot=range(8, 14))),
    'nw-ucla': Layout(
        name='nw-ucla', parents=NWUCLA_PARENTS, center=2, joint_names=NWUCLA_NAMES,
        flip_pairs=((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19)),
        body_center='spine', spine=('hip_center', 'spine'),
        shoulders=('right_shoulder', 'left_shoulder'),
        parts=_parts(head=(2, 3), hand=range(4, 12), hip=(0, 1, 12, 16), foot=range(12, 20))),
    # a hand alone has no head, hip or foot: no body-part groups
    'handmp': Layout(
        name='handmp', parents=HANDMP_PARENTS, center=0, joint_names=HANDMP_NAMES),
}


def get_layout(layout: Union[str, dict, Layout]) -> Layout:
    """Look up a built-in layout by name, or build a custom one from a dict.

    Args:
        layout (str | dict | Layout): A name in :data:`LAYOUTS`, or a dict with ``parents`` and
            ``center`` (and optionally ``name``, ``joint_names``, ``flip_pairs``,
            ``pyskl_parents``, ``limbs``, ``parts``: a dict or (name, joints) pairs).

    Returns:
        Layout: The layout.

    Example:
        >>> get_layout('nturgb+d').num_joints
        25
    """
    if isinstance(layout, Layout):
        return layout
    if isinstance(layout, str):
        if layout not in LAYOUTS:
            raise KeyError(f'unknown layout {layout!r}; built-in layouts are {sorted(LAYOUTS)}, '
                           'or pass a dict with "parents" and "center"')
        return LAYOUTS[layout]
    if isinstance(layout, dict):
        missing = {'parents', 'center'} - set(layout)
        if missing:
            raise KeyError(f'custom layout dict lacks {sorted(missing)}')
        parents = tuple(int(p) for p in layout['parents'])
        names = layout.get('joint_names') or tuple(f'joint_{i}' for i in range(len(parents)))
        pyskl = layout.get('pyskl_parents')
        return Layout(name=layout.get('name', 'custom'), parents=parents,
                      center=int(layout['center']), joint_names=tuple(names),
                      flip_pairs=tuple(tuple(p) for p in layout.get('flip_pairs', ())),
                      pyskl_parents=tuple(pyskl) if pyskl is not None else None,
                      body_center=layout.get('body_center'),
                      spine=tuple(layout.get('spine', ())),
                      shoulders=tuple(layout.get('shoulders', ())),
                      limbs=tuple(tuple(p) for p in layout.get('limbs', ())),
                      parts=_custom_parts(layout.get('parts', ())))
    raise TypeError(f'layout must be a name, dict or Layout, got {type(layout).__name__}')


LayoutSource = Union[str, dict, Layout, Path]


def load_layout(layout: LayoutSource) -> Tuple[Layout, Union[str, dict]]:
    """A built-in layout name, a custom layout dict, or a json file holding such a dict.

    Args:
        layout (str | dict | Layout | Path): The layout, or the path of a ``.json`` file.

    Returns:
        tuple[Layout, str | dict]: The layout and its plain form (the name of a built-in
        layout, else the dict), which a config or an annotation pickle stores.

    Raises:
        KeyError: ``layout`` is neither a built-in name nor an existing file.
        ValueError: The file is not json or holds no valid layout dict; the message names it.
    """
    if isinstance(layout, Layout):
        return layout, (layout.name if LAYOUTS.get(layout.name) == layout
                        else layout_dict(layout))
    if isinstance(layout, dict):
        return get_layout(layout), layout
    if str(layout) in LAYOUTS:
        return get_layout(str(layout)), str(layout)
    path = Path(layout)
    if not path.is_file():
        raise KeyError(f'layout {str(layout)!r} is neither a built-in layout {sorted(LAYOUTS)} '
                       'nor a json file with a custom layout dict ("parents", "center", ...)')
    spec = load_json(path, dict, 'a layout dict ("parents", "center", ...)')
    try:
        return get_layout(spec), spec
    except (KeyError, ValueError, TypeError) as e:
        raise ValueError(f'{path}: not a valid layout: {e}') from e


def layout_dict(layout: Layout) -> dict:
    """The plain dict of a layout, which :func:`get_layout` turns back into it."""
    spec = dict(name=layout.name, parents=list(layout.parents), center=layout.center,
                joint_names=list(layout.joint_names),
                flip_pairs=[list(p) for p in layout.flip_pairs],
                limbs=[list(p) for p in layout.limbs],
                parts={name: list(joints) for name, joints in layout.parts})
    if layout.pyskl_parents is not None:
        spec['pyskl_parents'] = list(layout.pyskl_parents)
    if layout.body_center is not None:
        spec['body_center'] = layout.body_center
    for role in ('spine', 'shoulders'):
        if getattr(layout, role):
            spec[role] = list(getattr(layout, role))
    return spec
