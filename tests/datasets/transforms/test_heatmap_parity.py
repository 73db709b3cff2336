"""mmskel's PoseC3D transforms give mmaction2 1.2.0's arrays on the same NW-UCLA-made 2D samples.

mmaction2 runs in ``.venv-mmaction2`` (``make venv-mmaction2``) through ``posec3d_cases.py``;
the cases cover the train pipeline (seeded random crop, flip) and the test pipeline (flipped
copy), with keypoint and with limb heatmaps.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MMACTION2_PYTHON = REPO / '.venv-mmaction2' / 'bin' / 'python'
sys.path.insert(0, str(HERE))
import posec3d_cases  # noqa: E402


@pytest.fixture(scope='module')
def mmaction2_arrays(tmp_path_factory):
    if not MMACTION2_PYTHON.exists():
        pytest.skip(f'mmaction2 is not installed beside mmskel ({MMACTION2_PYTHON} is absent; '
                    'make venv-mmaction2)')
    out = tmp_path_factory.mktemp('mmaction2') / 'posec3d.npz'
    proc = subprocess.run([str(MMACTION2_PYTHON), str(HERE / 'posec3d_cases.py'), str(out)],
                          capture_output=True, text=True, timeout=600,
                          env={'PATH': '/usr/bin:/bin', 'PYTHONPATH': str(REPO),
                               'OMP_NUM_THREADS': '1'})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dict(np.load(out))


@pytest.mark.parametrize('name', sorted(posec3d_cases.CASES))
@pytest.mark.parametrize('index', [0, 1])  # one person, two persons
def test_same_arrays_as_mmaction2(mmaction2_arrays, nwucla_root, name, index):
    ours = posec3d_cases.run_case('mmskel', name, index)
    assert set(ours) == set(posec3d_cases.KEYS)
    for key, value in ours.items():
        theirs = mmaction2_arrays[f'{name}/{index}/{key}']
        assert value.shape == theirs.shape and value.dtype == theirs.dtype, key
        np.testing.assert_allclose(value, theirs, rtol=0, atol=1e-5, err_msg=key)
    assert ours['imgs'].max() > 0.5  # the heatmaps are not empty
