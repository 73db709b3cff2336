"""Convert Kinetics-skeleton (the ST-GCN OpenPose-18 json release) to an annotation pickle.

The release has ``kinetics_train/<id>.json`` and ``kinetics_val/<id>.json``, one per video::

    {"data": [{"frame_index": 1, "skeleton": [{"pose": [x0, y0, x1, y1, ...],  # 36, in [0, 1]
                                               "score": [s0, ..., s17]}, ...]}, ...],
     "label": "abseiling", "label_index": 0}

with ``kinetics_{train,val}_label.json`` (``{id: {"has_skeleton", "label", "label_index"}}``)
beside the folders. Joints are in OpenPose's COCO-18 order, which is mmskel's ``openpose`` layout.

OpenPose does not track people, so the k-th skeleton of one frame and the k-th of the next need
not be the same person. Like ST-GCN's feeder (``feeder_kinetics.py``, which its released models
were trained on), persons are therefore ranked in every frame by their summed joint confidence
and the ``num_persons`` best are kept: person 0 is the most confident person of each frame.
Ranking "persons over the whole video" would rank list slots, not people.
"""
import json
import os.path as osp
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from mmskel.datasets.io import dump_annotations
from mmskel.structures.layouts import get_layout
from mmskel.utils.fileio import load_json
from .parallel import map_files
from .report import head_lines, tail_lines, write_log

SPLITS = ('train', 'val')
NUM_JOINTS = get_layout('openpose').num_joints
IMG_SHAPE = (256, 340)  # (h, w): ST-GCN resized every video to 340x256 before running OpenPose


