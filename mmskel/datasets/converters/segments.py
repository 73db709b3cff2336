"""Cut continuous recordings into labelled samples, one per row of a segment file.

A segment file has ``recording, start, end, label`` rows (comma or whitespace separated, an
optional header line): ``recording`` names a file of the recordings folder (with or without its
extension), ``start`` and ``end`` are frame ids, both included. A recording's frame ids are its
text ``frame`` column, or its row numbers from 0; a frame id seen twice keeps its first frame,
and missing ids are noted. Rows that cannot be cut are dropped, counted and named with their line:
``NaN index``, ``end < start``, ``out of range``, ``unknown recording``, ``unreadable
recording``, ``no frames``, ``malformed row`` and ``duplicate segment``.

The output folder holds one ``<recording>_<start>_<end>.npz`` a segment and ``labels.csv``,
which is what :func:`~.custom.convert_custom` reads with ``labels``.
"""
import csv
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple, Union

import numpy as np
from tqdm import tqdm

from .labels import natural_key
from .readers import EXTENSIONS, SkipSample, TextFormat, is_number, read_keypoints, split_tokens
from .report import tail_lines, write_log

LABELS_NAME = 'labels.csv'


@dataclass(frozen=True)
class Segment:
    """One row of a segment file: frames ``start`` to ``end`` (both included) of a recording."""
    line: int
    recording: str
    start: int
    end: int
    label: str


def _frame_index(token: str, field: str) -> int:
    value = float(token) if is_number(token) else float('nan')
    if not np.isfinite(value) or value != round(value):
        raise SkipSample('NaN index', f'{field} {token!r} is not a frame index')
    return int(value)


def _parse_row(number: int, line: str) -> Segment:
    tokens = split_tokens(line) if ',' in line else line.split(maxsplit=3)
    if len(tokens) != 4 or not tokens[0] or not tokens[3].strip():
        raise SkipSample('malformed row', f'expected recording, start, end, label; got '
                         f'{len(tokens)} field(s) {tokens}')
    start, end = _frame_index(tokens[1], 'start'), _frame_index(tokens[2], 'end')
    if end < start:
        raise SkipSample('end < start', f'start {start}, end {end}')
    return Segment(number, tokens[0], start, end, tokens[3].strip())


def read_segment_file(path: Union[str, Path]) -> Tuple[List[Segment], List[Tuple[int, SkipSample]]]:
    """Read ``recording, start, end, label`` rows; only a first line without numbers is a header.

    Returns:
        tuple[list, list]: The segments, and ``(line, SkipSample)`` for each row dropped.
    """
    segments, dropped = [], []
    first = True
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            if first and not any(is_number(t) for t in split_tokens(line)):
                first = False
                continue
            first = False
            try:
                segments.append(_parse_row(number, line))
            except SkipSample as e:
                dropped.append((number, e))
    return segments, dropped


class _Recording:
    """A recording's frames by frame id: the first frame of a duplicated id wins."""

    def __init__(self, path: Path, num_joints: int, text: TextFormat):
        keypoint, self.score, frame_ids = read_keypoints(path, num_joints, text)
        if frame_ids is None:
            frame_ids = np.arange(keypoint.shape[1])
        self.ids, first = np.unique(frame_ids, return_index=True)  # sorted ids
        self.keypoint = keypoint[:, first]
        self.score = None if self.score is None else self.score[:, first]
        counts = Counter(frame_ids.tolist())
        self.duplicates = sorted(i for i, n in counts.items() if n > 1)

    def cut(self, segment: Segment) -> Tuple[dict, np.ndarray]:
        """The segment's arrays and the frame ids it misses."""
        low, high = int(self.ids[0]), int(self.ids[-1])
        if segment.start < low or segment.end > high:
            raise SkipSample('out of range', f'frames {segment.start}-{segment.end}, but '
                             f'{segment.recording} has frames {low}-{high}')
        keep = (self.ids >= segment.start) & (self.ids <= segment.end)
        if not keep.any():
            raise SkipSample('no frames', f'{segment.recording} has no frame id in '
                             f'{segment.start}-{segment.end}')
        arrays = dict(keypoint=self.keypoint[:, keep])
        if self.score is not None:
            arrays['keypoint_score'] = self.score[:, keep]
        return arrays, np.setdiff1d(np.arange(segment.start, segment.end + 1), self.ids[keep])


