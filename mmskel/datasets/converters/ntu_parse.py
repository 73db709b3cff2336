"""Strict reader of NTU RGB+D ``.skeleton`` files (Kinect v2, 25 joints).

A file is line 1: the frame count; then per frame a body count and, per body, a body-info line
of 10 fields (``bodyID clipedEdges handLeftConfidence handLeftState handRightConfidence
handRightState isResticted leanX leanY trackingState``), the joint count ``25`` and 25 joint
lines of 12 fields (``x y z depthX depthY colorX colorY orientW orientX orientY orientZ
trackingState``). The keypoint is ``x y z`` in metres (camera space, y up); ``colorX colorY``
are the joint's pixel in the 1920x1080 colour frame, and a joint's ``trackingState`` is 2
(tracked), 1 (inferred) or 0 (not tracked).

Every malformed file raises :class:`SkipSample` whose message names the file and the 1-based
line, so a converter can count it and go on.
"""
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Union

import numpy as np

from mmskel.structures.layouts import get_layout

NUM_JOINTS = get_layout('nturgb+d').num_joints
BODY_FIELDS = 10
JOINT_FIELDS = 12
KEPT_FIELDS = (0, 1, 2, 5, 6, 11)  # x y z colorX colorY trackingState
COLOR_SHAPE = (1080, 1920)  # (height, width) of the Kinect v2 colour frame
NAME_PATTERN = re.compile(r'S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})')


class SkipSample(Exception):
    """A file that cannot become a sample; ``reason`` is the short key it is counted under.

    Args:
        reason (str): Count key, e.g. ``'truncated file'``.
        detail (str): What went wrong, e.g. ``'S001C001P001R001A001.skeleton:57: ...'``.
    """

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Body:
    """One tracked body of a sequence.

    Args:
        body_id (str): Kinect tracking id (first field of the body-info line).
        frames (np.ndarray): int64 [n], indices (in the file's frames) where it appears, rising.
        joints (np.ndarray): float32 [n, 25, 3], ``x y z`` of each of those frames.
        color (np.ndarray): float32 [n, 25, 2], ``colorX colorY`` (pixels) of those frames.
        tracking (np.ndarray): float32 [n, 25], each joint's ``trackingState`` (0, 1 or 2).
    """

    body_id: str
    frames: np.ndarray
    joints: np.ndarray
    color: np.ndarray
    tracking: np.ndarray


@dataclass
class SkeletonSequence:
    """A parsed ``.skeleton`` file.

    Args:
        name (str): The file stem, ``SsssCcccPpppRrrrAaaa``.
        num_frames (int): Frames declared on line 1 (frames without bodies included).
        bodies (list[Body]): Bodies by tracking id, in order of first appearance.
        slots (list[list[int]]): Per frame, the index in ``bodies`` of each listed body, in
            file order (2s-AGCN's selection fills body slots by this order).
    """

    name: str
    num_frames: int
    bodies: List[Body]
    slots: List[List[int]]


def parse_name(stem: str) -> Dict[str, int]:
    """Split ``SsssCcccPpppRrrrAaaa`` into ``setup camera subject replication action``.

    Raises:
        SkipSample: ``'bad file name'`` when the stem is not of that form.
    """
    match = NAME_PATTERN.fullmatch(stem)
    if match is None:
        raise SkipSample('bad file name', f'{stem}: expected SsssCcccPpppRrrrAaaa.skeleton')
    keys = ('setup', 'camera', 'subject', 'replication', 'action')
    return dict(zip(keys, (int(g) for g in match.groups())))


class _Lines:
    """Line cursor that reports the file and 1-based line of every problem."""

    def __init__(self, path: Path, lines: List[str]):
        self.file, self.lines, self.index = path.name, lines, 0

    def fail(self, reason: str, message: str, line: int = 0) -> SkipSample:
        return SkipSample(reason, f'{self.file}:{line or self.index}: {message}')

    def next(self, what: str) -> str:
        if self.index >= len(self.lines):
            raise self.fail('truncated file', f'file ends where {what} was expected',
                            len(self.lines) + 1)
        self.index += 1
        return self.lines[self.index - 1]

    def count(self, what: str) -> int:
        text = self.next(what).strip()
        try:
            value = int(text)
        except ValueError:
            raise self.fail('bad number', f'expected {what} (an integer), got {text!r}') from None
        if value < 0:
            raise self.fail('bad number', f'expected {what} >= 0, got {value}')
        return value