class SkipSample(Exception):
    """A file that cannot become a sample; ``reason`` is the short key it is counted under."""

    def __init__(self, reason: str, detail: str = ''):
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason
        self.detail = detail


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_person(person, frame_index: int) -> Tuple[np.ndarray, np.ndarray]:
    """One json person -> (xy [18, 2], score [18]), or SkipSample naming the field."""
    where = f'frame_index {frame_index}'
    if not isinstance(person, dict) or 'pose' not in person or 'score' not in person:
        raise SkipSample('bad skeleton', f'{where}: expected a dict with "pose" and "score"')
    try:
        pose = np.asarray(person['pose'], dtype=np.float32)
        score = np.asarray(person['score'], dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise SkipSample('bad skeleton', f'{where}: non-numeric pose or score ({e})') from e
    if pose.shape != (2 * NUM_JOINTS, ) or score.shape != (NUM_JOINTS, ):
        raise SkipSample('bad skeleton', f'{where}: expected "pose" of {2 * NUM_JOINTS} and '
                         f'"score" of {NUM_JOINTS} numbers, got shapes {pose.shape} and '
                         f'{score.shape}')
    if not (np.isfinite(pose).all() and np.isfinite(score).all()):
        raise SkipSample('bad skeleton', f'{where}: non-finite values')
    return pose.reshape(NUM_JOINTS, 2), score


def load_kinetics_json(path: Union[str, Path], num_persons: int = 2,
                       img_shape: Sequence[int] = IMG_SHAPE) -> dict:
    """Read one Kinetics-skeleton video json into a sample (without ``label``).

    Args:
        path (str | Path): ``<video_id>.json``.
        num_persons (int): Persons kept per frame, the most confident first. Defaults to 2.
        img_shape (Sequence[int]): (h, w) the normalised coordinates are scaled to.
            Defaults to (256, 340), the frame size ST-GCN ran OpenPose on.

    Returns:
        dict: ``frame_dir`` (the video id), ``total_frames`` (the largest ``frame_index``),
        ``keypoint`` float32 [M, T, 18, 2] in pixels, ``keypoint_score`` float32 [M, T, 18],
        ``img_shape``, ``original_shape``, and ``json_label`` / ``json_label_index`` as the
        file states them. ``M = min(num_persons, most persons in one frame)``; a missing person
        or joint is (0, 0) with score 0, as in the json. Frames are placed by ``frame_index``.

    Raises:
        SkipSample: The file is not a usable sample; ``reason`` says why.
    """
    path = Path(path)
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SkipSample('unreadable json', str(e)) from e
    if not isinstance(content, dict) or not isinstance(content.get('data'), list):
        raise SkipSample('missing data', 'expected a dict with a "data" list of frames')
    if not content['data']:
        raise SkipSample('no skeleton', '"data" has no frames')
    frames: Dict[int, list] = {}
    for frame in content['data']:
        index = frame.get('frame_index') if isinstance(frame, dict) else None
        if not _is_int(index) or index < 1:
            raise SkipSample('bad frame_index', f'expected an int >= 1, got {index!r}')
        if index in frames:
            raise SkipSample('bad frame_index', f'frame_index {index} appears twice')
        skeleton = frame.get('skeleton')
        if not isinstance(skeleton, list):
            raise SkipSample('bad skeleton', f'frame_index {index}: "skeleton" is not a list')
        frames[index] = [_read_person(person, index) for person in skeleton]
    most = max(len(people) for people in frames.values())
    if most == 0:
        raise SkipSample('no skeleton', f'none of {len(frames)} frames has a person')
    num_frames, num_kept = max(frames), min(num_persons, most)
    keypoint = np.zeros((num_kept, num_frames, NUM_JOINTS, 2), dtype=np.float32)
    score = np.zeros((num_kept, num_frames, NUM_JOINTS), dtype=np.float32)
    for index, people in frames.items():
        # stable sort: equal confidences keep the json order, as the feeder's argsort does
        ranked = sorted(people, key=lambda p: -float(p[1].sum()))[:num_kept]
        for m, (xy, conf) in enumerate(ranked):
            keypoint[m, index - 1] = xy
            score[m, index - 1] = conf
    height, width = img_shape
    keypoint *= np.array([width, height], dtype=np.float32)
    return dict(frame_dir=path.stem, total_frames=num_frames, keypoint=keypoint,
                keypoint_score=score, img_shape=(int(height), int(width)),
                original_shape=(int(height), int(width)), json_label=content.get('label'),
                json_label_index=content.get('label_index'))


def _load_or_skip(job: Tuple[str, int, Tuple[int, int]]) -> Tuple[Optional[dict], str, str]:
    """Worker: (sample or None, skip reason or '', detail)."""
    try:
        return load_kinetics_json(*job), '', ''
    except SkipSample as e:
        return None, e.reason, e.detail


def _read_labels(root: Path, split: str) -> Optional[Dict[str, dict]]:
    path = root / f'kinetics_{split}_label.json'
    if not path.is_file():
        return None
    return load_json(path, dict, '{video_id: {"has_skeleton", "label", "label_index"}}',
                     unreadable='unreadable label file')


def _label_of(sample: dict, entry: Optional[dict], classes: Optional[List[str]]) -> int:
    """The 0-based label: the label file's (as ST-GCN's feeder), checked against the json."""
    index, name = sample['json_label_index'], sample['json_label']
    if entry is not None:
        if not _is_int(entry.get('label_index')):
            raise SkipSample('bad label', f'label file: label_index {entry.get("label_index")!r}')
        if _is_int(index) and index != entry['label_index']:
            raise SkipSample('label mismatch', f'json label_index {index}, label file '
                             f'{entry["label_index"]}')
        index, name = entry['label_index'], entry.get('label', name)
    if not _is_int(index) or index < 0:
        raise SkipSample('bad label', f'label_index: expected an int >= 0, got {index!r}')
    if classes is not None:
        if index >= len(classes):
            raise SkipSample('bad label', f'label_index {index} >= {len(classes)} classes')
        if name is not None and name != classes[index]:
            raise SkipSample('label mismatch', f'label {name!r} but class {index} is '
                             f'{classes[index]!r}')
    return index


def convert_kinetics(root: Union[str, Path], out: Union[str, Path], num_persons: int = 2,
                     img_shape: Sequence[int] = IMG_SHAPE,
                     label_names: Union[str, Path, None] = None, workers: int = 1,
                     progress: bool = True) -> Dict:
    """Convert the ST-GCN Kinetics-skeleton json release into one annotation pickle.

    The split of a sample is the folder its file is in (``kinetics_train`` -> ``train``,
    ``kinetics_val`` -> ``val``). Its label is the ``label_index`` of
    ``kinetics_<split>_label.json`` when that file exists (ST-GCN's feeder reads it too), else
    of the video json. Excluded and counted, never stopping the conversion: videos the label
    file marks ``has_skeleton: false`` or does not list, unreadable or malformed json (the
    reason names the field), videos with no person in any frame, label indices that disagree
    between the two files or with the class names, and an id already seen in an earlier split.
    The summary is also written to ``<out>.log.json``.

    Args:
        root (str | Path): Folder holding ``kinetics_train/`` and/or ``kinetics_val/``.
        out (str | Path): Output ``.pkl`` path.
        num_persons (int): Persons kept per frame, the most confident first. Defaults to 2.
        img_shape (Sequence[int]): (h, w) of the pixel frame. Defaults to (256, 340).
        label_names (str | Path, optional): Text file with one class name per line, stored as
            ``classes``; defaults to ``root/label_name.txt`` when that exists.
        workers (int): Processes reading files. Defaults to 1.
        progress (bool): Show a tqdm progress bar. Defaults to True.

    Returns:
        dict: ``num_files``, ``num_samples``, ``split_sizes``, ``num_classes``,
        ``num_skipped`` (reason -> count), ``skipped`` (reason -> ``split_folder/file`` names),
        ``details`` (name -> what was wrong), ``seconds``.

    Example:
        >>> summary = convert_kinetics('data/kinetics-skeleton', 'data/kinetics/k400_st.pkl')
        >>> sorted(summary['split_sizes'])
        ['train', 'val']
    """
    start = time.perf_counter()
    root, out = Path(root), Path(out)
    folders = {split: root / f'kinetics_{split}' for split in SPLITS}
    if not any(folder.is_dir() for folder in folders.values()):
        raise FileNotFoundError(f'Kinetics-skeleton folder {root} has neither kinetics_train/ '
                                'nor kinetics_val/ (the ST-GCN json release)')
    if num_persons < 1 or len(img_shape) != 2 or min(img_shape) <= 0:
        raise ValueError(f'expected num_persons >= 1 and img_shape (h, w) > 0, got '
                         f'{num_persons} and {tuple(img_shape)}')
    if label_names is None and (root / 'label_name.txt').is_file():
        label_names = root / 'label_name.txt'
    classes = None
    if label_names is not None:
        classes = [line.strip() for line in Path(label_names).read_text().splitlines()
                   if line.strip()]
    img_shape = (int(img_shape[0]), int(img_shape[1]))

    annotations: List[dict] = []
    split: Dict[str, List[str]] = {name: [] for name in SPLITS}
    skipped: Dict[str, List[str]] = {}
    details: Dict[str, str] = {}
    seen = set()
    num_files = 0

    def skip(name: str, reason: str, detail: str = '') -> None:
        skipped.setdefault(reason, []).append(name)
        if detail:
            details[name] = detail

    for split_name, folder in folders.items():
        if not folder.is_dir():
            continue
        labels = _read_labels(root, split_name)
        paths = sorted(folder.glob('*.json'))
        num_files += len(paths)
        jobs = []
        for path in paths:
            name = f'{folder.name}/{path.name}'
            entry = labels.get(path.stem) if labels is not None else None
            if labels is not None and not isinstance(entry, dict):
                skip(name, 'not in label file', f'{path.stem} is not in kinetics_{split_name}'
                     '_label.json')
            elif entry is not None and entry.get('has_skeleton') is False:
                skip(name, 'has_skeleton false')
            else:
                jobs.append((str(path), num_persons, img_shape))
        results = map_files(_load_or_skip, jobs, workers, f'Kinetics {split_name}', progress,
                            chunksize=64)
        for (path, _, _), (sample, reason, detail) in zip(jobs, results):
            name = f'{folder.name}/{osp.basename(path)}'
            try:
                if sample is None:
                    raise SkipSample(reason, detail)
                entry = labels.get(sample['frame_dir']) if labels is not None else None
                sample['label'] = _label_of(sample, entry, classes)
                if sample['frame_dir'] in seen:
                    raise SkipSample('duplicate id', 'the id is already in an earlier split')
            except SkipSample as e:
                skip(name, e.reason, e.detail)
                continue
            del sample['json_label'], sample['json_label_index']
            seen.add(sample['frame_dir'])
            annotations.append(sample)
            split[split_name].append(sample['frame_dir'])
    if not num_files:
        raise FileNotFoundError(f'no *.json files in {[str(f) for f in folders.values()]}')

    extra = dict(classes=classes) if classes is not None else {}
    dump_annotations(annotations, str(out), split=split, layout='openpose', **extra)
    counts = Counter(sample['label'] for sample in annotations)
    summary = dict(
        root=str(root), out=str(out), num_files=num_files, num_samples=len(annotations),
        split_sizes={name: len(ids) for name, ids in split.items()},
        num_classes=len(classes) if classes is not None else len(counts),
        has_names=classes is not None,
        class_counts={(classes[k] if classes else str(k)): counts[k] for k in sorted(counts)},
        img_shape=list(img_shape), num_persons=num_persons,
        num_skipped={reason: len(names) for reason, names in skipped.items()},
        skipped=skipped, details=details, seconds=round(time.perf_counter() - start, 3))
    write_log(summary)
    return summary


def format_summary(summary: Dict) -> str:
    """Render a :func:`convert_kinetics` summary for the terminal."""
    classes = (f"classes: {summary['num_classes']} names, {len(summary['class_counts'])} present"
               if summary['has_names'] else
               f"classes: no names, {len(summary['class_counts'])} labels present")
    return '\n'.join(head_lines(summary) + [classes] + tail_lines(summary))
