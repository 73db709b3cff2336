"""Read one file of keypoints: ``.npy``, ``.npz``, ``.json`` or text (``.csv``, ``.txt``).

A text file holds one person, one frame per line (``rows='frame'``, the joints' values one after
the other) or one joint per line (``rows='joint'``, V lines a frame); values are separated by
commas or by whitespace. :class:`TextFormat` names the columns. Every way a file can fail raises
:class:`SkipSample`, which the converters count under its ``reason`` and report with its detail
(for text, the line).
"""
import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from mmskel.structures.layouts import Layout

EXTENSIONS = ('.npy', '.npz', '.json', '.csv', '.txt')
TEXT_EXTENSIONS = ('.csv', '.txt')
JOINT_COLUMNS = ('x', 'y', 'z', 'score', '_')
LEADING_COLUMNS = ('frame', '_')
# what float() takes, nan and inf included; a row without any such token is a header
NUMBER = re.compile(r'[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|nan|inf|infinity)', re.IGNORECASE)

Arrays = Tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray]]


class SkipSample(Exception):
    """A file that cannot become a sample; ``reason`` is the short key it is counted under."""

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class TextFormat:
    """How the rows of a text file are laid out.

    Args:
        rows (str): ``'frame'`` (one frame a line, the joints' columns repeated V times) or
            ``'joint'`` (one joint a line, V lines a frame). Defaults to ``'frame'``.
        columns (Sequence[str], optional): The columns of one line: first any leading ones
            (``frame``: a frame id, ``_``: ignored), then one joint's (``x``, ``y``, optional
            ``z`` and ``score``, ``_`` for an ignored extra such as a tracking flag), e.g.
            ``('frame', 'x', 'y', 'z')`` or ``('x', 'y', 'z', 'score')``. Defaults to x, y[, z],
            how many inferred from the line width.
    """
    rows: str = 'frame'
    columns: Optional[Tuple[str, ...]] = None

    def __post_init__(self):
        if self.rows not in ('frame', 'joint'):
            raise ValueError(f"text rows must be 'frame' or 'joint', got {self.rows!r}")
        if self.columns is None:
            return
        columns = tuple(self.columns)
        object.__setattr__(self, 'columns', columns)
        first = next((i for i, c in enumerate(columns) if c in JOINT_COLUMNS[:4]), len(columns))
        lead, joint = columns[:first], columns[first:]
        if any(c not in LEADING_COLUMNS for c in lead) or lead.count('frame') > 1 \
                or any(c not in JOINT_COLUMNS for c in joint) \
                or any(joint.count(c) > 1 for c in JOINT_COLUMNS[:4]) \
                or 'x' not in joint or 'y' not in joint:
            raise ValueError(
                f'text columns {",".join(columns)!r}: expected leading frame or _ columns, then '
                'one joint\'s x, y, optional z and score and _ for ignored ones, each once '
                '(e.g. "frame,x,y,z" or "x,y,z,score")')

    @classmethod
    def parse(cls, rows: str = 'frame', columns: Optional[str] = None) -> 'TextFormat':
        """Build from command-line strings, ``columns`` comma separated (``"x,y,z,score"``)."""
        names = None if columns is None else tuple(c.strip() for c in columns.split(','))
        return cls(rows, names)

    @property
    def leading(self) -> Tuple[str, ...]:
        columns = self.columns or ()
        first = next((i for i, c in enumerate(columns) if c in JOINT_COLUMNS[:4]), len(columns))
        return columns[:first]

    def joint_columns(self, width: int) -> Tuple[str, ...]:
        """One joint's columns; without ``columns``, x, y[, z] by the width (2 or 3)."""
        if self.columns is not None:
            return self.columns[len(self.leading):]
        return ('x', 'y', 'z')[:width] if width in (2, 3) else ()


def split_tokens(line: str) -> List[str]:
    """A line's values: comma separated when it has a comma, else whitespace separated."""
    line = line.strip()
    if ',' in line:
        return [t.strip() for t in line.rstrip(',').split(',')]
    return line.split()


def is_number(token: str) -> bool:
    return NUMBER.fullmatch(token) is not None


