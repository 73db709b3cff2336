"""Shared fixtures: the third-party data beside the repository, and a temporary cwd."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get('MMSKEL_SHARED_DATA', REPO.parent / 'shared' / 'data'))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; skip the test, saying why, when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f'third-party data not found at {path} (it lives in ../shared/data beside '
                    'the repository; set MMSKEL_SHARED_DATA to point elsewhere)')
    return path


@pytest.fixture
def nwucla_root() -> Path:
    return shared_path('NW-UCLA', 'all_sqe')