def _recording_files(folder: Path, exclude: Path) -> Dict[str, Path]:
    """Name and stem -> file; a stem that two files share names neither."""
    files: Dict[str, Path] = {}
    for path in sorted(p for p in folder.rglob('*') if p.suffix in EXTENSIONS and p.is_file()
                       and p.resolve() != exclude.resolve()):
        if path.stem in files:
            raise ValueError(f'recordings {files[path.stem]} and {path} have the same name '
                             f'{path.stem!r}: a segment file cannot tell them apart')
        files[path.stem] = files[path.name] = path
    return files


def _empty_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f'{out} exists and is not an empty folder; remove it or choose '
                              'another --out')


class _Writer:
    """Segments go to a hidden temporary folder that is renamed onto ``out`` when complete."""

    def __init__(self, out: Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.tmp = Path(tempfile.mkdtemp(prefix=f'.{out.name}.{os.getpid()}.', suffix='.tmp',
                                         dir=out.parent))
        self.labels: Dict[str, Tuple[int, str]] = {}  # sample id -> (line, label)

    def add(self, sample_id: str, arrays: dict, segment: Segment) -> None:
        np.savez(self.tmp / f'{sample_id}.npz', **arrays)
        self.labels[sample_id] = (segment.line, segment.label)

    def commit(self) -> None:
        with open(self.tmp / LABELS_NAME, 'w', newline='', encoding='utf-8') as f:
            writer = csv.writer(f)
            writer.writerow(['sample_id', 'label_name'])
            writer.writerows((i, label) for i, (_, label) in
                             sorted(self.labels.items(), key=lambda item: item[1][0]))
        os.replace(self.tmp, self.out)  # onto an empty folder or none: all appear at once

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _load(path: Path, num_joints: int, text: TextFormat, notes: List[str]) -> _Recording:
    try:
        recording = _Recording(path, num_joints, text)
    except SkipSample as e:
        raise SkipSample('unreadable recording', f'{path.name}: {e}') from e
    if recording.duplicates:
        ids = ', '.join(map(str, recording.duplicates[:5]))
        notes.append(f'{path.name}: frame id(s) {ids} appear more than once; the first frame '
                     'of each is kept')
    return recording


def _cut_recording(path: Path, rows: List[Segment], writer: _Writer, num_joints: int,
                   text: TextFormat, segments_name: str, notes: List[str]
                   ) -> List[Tuple[int, SkipSample]]:
    """Cut and write one recording's rows; returns the rows dropped."""
    try:
        recording = _load(path, num_joints, text, notes)
    except SkipSample as e:
        return [(segment.line, e) for segment in rows]
    dropped = []
    for segment in rows:
        sample_id = f'{path.stem}_{segment.start}_{segment.end}'
        try:
            if sample_id in writer.labels:
                line, label = writer.labels[sample_id]
                raise SkipSample('duplicate segment', f'line {line} cut the same frames, label '
                                 f'{label!r}; this row says {segment.label!r}')
            arrays, missing = recording.cut(segment)
        except SkipSample as e:
            dropped.append((segment.line, e))
            continue
        writer.add(sample_id, arrays, segment)
        if len(missing):
            more = f' and {len(missing) - 5} more' if len(missing) > 5 else ''
            notes.append(f'{segments_name}:{segment.line}: frames {segment.start}-{segment.end} '
                         f'of {segment.recording} miss frame id(s) '
                         f'{", ".join(map(str, missing[:5]))}{more}')
    return dropped


def cut_segments(recordings: Union[str, Path], segments: Union[str, Path],
                 out: Union[str, Path], num_joints: int, text: TextFormat = TextFormat(),
                 progress: bool = True) -> Dict:
    """Cut the recordings into one ``.npz`` sample a segment row, and write ``labels.csv``.

    Each recording is read once, in the order of its first row. Nothing is written unless at
    least one segment is cut; then the whole folder appears at once. The summary also goes to
    ``<out>.log.json``.

    Args:
        recordings (str | Path): Folder of recording files (any format of the custom
            converter, searched recursively).
        segments (str | Path): The segment file of ``recording, start, end, label`` rows.
        out (str | Path): Output folder; must not exist or be empty.
        num_joints (int): Joints per frame (V) of the recordings.
        text (TextFormat): How the text recordings' rows are laid out.
        progress (bool): Show a tqdm progress bar. Defaults to True.

    Returns:
        dict: ``num_rows``, ``num_samples``, ``num_recordings``, ``class_counts``,
        ``num_skipped``, ``skipped`` (reason -> ``file:line``), ``details``, ``notes``,
        ``labels``, ``seconds``.
    """
    start = time.perf_counter()
    recordings, segments, out = Path(recordings), Path(segments), Path(out)
    if not recordings.is_dir():
        raise FileNotFoundError(f'recordings folder {recordings} does not exist')
    _empty_folder(out)
    files = _recording_files(recordings, segments)
    rows, dropped = read_segment_file(segments)
    num_rows = len(rows) + len(dropped)
    by_file: Dict[Path, List[Segment]] = {}
    for segment in rows:
        if segment.recording in files:
            by_file.setdefault(files[segment.recording], []).append(segment)
        else:
            dropped.append((segment.line, SkipSample(
                'unknown recording', f'no file {segment.recording!r} among the recordings')))
    notes: List[str] = []
    num_recordings = 0  # that gave a segment
    writer = _Writer(out)
    try:
        for path, file_rows in tqdm(by_file.items(), desc='recordings', unit='file',
                                    disable=not progress):
            before = len(writer.labels)
            dropped += _cut_recording(path, file_rows, writer, num_joints, text, segments.name,
                                      notes)
            num_recordings += len(writer.labels) > before
        skipped, details = _by_reason(segments.name, dropped)
        if not writer.labels:
            first = ', '.join(f'{n} ({details[n]})' for ns in skipped.values() for n in ns[:2])
            raise ValueError(f'none of {num_rows} rows of {segments} cut a segment: {first}')
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    labels = [label for _, label in writer.labels.values()]
    summary = dict(
        recordings=str(recordings), segments=str(segments), out=str(out), num_rows=num_rows,
        num_samples=len(labels), num_recordings=num_recordings,
        class_counts={c: n for c, n in sorted(Counter(labels).items(),
                                              key=lambda item: natural_key(item[0]))},
        num_skipped={r: len(n) for r, n in skipped.items()}, skipped=skipped, details=details,
        notes=notes, labels=str(out / LABELS_NAME), seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def _by_reason(name: str, dropped: List[Tuple[int, SkipSample]]
               ) -> Tuple[Dict[str, List[str]], Dict[str, str]]:
    """``file:line`` entries by reason, in line order, and each one's detail."""
    skipped: Dict[str, List[str]] = {}
    details: Dict[str, str] = {}
    for line, e in sorted(dropped, key=lambda d: d[0]):
        skipped.setdefault(e.reason, []).append(f'{name}:{line}')
        details[f'{name}:{line}'] = e.detail
    return skipped, details


def format_cut_summary(summary: Dict) -> str:
    """Render a :func:`cut_segments` summary for the terminal."""
    tail = tail_lines(summary)
    return '\n'.join(
        [f"{summary['num_samples']}/{summary['num_rows']} segments cut from "
         f"{summary['num_recordings']} recording(s) into {summary['out']} in "
         f"{summary['seconds']:.1f} s",
         'classes: ' + ', '.join(f'{k} {v}' for k, v in summary['class_counts'].items())]
        + tail[:-1] + [f'note: {n}' for n in summary['notes']]
        + [f"labels: {summary['labels']}", tail[-1]])
