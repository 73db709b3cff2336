"""Labels of the custom converter: the label csv, the class list, and the checks on both.

A label file maps sample ids to class names; the class order is either given by a class file
(one name a line) or the names sorted naturally ("2" before "10", "a2" before "a10"). The checks
here warn about what trains silently wrong: ids without a file, classes of one sample, and
class names that differ by a typo, a case or a space.
"""
import csv
import difflib
import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

SIMILARITY = 0.8  # difflib ratio from which two class names look like one with a typo
MAX_NAMED = 5  # ids named in one warning


def natural_key(name: str) -> Tuple:
    """Sort key that compares runs of digits as numbers: "2" < "10", "a2" < "a10"."""
    parts = re.split(r'(\d+)', name)
    return tuple(int(p) if p.isdigit() else p for p in parts), name


def sort_classes(names: Iterable[str]) -> List[str]:
    """Class names in natural order (see :func:`natural_key`)."""
    return sorted(set(names), key=natural_key)


def read_label_csv(path: Union[str, Path]) -> Tuple[Dict[str, str], Dict[str, str]]:
    """Read ``sample_id,label_name`` rows (an optional ``sample_id,label_name`` header).

    An id listed twice with the same label is fine; with different labels it has no label.

    Returns:
        tuple[dict, dict]: id -> label name, and id -> why its labels conflict.

    Raises:
        ValueError: A row is not two non-empty fields; names the file and line.
    """
    labels: Dict[str, str] = {}
    lines: Dict[str, int] = {}
    conflicts: Dict[str, str] = {}
    with open(path, newline='', encoding='utf-8') as f:
        for line, row in enumerate(csv.reader(f), 1):
            if not row or (line == 1 and row[0].strip() == 'sample_id'):
                continue
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise ValueError(f'{path}, line {line}: expected "sample_id,label_name", '
                                 f'got {row}')
            sample_id, label = row[0].strip(), row[1].strip()
            if sample_id in labels and labels[sample_id] != label:
                conflicts[sample_id] = conflicts.get(
                    sample_id, f'{path} line {lines[sample_id]} says {labels[sample_id]!r}')
                conflicts[sample_id] += f', line {line} says {label!r}'
            elif sample_id not in labels:
                labels[sample_id], lines[sample_id] = label, line
    return labels, conflicts


def read_class_file(path: Union[str, Path]) -> List[str]:
    """Read one class name a line (blank lines skipped); the order is the label order.

    Raises:
        ValueError: The file lists no class or a class twice; names the file and lines.
    """
    classes: List[str] = []
    with open(path, encoding='utf-8') as f:
        for line, text in enumerate(f, 1):
            name = text.strip()
            if not name:
                continue
            if name in classes:
                raise ValueError(f'{path}, line {line}: class {name!r} is already class '
                                 f'{classes.index(name)}')
            classes.append(name)
    if not classes:
        raise ValueError(f'{path}: no class names (expected one a line)')
    return classes


def _digits_only_differ(a: str, b: str) -> bool:
    return re.sub(r'\d+', '#', a) == re.sub(r'\d+', '#', b)


def near_duplicates(names: Sequence[str]) -> List[Tuple[str, str]]:
    """Pairs of class names that differ by case, spaces or a typo ("wave" and "wavee").

    Names that differ only in their numbers ("action01", "action02") are not pairs.
    """
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            same = ' '.join(a.casefold().split()) == ' '.join(b.casefold().split())
            if same or (not _digits_only_differ(a, b) and difflib.SequenceMatcher(
                    None, a.casefold(), b.casefold()).ratio() >= SIMILARITY):
                pairs.append((a, b))
    return pairs


def unknown_class(label: str, classes: Sequence[str], source: Union[str, Path]) -> str:
    """Why ``label`` has no class in ``classes`` (the class file), with the closest names."""
    close = difflib.get_close_matches(label, classes, n=2, cutoff=0.6)
    hint = f'; did you mean {" or ".join(map(repr, close))}?' if close else ''
    return f'label {label!r} is not a class of {source}{hint}'


def _named(ids: Sequence[str]) -> str:
    more = len(ids) - MAX_NAMED
    return ', '.join(ids[:MAX_NAMED]) + (f' and {more} more' if more > 0 else '')


def label_warnings(labels: Dict[str, str], ids_with_files: Iterable[str],
                   sample_labels: Dict[str, str], classes: Sequence[str],
                   labels_path: Optional[Union[str, Path]] = None,
                   classes_path: Optional[Union[str, Path]] = None) -> List[str]:
    """What in the labels looks wrong, but does not stop a conversion.

    Args:
        labels (dict): The label file's id -> label name (empty without a label file).
        ids_with_files (Iterable[str]): The ids of the sample files found.
        sample_labels (dict): Converted sample id -> label name.
        classes (Sequence[str]): The class order written to the pickle.
        labels_path (str | Path, optional): The label file, for messages.
        classes_path (str | Path, optional): The class file, for messages.

    Returns:
        list[str]: One sentence a warning.
    """
    warnings = []
    unknown = sorted(set(labels) - set(ids_with_files), key=natural_key)
    if unknown:
        warnings.append(f'{labels_path}: {len(unknown)} id(s) have no sample file: '
                        f'{_named(unknown)}')
    counts = Counter(sample_labels.values())
    members: Dict[str, List[str]] = {}
    for sample_id, label in sample_labels.items():
        members.setdefault(label, []).append(sample_id)
    for name in classes:
        if counts[name] == 1:
            warnings.append(f'class {name!r} has one sample ({members[name][0]}): it cannot be '
                            'in both train and val')
        elif counts[name] == 0 and classes_path is not None:
            warnings.append(f'class {name!r} of {classes_path} has no sample')
    for a, b in near_duplicates(list(classes)):
        warnings.append(f'class names {a!r} ({counts[a]} samples) and {b!r} ({counts[b]} '
                        'samples) look alike: a typo makes a new class; fix the labels or '
                        'give --classes')
    return warnings
