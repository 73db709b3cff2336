"""Class texts for LST: a name, synonyms and one sentence per body part for each action class.

Three sources give the same :class:`ClassText` list:

- mmskel's own descriptions, shipped as package data (``mmskel/text/data/*.yaml``; format in
  ``docs/lst.md``): :func:`load_descriptions` with ``'ntu60'``, ``'ntu120'``, ``'nwucla'`` or
  a path;
- the authors' GAP ``text/`` folder, to train with their exact prompts: :func:`read_gap_texts`;
- a template for a user's own classes: :func:`template_texts`.
"""
import os.path as osp
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import yaml

PARTS = ('head', 'hand', 'hip', 'foot')
DATA_DIR = Path(__file__).resolve().parent / 'data'
# a packaged name -> (file under data/, how many of its classes, from the start)
PACKAGED = {'ntu60': ('ntu120.yaml', 60), 'ntu120': ('ntu120.yaml', 120),
            'nwucla': ('nwucla.yaml', 10)}
# the authors' file names per dataset: synonyms, then body-part ("pasta") texts
GAP_FILES = {'ntu': ('synonym_openai_t01.txt', 'pasta_openai_t01.txt'),
             'ucla': ('ucla_synonym_openai_t01.txt', 'ucla_pasta_openai_t01.txt')}
# the seven ';'-separated fields of a pasta line, and the parts they make
GAP_FIELDS = ('name', 'head', 'hand', 'arm', 'hip', 'leg', 'foot')
GAP_PARTS = {'head': ('head', ), 'hand': ('hand', 'arm'), 'hip': ('hip', ), 'foot': ('leg', 'foot')}
GAP_LABEL = re.compile(r'^\s*(head|hand|arm|hip|leg|foot)\s*:\s*', flags=re.I)
TEMPLATE = {'head': 'the head during the action {}',
            'hand': 'the hands and arms during the action {}',
            'hip': 'the hips and trunk during the action {}',
            'foot': 'the legs and feet during the action {}'}


@dataclass
class ClassText:
    """The texts of one action class.

    Attributes:
        name (str): The class name, as in the dataset's class list.
        synonyms (list[str]): Other ways to name the action.
        parts (dict[str, str]): One description per body part; keys ``head``, ``hand`` (hands
            and arms), ``hip`` and ``foot`` (legs and feet).
    """
    name: str
    synonyms: List[str] = field(default_factory=list)
    parts: Dict[str, str] = field(default_factory=dict)


def _checked(entry: object, where: str) -> ClassText:
    """A :class:`ClassText` from one ``classes`` entry of a description file, or a ValueError
    that says where and what was expected."""
    if not isinstance(entry, dict):
        raise ValueError(f'{where}: expected a mapping with name, synonyms and parts, '
                         f'got {type(entry).__name__}')
    missing = {'name', 'synonyms', 'parts'} - set(entry)
    if missing:
        raise ValueError(f'{where}: missing key(s) {sorted(missing)}')
    name, synonyms, parts = entry['name'], entry['synonyms'], entry['parts']
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f'{where}: name must be a non-empty string, got {name!r}')
    where = f'{where} ({name!r})'
    if not isinstance(synonyms, list) or not all(isinstance(s, str) and s.strip()
                                                 for s in synonyms):
        raise ValueError(f'{where}: synonyms must be a list of non-empty strings')
    if not isinstance(parts, dict) or set(parts) != set(PARTS):
        got = sorted(parts) if isinstance(parts, dict) else type(parts).__name__
        raise ValueError(f'{where}: parts must have exactly the keys {list(PARTS)}, got {got}')
    empty = [p for p in PARTS if not isinstance(parts[p], str) or not parts[p].strip()]
    if empty:
        raise ValueError(f'{where}: empty description for part(s) {empty}')
    return ClassText(name.strip(), [s.strip() for s in synonyms],
                     {p: parts[p].strip() for p in PARTS})


