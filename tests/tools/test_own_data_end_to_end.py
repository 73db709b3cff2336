"""Your own data to a tested model with the documented commands only (issue 17).

The section "End to end with real data" of docs/datasets/custom.md is run as a user would run
it, command after command, each a subprocess in a folder laid out as the page assumes: its
``python -c`` lines write the raw files from real NW-UCLA skeletons (isolated clips as text,
one joint a line with a confidence column, and continuous recordings with a segment file that
has a NaN row and a duplicated frame id), in a joint order no built-in layout has (a layout
json); the others cut segments, convert with the layout json and a subject split, train the
starter config's CPU preset, test with ``--out``, draw a sample and run the demo on one raw
file. The test adds no Python of its own beyond reading what the commands wrote and printed.

The whole walk-through takes about 50 s on 2 cores (most of it starting Python 8 times).
"""
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_path  # tests/conftest.py

from mmskel.evaluation.fusion import load_result

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / 'docs' / 'datasets' / 'custom.md'
SECTION = '## End to end with real data'
CLASSES = ['sit_down', 'throw', 'walk']
TIMEOUT = 600  # seconds for one command


def section_commands() -> list:
    """The shell commands of the doc's end-to-end section, in order."""
    text = DOC.read_text()
    start = text.index(SECTION)
    end = text.find('\n## ', start + len(SECTION))
    section = text[start:end if end > 0 else None]
    commands = []
    for block in re.findall(r'```shell\n(.*?)```', section, flags=re.S):
        commands += [line.strip() for line in block.replace('\\\n', ' ').splitlines()
                     if line.strip() and not line.strip().startswith('#')]
    return commands


def run_walkthrough(tmp_path: Path, all_sqe: Path) -> dict:
    """Run the section's commands in ``tmp_path/repo``, laid out as the page assumes
    (``tools``, ``demo``, ``configs`` and ``../shared/data/NW-UCLA/all_sqe``); returns each
    command's combined output, by command."""
    repo = tmp_path / 'repo'
    repo.mkdir()
    for name in ('tools', 'demo', 'configs'):
        (repo / name).symlink_to(REPO / name)
    (tmp_path / 'shared' / 'data' / 'NW-UCLA').mkdir(parents=True)
    (tmp_path / 'shared' / 'data' / 'NW-UCLA' / 'all_sqe').symlink_to(all_sqe)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS='1',
               PATH=f'{Path(sys.executable).parent}:{os.environ["PATH"]}')
    outputs = {}
    for command in section_commands():
        result = subprocess.run(['bash', '-euo', 'pipefail', '-c', command], cwd=repo, env=env,
                                capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0, f'{command}\n{result.stdout[-3000:]}\n{result.stderr}'
        outputs[command] = result.stdout + result.stderr
    return outputs


def output_of(outputs: dict, *words: str) -> str:
    """The output of the one command that contains all ``words``."""
    found = [out for command, out in outputs.items() if all(w in command for w in words)]
    assert len(found) == 1, (words, list(outputs))
    return found[0]


def top1(result_file: Path) -> float:
    """Top-1 accuracy of a tools/test.py --out file."""
    result = load_result(str(result_file))
    return float((result.scores.argmax(1) == result.labels).mean())


def check_walkthrough(repo: Path, outputs: dict, num_recordings: int) -> None:
    """What the commands wrote and printed: the conversions, the dropped segment rows, the
    result file, the drawn sample and the demo's prediction."""
    clips = output_of(outputs, 'convert_custom.py', 'data/ucla_clips ')
    converted = re.search(r'(\d+)/(\d+) files converted to data/ucla_clips\.pkl', clips)
    assert converted and converted.group(1) == converted.group(2), clips
    assert 'skipped: none' in clips
    with open(repo / 'data' / 'ucla_clips.pkl', 'rb') as f:
        data = pickle.load(f)
    assert data['layout']['name'] == 'kinect20'  # the json's layout, carried in the pickle
    assert data['classes'] == CLASSES
    assert data['split']['val'] and all(re.match(r's(09|10)_', i) for i in data['split']['val'])
    assert not any(re.match(r's(09|10)_', i) for i in data['split']['train'])
    sample = data['annotations'][0]
    assert sample['keypoint'].shape[2:] == (20, 3) and 'keypoint_score' in sample
    assert (sample['keypoint_score'] == 2).all()  # the 4th text column
    assert "'name': 'kinect20'" in (repo / 'data' / 'ucla_clips.pkl.config.py').read_text()

    cut = output_of(outputs, 'cut_segments.py')
    assert re.search(r'skipped \(NaN index\): 1: ucla_segments\.csv:\d+ \(start \'NaN\' is not a '
                     r'frame index\)', cut), cut
    assert len(re.findall(r'note: s\d\d_take1\.txt: frame id\(s\) 5 appear more than once; the '
                          'first frame of each is kept', cut)) == num_recordings, cut
    segments = output_of(outputs, 'convert_custom.py', 'data/ucla_segment_clips')
    assert re.search(r'(\d+)/\1 files converted to data/ucla_segments\.pkl', segments), segments

    result = repo / 'work_dirs' / 'ucla_clips' / 'result.pkl'
    assert f'wrote per-sample scores, labels and ids to {result}' in \
        output_of(outputs, 'tools/test.py', '--out')
    assert load_result(str(result)).classes == CLASSES
    gif = repo / 'work_dirs' / 'ucla_clips' / 's09_a05_e00.gif'
    assert gif.is_file() and gif.stat().st_size > 0
    vis = output_of(outputs, 'vis_skeleton.py')
    assert re.search(r'^s09_a05_e00: \d+ frames, 1 person\(s\), 3D -> ', vis, flags=re.M), vis
    assert re.search(r'^s09_a05_e00  label: sit_down \(0\)$', vis, flags=re.M), vis
    assert re.search(r'^pred: (sit_down|throw|walk) \(\d\)  score [01]\.\d\d$', vis,
                     flags=re.M), vis
    demo = output_of(outputs, 'demo_skeleton.py')
    assert re.search(r'^s09_a04_e00: top-3$', demo, flags=re.M), demo
    assert re.search(r'^1\. (sit_down|throw|walk) +\(class +\d\) +[01]\.\d{4}$', demo,
                     flags=re.M), demo


@pytest.mark.integration
def test_the_walkthrough_learns_the_actions_of_real_data(tmp_path):
    """Every command of the walk-through runs and reports what it dropped, and the model beats
    chance (1/3) well on the validation subjects' clips and on the segments cut from the other
    camera's recordings (measured: 0.77 and 0.86; about 50 s on 2 cores)."""
    outputs = run_walkthrough(tmp_path, shared_path('NW-UCLA', 'all_sqe'))
    repo = tmp_path / 'repo'
    check_walkthrough(repo, outputs, num_recordings=10)
    assert top1(repo / 'work_dirs' / 'ucla_clips' / 'result.pkl') >= 0.6
    segments = output_of(outputs, 'tools/test.py', 'ucla_segments.pkl')
    accuracy = float(re.findall(r'acc/top1: ([\d.]+)', segments)[-1])
    assert accuracy >= 0.5, segments