def read_number_rows(path: Path) -> List[Tuple[int, List[str]]]:
    """The non-empty lines of a text file as ``(line number, tokens)``, a header dropped.

    Only a first line without any numeric token is a header; a later one, or a line with some
    non-numeric token, raises SkipSample naming the line and the token.
    """
    rows: List[Tuple[int, List[str]]] = []
    header = False
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            tokens = split_tokens(line)
            if not tokens:
                continue
            numeric = [is_number(t) for t in tokens]
            if not rows and not header and not any(numeric):
                header = True
                continue
            if not all(numeric):
                column = numeric.index(False)
                raise SkipSample('non-numeric value', f'line {number}, column {column + 1}: '
                                 f'{tokens[column]!r} is not a number')
            rows.append((number, tokens))
    if not rows:
        raise SkipSample('no frames', 'only a header line' if header else 'no line of numbers')
    return rows


def _joint_columns(first: Tuple[int, List[str]], num_joints: int,
                   text: TextFormat) -> Tuple[str, ...]:
    """One joint's columns; without ``text.columns``, x, y[, z] by the first line's width."""
    number, tokens = first
    free = len(tokens) - len(text.leading)
    if text.rows == 'joint':
        joint = text.joint_columns(free)
        if not joint:
            raise SkipSample('wrong column count', f'line {number}: {len(tokens)} values per '
                             'joint line; name the columns (e.g. x,y,z,score)')
        return joint
    joint = text.joint_columns(free // num_joints if free % num_joints == 0 else 0)
    if not joint:
        raise SkipSample('wrong joint count', f'line {number}: {len(tokens)} values per line is '
                         f'not {num_joints} joints of 2 or 3 coordinates; name the columns '
                         '(e.g. x,y,z,score)')
    return joint


def _check_width(rows: List[Tuple[int, List[str]]], num_joints: int, text: TextFormat,
                 joint: Tuple[str, ...]) -> int:
    """The width of every line; SkipSample naming the first line of another width."""
    lead = len(text.leading)
    frame_rows = text.rows == 'frame'
    expected = lead + len(joint) * (num_joints if frame_rows else 1)
    names = ','.join(text.leading + joint)
    for number, tokens in rows:
        if len(tokens) == expected:
            continue
        if frame_rows and (len(tokens) - lead) % len(joint) == 0:
            raise SkipSample('wrong joint count', f'line {number}: {len(tokens)} values are '
                             f'{(len(tokens) - lead) // len(joint)} joints of {names}, the layout '
                             f'has {num_joints}')
        raise SkipSample('wrong column count', f'line {number}: {len(tokens)} values, expected '
                         f'{expected} ({names}' + (f' x {num_joints} joints)' if frame_rows
                                                   else ')'))
    return expected


def _frame_ids(lead: np.ndarray, rows: List[Tuple[int, List[str]]], text: TextFormat,
               num_joints: int) -> Optional[np.ndarray]:
    """The ``frame`` column, one id per frame; SkipSample naming a line that breaks it."""
    if 'frame' not in text.leading:
        return None
    ids = lead[..., text.leading.index('frame')]  # [T] or [T, V]
    bad = np.flatnonzero((ids != np.round(ids)).reshape(-1))
    if len(bad):
        raise SkipSample('bad frame ids', f'line {rows[bad[0]][0]}: frame id '
                         f'{ids.reshape(-1)[bad[0]]} is not a whole number')
    if ids.ndim == 2:  # joint rows: the V lines of a frame share its id
        odd = np.argwhere(ids != ids[:, :1])
        if len(odd):
            t, v = odd[0]
            raise SkipSample('bad frame ids', f'line {rows[t * num_joints + v][0]}: frame id '
                             f'{ids[t, v]:g} inside frame {ids[t, 0]:g} (from line '
                             f'{rows[t * num_joints][0]}): expected {num_joints} lines a frame')
        ids = ids[:, 0]
    return ids.astype(np.int64)


def read_text(path: Union[str, Path], num_joints: int, text: TextFormat = TextFormat()) -> Arrays:
    """Read a text file of one person.

    Returns:
        tuple: ``keypoint`` [1, T, V, C], ``keypoint_score`` [1, T, V] or None, frame ids [T]
        (int64) or None when there is no ``frame`` column.
    """
    rows = read_number_rows(Path(path))
    joint = _joint_columns(rows[0], num_joints, text)
    width = _check_width(rows, num_joints, text, joint)
    values = np.asarray([t for _, t in rows], dtype=np.float64)
    lead_width = len(text.leading)
    if text.rows == 'frame':
        lead = values[:, :lead_width]
        body = values[:, lead_width:].reshape(len(values), num_joints, len(joint))
    else:
        if len(values) % num_joints:
            start = rows[len(values) // num_joints * num_joints][0]
            raise SkipSample('wrong joint count', f'{len(values)} joint lines is not a multiple '
                             f'of {num_joints} joints a frame (the last frame, from line {start}, '
                             f'has {len(values) % num_joints})')
        values = values.reshape(-1, num_joints, width)
        lead, body = values[..., :lead_width], values[..., lead_width:]
    frame_ids = _frame_ids(lead, rows, text, num_joints)
    coords = [joint.index(c) for c in ('x', 'y', 'z') if c in joint]
    # contiguous copies: a column pick is a strided view, which pickles as a strided array
    keypoint = np.ascontiguousarray(body[..., coords], dtype=np.float32)[None]
    score = (np.ascontiguousarray(body[..., joint.index('score')], dtype=np.float32)[None]
             if 'score' in joint else None)
    return keypoint, score, frame_ids


def _read_array_file(path: Path) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    score = None
    if path.suffix == '.npy':
        keypoint = np.load(path, allow_pickle=False)
    elif path.suffix == '.npz':
        with np.load(path, allow_pickle=False) as content:
            if 'keypoint' not in content:
                raise SkipSample('missing keypoint', f'npz keys are {sorted(content)}')
            keypoint = content['keypoint']
            score = content['keypoint_score'] if 'keypoint_score' in content else None
    else:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
        if not isinstance(content, dict) or 'keypoint' not in content:
            raise SkipSample('missing keypoint', 'expected {"keypoint": [...]}')
        keypoint, score = content['keypoint'], content.get('keypoint_score')
    return (np.asarray(keypoint, dtype=np.float32),
            None if score is None else np.asarray(score, dtype=np.float32))


def check_extension(path: Path) -> None:
    """SkipSample for a file of a type no reader reads."""
    if path.suffix not in EXTENSIONS:
        raise SkipSample('unsupported file type', f'{path.suffix or "no extension"} is not one '
                         f'of {", ".join(EXTENSIONS)}')


def read_keypoints(path: Union[str, Path], num_joints: int, text: TextFormat = TextFormat(),
                   layout_name: Optional[str] = None) -> Arrays:
    """Read any supported file into ``keypoint`` [M, T, V, C], its score and frame ids.

    Args:
        path (str | Path): A ``.npy``, ``.npz``, ``.json``, ``.csv`` or ``.txt`` file.
        num_joints (int): V, the number of joints each frame must have.
        text (TextFormat): How a text file's rows are laid out.
        layout_name (str, optional): The layout that asks for ``num_joints``, for messages.

    Returns:
        tuple: ``keypoint`` [M, T, V, C] float32 (C = 2 or 3), ``keypoint_score`` [M, T, V] or
        None, frame ids [T] or None (a text file's ``frame`` column).

    Raises:
        SkipSample: The file is not usable; ``reason`` and ``detail`` say why.
    """
    path = Path(path)
    check_extension(path)
    frame_ids = None
    try:
        if path.stat().st_size == 0:
            raise SkipSample('empty file', 'the file has 0 bytes')
        if path.suffix in TEXT_EXTENSIONS:
            keypoint, score, frame_ids = read_text(path, num_joints, text)
        else:
            keypoint, score = _read_array_file(path)
    except SkipSample:
        raise
    except Exception as e:  # noqa: B902  a broken file is a counted skip, never a stop
        raise SkipSample('unreadable file', f'{type(e).__name__}: {e}') from e
    expected = f'layout {layout_name!r} has' if layout_name else 'expected'
    return _check_shapes(keypoint, score, num_joints, expected) + (frame_ids, )


def _check_shapes(keypoint: np.ndarray, score: Optional[np.ndarray], num_joints: int,
                  expected: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
        score = None if score is None else score[None]
    if keypoint.ndim != 4 or keypoint.shape[-1] not in (2, 3) or 0 in keypoint.shape:
        raise SkipSample('bad shape', f'keypoint: expected [T, V, C] or [M, T, V, C] with C = 2 '
                         f'or 3, got {keypoint.shape}')
    if keypoint.shape[2] != num_joints:
        raise SkipSample('wrong joint count', f'keypoint has {keypoint.shape[2]} joints, '
                         f'{expected} {num_joints}')
    if score is not None and score.shape != keypoint.shape[:3]:
        raise SkipSample('bad shape', f'keypoint_score: expected {keypoint.shape[:3]} to match '
                         f'keypoint, got {score.shape}')
    if not np.isfinite(keypoint).all() or (score is not None and not np.isfinite(score).all()):
        raise SkipSample('non-finite values', 'NaN or inf in keypoint or keypoint_score')
    return keypoint, score


def check_degenerate(keypoint: np.ndarray) -> None:
    """SkipSample for a sample with nothing to learn from: all zeros, or a single frame.

    Args:
        keypoint (np.ndarray): [M, T, V, C].
    """
    if not keypoint.any():
        raise SkipSample('all-zero keypoints', f'every coordinate of all {keypoint.shape[1]} '
                         'frames is 0 (nobody detected?); --keep-degenerate keeps it')
    if keypoint.shape[1] == 1:
        raise SkipSample('single frame', 'one frame has no motion to classify; '
                         '--keep-degenerate keeps it')


def load_keypoint_file(path: Union[str, Path], layout: Layout, text: TextFormat = TextFormat(),
                       keep_degenerate: bool = False) -> dict:
    """Read one sample file into ``keypoint`` [M, T, V, C] (and ``keypoint_score`` [M, T, V]).

    Args:
        path (str | Path): The file; its name without extension is the sample id.
        layout (Layout): Its joint count is the one each frame must have.
        text (TextFormat): How a text file's rows are laid out.
        keep_degenerate (bool): Keep all-zero and single-frame samples. Defaults to False.

    Raises:
        SkipSample: The file is not a usable sample; ``reason`` says why.
    """
    path = Path(path)
    keypoint, score, _ = read_keypoints(path, layout.num_joints, text, layout.name)
    if not keep_degenerate:
        check_degenerate(keypoint)
    sample = dict(frame_dir=path.stem, total_frames=keypoint.shape[1], keypoint=keypoint)
    if score is not None:
        sample['keypoint_score'] = score
    return sample


def parse_with_text_arguments(parser: argparse.ArgumentParser,
                              args: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse a custom tool's command line with ``--text-rows`` and ``--text-columns`` added.

    Args:
        parser (argparse.ArgumentParser): The tool's parser, its own options added.
        args (Sequence[str], optional): The arguments. Defaults to the command line.

    Returns:
        argparse.Namespace: The options, with ``text`` the :class:`TextFormat` they name; a bad
        one is a usage error (exit status 2).
    """
    parser.add_argument('--text-rows', choices=['frame', 'joint'], default='frame',
                        help='text files: one frame a line (the joints one after the other) or '
                        'one joint a line (as many lines a frame as there are joints)')
    parser.add_argument('--text-columns', default=None,
                        help='text files: the columns of a line, comma separated: leading '
                        '"frame" (a frame id) or "_" (ignored), then one joint\'s x,y[,z]'
                        '[,score] with "_" for ignored extras, e.g. "x,y,z,_" or "frame,x,y,z" '
                        '(default: x,y[,z], inferred from the line width)')
    parsed = parser.parse_args(args)
    try:
        parsed.text = TextFormat.parse(parsed.text_rows, parsed.text_columns)
    except ValueError as e:
        parser.error(str(e))
    return parsed
