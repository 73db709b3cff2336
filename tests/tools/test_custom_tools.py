"""tools/data/custom/*.py as a user types them: text options, --classes, the segment cutter."""
import subprocess
import sys
from pathlib import Path

import numpy as np

from mmskel.datasets.io import load_annotations

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / 'tools' / 'data' / 'custom'


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def _frames(rng, num_frames: int, first_id: int = 0) -> str:
    """Frame lines of 5 joints after a frame id."""
    return ''.join(f'{first_id + t} ' + ' '.join(f'{v:.3f}' for v in rng.uniform(0, 1, 15))
                   + '\n' for t in range(num_frames))


def test_cut_then_convert_with_text_options_and_classes(tmp_path):
    rng = np.random.default_rng(0)
    recordings = tmp_path / 'recordings'
    recordings.mkdir()
    (recordings / 'a_take1.txt').write_text(_frames(rng, 40))
    (recordings / 'b_take1.txt').write_text(_frames(rng, 40))
    (tmp_path / 'seg.csv').write_text(
        'a_take1,0,9,10\na_take1,10,19,2\na_take1,20,20,2\nb_take1,0,9,10\nb_take1,10,19,2\n'
        'b_take1,nan,5,2\n')
    (tmp_path / 'hand.json').write_text('{"name": "five", "parents": [0, 0, 1, 2, 3], '
                                        '"center": 0}')
    cut = _run(TOOLS / 'cut_segments.py', '--recordings', recordings, '--segments',
               tmp_path / 'seg.csv', '--out', tmp_path / 'clips', '--num-joints', '5',
               '--text-columns', 'frame,x,y,z')
    assert cut.returncode == 0, cut.stderr
    assert "skipped (NaN index): 1: seg.csv:6 (start 'nan' is not a frame index)" in cut.stdout

    convert = _run(TOOLS / 'convert_custom.py', '--root', tmp_path / 'clips', '--labels',
                   tmp_path / 'clips' / 'labels.csv', '--out', tmp_path / 'clips.pkl',
                   '--layout', tmp_path / 'hand.json', '--split-by', 'regex:^b_')
    assert convert.returncode == 0, convert.stderr
    assert ('skipped (single frame): 1: a_take1_20_20.npz (one frame has no motion to '
            'classify; --keep-degenerate keeps it)') in convert.stdout
    assert load_annotations(str(tmp_path / 'clips.pkl'))['classes'] == ['2', '10']

    (tmp_path / 'classes.txt').write_text('10\n2\n')
    again = _run(TOOLS / 'convert_custom.py', '--root', tmp_path / 'clips', '--labels',
                 tmp_path / 'clips' / 'labels.csv', '--out', tmp_path / 'kept.pkl', '--layout',
                 tmp_path / 'hand.json', '--classes', tmp_path / 'classes.txt',
                 '--keep-degenerate')
    assert again.returncode == 0, again.stderr
    data = load_annotations(str(tmp_path / 'kept.pkl'))
    assert data['classes'] == ['10', '2'] and len(data['annotations']) == 5


def test_bad_text_columns_is_a_usage_error(tmp_path):
    result = _run(TOOLS / 'convert_custom.py', '--root', tmp_path, '--out', tmp_path / 'a.pkl',
                  '--layout', 'coco', '--text-columns', 'x,z')
    assert result.returncode == 2
    assert "text columns 'x,z': expected leading frame or _ columns" in result.stderr
