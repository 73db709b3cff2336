"""Convert the BABEL action-recognition release (BABEL-60/120) to an annotation pickle.

BABEL (Punnakkal et al., CVPR 2021) labels AMASS motion capture densely; its action-recognition
release cuts the labelled segments into 5-second chunks (150 frames at 30 fps) of joints in the
NTU RGB+D 25-joint layout, as 2s-AGCN feeder files, per split and class count::

    {train,val}_ntu_sk_{60,120}.npy   float [N, 3, T, 25, 1]   (N, C, T, V, M)
    {train,val}_label_{60,120}.pkl    (sample names, (labels, sequence ids, chunk numbers,
                                       annotator ids)), pickled by Python 2 or 3

A chunk shorter than 5 seconds is zero-padded at its end; the converter drops that padding, so
``total_frames`` is the chunk's real length. Each sample keeps its BABEL ``babel_sid``,
``chunk`` and ``annotator`` ids, and its ``frame_dir`` is ``<segment id>_<chunk>``.
"""
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from tqdm import tqdm

from mmskel.datasets.io import dump_annotations
from mmskel.utils.safe_pickle import load_pickle
from .report import head_lines, tail_lines, write_log

SPLITS = ('train', 'val')


def load_babel_labels(path: Union[str, Path]) -> Tuple[List[str], List[Sequence]]:
    """Read a ``*_label_{60,120}.pkl``: sample names and the four per-sample id lists.

    Raises:
        UnreadablePickleError: (a ValueError) naming the file, when it is no pickle or holds
            anything but plain data (code, objects).
        ValueError: naming the file, when its content is not the release's layout.
    """
    # Python 2 wrote some releases: latin1 reads its str; no opt-in to full unpickling, since
    # a real label file holds nothing but lists of names and numbers
    content = load_pickle(str(path), encoding='latin1',
                          hint='a BABEL label file holds only lists of names and numbers; this '
                          'one is not from the release, download it again')
    if not (isinstance(content, (tuple, list)) and len(content) == 2):
        raise ValueError(f'{path}: expected (sample names, (labels, sids, chunks, annotators)), '
                         f'got {type(content).__name__}')
    names, fields = content
    fields = list(fields) if isinstance(fields, (tuple, list)) and len(fields) == 4 else None
    if fields is None or any(len(field) != len(names) for field in fields):
        raise ValueError(f'{path}: expected 4 lists (labels, sids, chunks, annotators) of '
                         f'{len(names)} entries, one per sample name')
    return [str(n) for n in names], fields


def real_length(chunk: np.ndarray) -> int:
    """Frames up to the last one with a non-zero joint; chunk [T, V, C]."""
    moving = np.flatnonzero(np.abs(chunk).reshape(len(chunk), -1).sum(1) > 0)
    return int(moving[-1]) + 1 if len(moving) else 0


def convert_split(root: Path, split: str, num_classes: int, skipped: Dict[str, List[str]],
                  progress: bool = True) -> List[dict]:
    """Annotations of one split; empty or out-of-range samples are counted in ``skipped``."""
    data_path = root / f'{split}_ntu_sk_{num_classes}.npy'
    label_path = root / f'{split}_label_{num_classes}.pkl'
    for path in (data_path, label_path):
        if not path.is_file():
            raise FileNotFoundError(f'{path} not found; expected the BABEL release files '
                                    f'{split}_ntu_sk_{num_classes}.npy and '
                                    f'{split}_label_{num_classes}.pkl in {root}')
    data = np.load(data_path, mmap_mode='r')
    names, (labels, sids, chunks, annotators) = load_babel_labels(label_path)
    if data.ndim != 5 or data.shape[1] != 3 or data.shape[3] != 25 or len(data) != len(names):
        raise ValueError(f'{data_path}: expected [N={len(names)}, 3, T, 25, M], '
                         f'got {tuple(data.shape)}')
    annotations = []
    for index, name in enumerate(tqdm(names, desc=f'BABEL {split}', unit='sample',
                                      disable=not progress)):
        frame_dir = f'{name}_{chunks[index]}'
        label = int(labels[index])
        keypoint = np.ascontiguousarray(data[index].transpose(3, 1, 2, 0), dtype=np.float32)
        length = real_length(np.abs(keypoint).sum(0))
        if not 0 <= label < num_classes:
            skipped.setdefault('label out of range', []).append(f'{split}:{frame_dir}')
        elif length == 0:
            skipped.setdefault('no frames', []).append(f'{split}:{frame_dir}')
        else:
            annotations.append(dict(
                frame_dir=frame_dir, label=label, total_frames=length,
                keypoint=keypoint[:, :length], babel_sid=int(sids[index]),
                chunk=int(chunks[index]), annotator=str(annotators[index])))
    return annotations


def convert_babel(root: Union[str, Path], out: Union[str, Path], num_classes: int = 60,
                  class_names: Optional[Sequence[str]] = None, progress: bool = True) -> Dict:
    """Convert BABEL-60 or BABEL-120 into one pickle with ``train`` and ``val`` splits.

    Args:
        root (str | Path): Folder with the release's ``.npy`` and ``.pkl`` files.
        out (str | Path): Output annotation pickle; the summary goes to ``<out>.log.json``.
        num_classes (int): 60 or 120. Defaults to 60.
        class_names (Sequence[str], optional): Names in label order, stored as ``classes``.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: The summary (split sizes, class counts, skipped samples per reason).
    """
    if num_classes not in (60, 120):
        raise ValueError(f'BABEL comes with 60 or 120 classes, got {num_classes}')
    if class_names is not None and len(class_names) != num_classes:
        raise ValueError(f'{len(class_names)} class names given for BABEL-{num_classes}')
    start = time.perf_counter()
    root, out = Path(root), Path(out)
    skipped: Dict[str, List[str]] = {}
    annotations, split = [], {}
    for name in SPLITS:
        samples = convert_split(root, name, num_classes, skipped, progress)
        duplicates = {s['frame_dir'] for s in samples} & {s['frame_dir'] for s in annotations}
        if duplicates:
            raise ValueError(f'{root}: ids {sorted(duplicates)[:3]} appear in train and val')
        split[name] = [s['frame_dir'] for s in samples]
        annotations += samples
    extra = {'classes': list(class_names)} if class_names is not None else {}
    dump_annotations(annotations, str(out), split=split, layout='nturgb+d', **extra)
    counts = Counter(s['label'] for s in annotations)
    summary = dict(
        root=str(root), out=str(out), num_classes=num_classes,
        num_files=len(annotations) + sum(len(v) for v in skipped.values()),
        num_samples=len(annotations), split_sizes={k: len(v) for k, v in split.items()},
        class_counts={str(k): counts[k] for k in sorted(counts)},
        num_skipped={k: len(v) for k, v in skipped.items()}, skipped=skipped,
        seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_babel` summary for the terminal."""
    classes = f"classes: {len(summary['class_counts'])} of {summary['num_classes']} present"
    return '\n'.join(head_lines(summary, f"BABEL-{summary['num_classes']}", unit='samples')
                     + [classes]
                     + tail_lines(summary))