def read_descriptions(path: Union[str, Path]) -> List[ClassText]:
    """Read a description file: YAML (or JSON, a subset of YAML) of the form
    ``{classes: [{name, synonyms: [...], parts: {head, hand, hip, foot}}, ...]}``.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file or one entry is malformed; the message names the file and entry.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'no description file at {path}')
    with open(path, encoding='utf-8') as f:
        try:
            content = yaml.safe_load(f)
        except yaml.YAMLError as error:
            raise ValueError(f'{path}: not valid YAML/JSON: {error}') from None
    if not isinstance(content, dict) or not isinstance(content.get('classes'), list):
        raise ValueError(f"{path}: expected a top-level mapping with a 'classes' list")
    texts = [_checked(entry, f'{path}: classes[{i}]') for i, entry in enumerate(content['classes'])]
    names = [t.name for t in texts]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f'{path}: class name(s) given more than once: {repeated}')
    return texts


def load_descriptions(name_or_path: str) -> List[ClassText]:
    """mmskel's descriptions of a benchmark's classes, or those of a description file.

    Args:
        name_or_path (str): ``'ntu60'`` (the first 60 of NTU RGB+D 120), ``'ntu120'``,
            ``'nwucla'``, or the path of a file in the format of :func:`read_descriptions`.

    Returns:
        list[ClassText]: In class-index order.
    """
    if name_or_path in PACKAGED:
        filename, count = PACKAGED[name_or_path]
        return read_descriptions(DATA_DIR / filename)[:count]
    if not osp.exists(name_or_path):
        raise FileNotFoundError(f'{name_or_path!r} is neither a packaged description set '
                                f'({", ".join(PACKAGED)}) nor an existing file')
    return read_descriptions(name_or_path)


def texts_from_spec(spec: str, num_classes: Optional[int] = None) -> List[ClassText]:
    """Class texts from a one-string source, as configs and ``tools/misc/make_text_bank.py``
    give it: ``'ntu60'``, ``'ntu120'``, ``'nwucla'``, ``'gap:<folder>:<ntu|ucla>'`` (the
    authors' files) or the path of a description file.

    Args:
        spec (str): The source.
        num_classes (int, optional): Keep the first ``num_classes`` classes.
    """
    if spec.startswith('gap:'):
        folder, _, dataset = spec[len('gap:'):].rpartition(':')
        if not folder or dataset not in GAP_FILES:
            raise ValueError(f"expected 'gap:<folder>:<{'|'.join(GAP_FILES)}>', got {spec!r}")
        return read_gap_texts(folder, dataset, num_classes)
    texts = load_descriptions(spec)
    if num_classes is not None and not 0 < num_classes <= len(texts):
        raise ValueError(f'num_classes={num_classes} but {spec!r} has {len(texts)} classes')
    return texts[:num_classes]


def _gap_lines(path: Path) -> List[str]:
    if not path.is_file():
        raise FileNotFoundError(f'GAP text file not found: {path}')
    with open(path, encoding='utf-8') as f:
        lines = [line.strip() for line in f]
    while lines and not lines[-1]:  # a trailing blank line; some files lack the final newline
        lines.pop()
    return lines


def read_gap_texts(folder: Union[str, Path], dataset: str = 'ntu',
                   num_classes: Optional[int] = None) -> List[ClassText]:
    """Read the authors' prompt files (GAP's ``text/`` folder) as :class:`ClassText`.

    The synonym file has one line per class: the name then synonyms, comma-separated. The pasta
    file has one line per class of seven ``;``-separated fields: name, head, hand, arm, hip, leg,
    foot, some starting with a ``head:``-style label, which is stripped. As the official code
    composes them, ``hand`` is the hand and arm texts and ``foot`` the leg and foot texts, each
    pair joined with ``','``.

    Args:
        folder (str | Path): The folder holding the files (e.g. ``../shared/data/GAP-text``).
        dataset (str): ``'ntu'`` (120 classes) or ``'ucla'`` (NW-UCLA, 10 classes).
        num_classes (int, optional): Keep the first ``num_classes`` (60 for NTU-60).

    Raises:
        ValueError: A line has the wrong number of fields or an empty one, or the two files
            disagree on a class name or count; the message names the file and line.
    """
    if dataset not in GAP_FILES:
        raise ValueError(f"dataset must be one of {sorted(GAP_FILES)}, got {dataset!r}")
    synonym_path, pasta_path = (Path(folder) / name for name in GAP_FILES[dataset])
    synonym_lines, pasta_lines = _gap_lines(synonym_path), _gap_lines(pasta_path)
    if len(synonym_lines) != len(pasta_lines):
        raise ValueError(f'{synonym_path} has {len(synonym_lines)} classes but {pasta_path} '
                         f'has {len(pasta_lines)}; expected one line per class in both')
    if num_classes is not None and not 0 < num_classes <= len(pasta_lines):
        raise ValueError(f'num_classes={num_classes} but {pasta_path} has {len(pasta_lines)} '
                         'classes')
    texts = []
    for number, (synonym_line, pasta_line) in enumerate(zip(synonym_lines, pasta_lines), 1):
        fields = [GAP_LABEL.sub('', f).strip() for f in pasta_line.split(';')]
        if len(fields) != len(GAP_FIELDS) or not all(fields):
            raise ValueError(f'{pasta_path}, line {number}: expected {len(GAP_FIELDS)} non-empty '
                             f"';'-separated fields ({', '.join(GAP_FIELDS)}), got {pasta_line!r}")
        values = dict(zip(GAP_FIELDS, fields))
        names = [s.strip() for s in synonym_line.split(',') if s.strip()]
        if not names or names[0] != values['name']:
            raise ValueError(f'{synonym_path}, line {number}: expected the class name '
                             f"{values['name']!r} (from {pasta_path.name}) first, "
                             f'got {synonym_line!r}')
        parts = {part: ','.join(values[f] for f in sources) for part, sources in GAP_PARTS.items()}
        texts.append(ClassText(values['name'], names[1:], parts))
    return texts[:num_classes]


def template_texts(class_names: Sequence[str]) -> List[ClassText]:
    """Templated texts for a user's own classes: no synonyms, and part sentences that carry
    only the class name (``'the hands and arms during the action <name>'``). A fallback for
    custom data; written descriptions carry more meaning."""
    if isinstance(class_names, str):
        raise TypeError('class_names must be a sequence of names, not one string')
    names = [str(n).strip() for n in class_names]
    if not names or not all(names):
        raise ValueError(f'class_names must be non-empty names, got {list(class_names)!r}')
    return [ClassText(n, [], {p: t.format(n) for p, t in TEMPLATE.items()}) for n in names]


def texts_for(class_names: Sequence[str], texts: Sequence[ClassText]) -> List[ClassText]:
    """The texts of ``class_names`` in that order, found by name in ``texts``.

    Raises:
        KeyError: A class has no text; the message names it.
    """
    by_name = {t.name: t for t in texts}
    missing = [n for n in class_names if n not in by_name]
    if missing:
        raise KeyError(f'no text for class(es) {missing}; texts exist for '
                       f'{len(by_name)} classes (e.g. {list(by_name)[:3]})')
    return [by_name[n] for n in class_names]