def _read_joints(cursor: _Lines, starts: List[int]) -> np.ndarray:
    """Parse the 25-line joint blocks starting at 0-based line ``starts``.

    Returns:
        np.ndarray: float32 [len(starts), 25, 6], ``x y z colorX colorY trackingState`` of each
        block.
    """
    rows = [row for start in starts for row in range(start, start + NUM_JOINTS)]
    lines = [cursor.lines[row] for row in rows]
    for row, line in zip(rows, lines):
        if len(line.split()) != JOINT_FIELDS:
            raise cursor.fail('wrong field count', f'expected {JOINT_FIELDS} fields on a joint '
                              f'line, got {len(line.split())}', row + 1)
    try:  # text in a number field raises (newer numpy) or stops early; found below
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            values = np.fromstring('\n'.join(lines), dtype=np.float64, sep=' ')
    except ValueError:
        values = np.zeros(0)
    if values.size == len(lines) * JOINT_FIELDS and np.isfinite(values).all():
        return values.reshape(-1, NUM_JOINTS, JOINT_FIELDS)[..., KEPT_FIELDS].astype(np.float32)
    for row, line in zip(rows, lines):
        for column, token in enumerate(line.split()):
            if not _is_float(token) or not np.isfinite(float(token)):
                raise cursor.fail('bad number', f'field {column + 1} is {token!r}, not a '
                                  'finite number', row + 1)
    raise AssertionError(f'{cursor.file}: joint values unreadable, yet every token parses')


def _is_float(token: str) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def read_skeleton(path: Union[str, Path]) -> SkeletonSequence:
    """Parse one NTU ``.skeleton`` file strictly.

    Args:
        path (str | Path): ``SsssCcccPpppRrrrAaaa.skeleton``.

    Returns:
        SkeletonSequence: Bodies by tracking id with their frames and float32 joints.

    Raises:
        SkipSample: The file is unreadable, truncated, has a body-info line without 10 fields,
            a joint count other than 25, a joint line without 12 fields, text in a number
            field, or non-blank lines after the last frame; the message names file and line.

    Example:
        >>> seq = read_skeleton('S001C003P008R002A058.skeleton')
        >>> seq.num_frames, [b.joints.shape for b in seq.bodies][:1]
        (70, [(70, 25, 3)])
    """
    path = Path(path)
    try:
        with open(path, encoding='ascii') as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SkipSample('unreadable file', f'{path.name}:0: {e}') from e
    cursor = _Lines(path, lines)
    num_frames = cursor.count('the frame count')
    ids: Dict[str, int] = {}
    frames: List[List[int]] = []
    blocks: List[List[int]] = []  # per body, its joint blocks' positions in ``starts``
    starts: List[int] = []  # 0-based first line of every joint block, in file order
    slots: List[List[int]] = []
    for frame in range(num_frames):
        slot = []
        for _ in range(cursor.count(f'the body count of frame {frame + 1}')):
            info = cursor.next('a body-info line').split()
            if len(info) != BODY_FIELDS:
                raise cursor.fail('wrong field count', f'expected {BODY_FIELDS} fields on a '
                                  f'body-info line, got {len(info)}')
            count = cursor.count('the joint count')
            if count != NUM_JOINTS:
                raise cursor.fail('wrong joint count', f'expected {NUM_JOINTS} joints, got {count}')
            index = ids.setdefault(info[0], len(ids))
            if index == len(frames):
                frames.append([])
                blocks.append([])
            elif frames[index][-1] == frame:
                raise cursor.fail('duplicate body', f'body {info[0]} listed twice in frame '
                                  f'{frame + 1}', cursor.index - 1)
            if cursor.index + NUM_JOINTS > len(lines):
                raise cursor.fail('truncated file', 'file ends where a joint line was expected',
                                  len(lines) + 1)
            frames[index].append(frame)
            blocks[index].append(len(starts))
            starts.append(cursor.index)
            cursor.index += NUM_JOINTS
            slot.append(index)
        slots.append(slot)
    rest = [i for i in range(cursor.index, len(lines)) if lines[i].strip()]
    if rest:
        raise cursor.fail('trailing data', f'{len(rest)} non-blank lines after the last of '
                          f'{num_frames} frames', rest[0] + 1)
    joints = _read_joints(cursor, starts)
    bodies = [Body(body_id, np.asarray(f, dtype=np.int64), joints[b, ..., :3], joints[b, ..., 3:5],
                   joints[b, ..., 5]) for (body_id, f, b) in zip(ids, frames, blocks)]
    return SkeletonSequence(path.stem, num_frames, bodies, slots)
