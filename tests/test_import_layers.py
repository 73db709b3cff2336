"""Imports run downward only (docs/contributing.md, DESIGN rule 8): utils <- structures | text
<- datasets | models | evaluation (peers that import none of each other) <- visualization <-
engine <- apis; text (LST's texts, encoders and banks) sits beside structures because the LST
head reads text banks. The one exception is ``register_all_modules``, which imports every
registering package."""
import ast
from pathlib import Path
from typing import Iterator, Tuple

PACKAGE = Path(__file__).resolve().parents[1] / 'mmskel'
LAYER = {'registry': 0, 'utils': 0, 'version': 0, 'structures': 1, 'text': 1, 'datasets': 2,
         'models': 2, 'evaluation': 2, 'visualization': 3, 'engine': 4, 'apis': 5}
REGISTRATION = PACKAGE / 'utils' / 'setup_env.py'


def imported_modules(path: Path, root: Path) -> Iterator[Tuple[int, str]]:
    """(line, absolute module name) of every import in ``path`` (a file under ``root``, the
    folder that holds the package), at any depth."""
    package = list(path.relative_to(root).with_suffix('').parts)[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = '.'.join(base + ([node.module] if node.module else []))
            yield node.lineno, name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def part_of(module: str) -> str:
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def upward_imports(package: Path = PACKAGE) -> list:
    found = []
    for path in sorted(package.rglob('*.py')):
        me = part_of('.'.join(path.relative_to(package.parent).with_suffix('').parts))
        if me not in LAYER or path == REGISTRATION:
            continue
        for line, module in sorted(imported_modules(path, package.parent)):
            other = part_of(module)
            if module.startswith('mmskel.') and other != me and other in LAYER \
                    and LAYER[other] >= LAYER[me]:
                found.append(f'{path.relative_to(package.parent)}:{line}: {me} imports {module}')
    return found


def test_every_part_has_a_layer() -> None:
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == '.py' or (p / '__init__.py').exists()) and p.name != '__init__.py'}
    assert parts <= set(LAYER), f'give these a layer: {sorted(parts - set(LAYER))}'


def test_no_import_runs_upward() -> None:
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path) -> None:
    fake = tmp_path / 'mmskel'
    (fake / 'models').mkdir(parents=True)
    (fake / 'models' / 'loss.py').write_text('def f():\n    from mmskel.datasets.io import x\n'
                                             'from ..apis import y\nfrom .heads import z\n')
    assert upward_imports(fake) == ['mmskel/models/loss.py:2: models imports mmskel.datasets.io',
                                    'mmskel/models/loss.py:3: models imports mmskel.apis']
