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


@pytest.fixture
def babel_release(tmp_path: Path) -> Path:
    """A small BABEL-60 action-recognition release, written in the released layout.

    Per split: ``<split>_ntu_sk_60.npy`` float32 [N, 3, 150, 25, 1] and ``<split>_label_60.pkl``
    = (names, (labels, sids, chunks, annotators)) pickled with protocol 2, as Python 2 wrote it.
    Sample k of a split moves for 150 - 20 k frames, then is zero padding.
    """
    import pickle

    import numpy as np
    folder = tmp_path / 'babel_v1.0_release'
    folder.mkdir()
    rng = np.random.default_rng(0)
    for split, num in (('train', 4), ('val', 2)):
        data = np.zeros((num, 3, 150, 25, 1), dtype=np.float32)
        for k in range(num):
            data[k, :, :150 - 20 * k] = rng.normal(0, 1, (3, 150 - 20 * k, 25, 1))
        np.save(folder / f'{split}_ntu_sk_60.npy', data)
        names = [f'{split}_seg{k}' for k in range(num)]
        fields = ([3 * k % 60 for k in range(num)], [100 + k for k in range(num)],
                  [k % 2 for k in range(num)], [f'ann{k}' for k in range(num)])
        with open(folder / f'{split}_label_60.pkl', 'wb') as f:
            pickle.dump((names, fields), f, protocol=2)
    return folder


@pytest.fixture
def hagrid_checkpoint() -> Path:
    """pyskl's real ST-GCN++ HaGRID hand-gesture checkpoint (see its PROVENANCE.md)."""
    return shared_path('checkpoints', 'pyskl-stgcnpp-hagrid', 'hagrid.pth')
