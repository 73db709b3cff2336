"""Cutting continuous recordings into labelled samples by a start/end segment file."""
import json

import numpy as np
import pytest

from mmskel.datasets.converters.custom import convert_custom
from mmskel.datasets.converters.readers import TextFormat
from mmskel.datasets.converters.segments import cut_segments, format_cut_summary
from mmskel.datasets.io import load_annotations

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0)
FRAME_XYZ = TextFormat('frame', ('frame', 'x', 'y', 'z'))


def _recording(folder, name: str, frame_ids, seed: int) -> np.ndarray:
    """A text recording of 5 joints, one frame a line after its frame id; returns [T, 5, 3]."""
    pose = np.random.default_rng(seed).uniform(0, 1, (len(frame_ids), 5, 3)).round(4)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'{i} ' + ' '.join(map(str, frame.reshape(-1))) for i, frame in zip(frame_ids, pose)]
    (folder / f'{name}.txt').write_text('frame ' + 'x y z ' * 5 + '\n' + '\n'.join(lines) + '\n')
    return pose.astype(np.float32)


def test_cut_drops_bad_rows_naming_line_and_cause(tmp_path):
    recordings = tmp_path / 'recordings'
    ids = list(range(0, 12)) + [5] + list(range(14, 30))  # 5 twice (a re-sent frame), no 12, 13
    first = _recording(recordings, 'subj1_take1', ids, 0)
    np.save(recordings / 'subj2_take1.npy', np.ones((20, 5, 3), np.float32))  # ids are rows
    (tmp_path / 'segments.csv').write_text(
        'recording,start,end,label\n'
        'subj1_take1,0,9,wave\n'
        'subj1_take1,10,20,clap\n'  # misses 12 and 13: kept, noted
        'subj1_take1,NaN,9,wave\n'
        'subj1_take1, 9, 3 ,wave\n'
        'subj1_take1,25,31,wave\n'
        'subj3_take1,0,9,wave\n'
        'subj1_take1,0,9,clap\n'
        'subj1_take1,12,13,wave\n'
        'subj2_take1.npy,0,19,clap\n'
        'subj2_take1,0,19\n'
        'subj2_take1 2 7 wave hands\n')  # whitespace separated, the label has a space
    out = tmp_path / 'clips'
    summary = cut_segments(recordings, tmp_path / 'segments.csv', out, 5, FRAME_XYZ,
                           progress=False)

    assert summary['num_rows'] == 11 and summary['num_samples'] == 4
    assert summary['num_recordings'] == 2
    assert summary['skipped'] == {
        'NaN index': ['segments.csv:4'], 'end < start': ['segments.csv:5'],
        'out of range': ['segments.csv:6'], 'unknown recording': ['segments.csv:7'],
        'duplicate segment': ['segments.csv:8'], 'no frames': ['segments.csv:9'],
        'malformed row': ['segments.csv:11']}
    details = summary['details']
    assert details['segments.csv:4'] == "start 'NaN' is not a frame index"
    assert details['segments.csv:5'] == 'start 9, end 3'
    assert details['segments.csv:6'] == 'frames 25-31, but subj1_take1 has frames 0-29'
    assert details['segments.csv:7'] == "no file 'subj3_take1' among the recordings"
    assert details['segments.csv:8'] == ("line 2 cut the same frames, label 'wave'; this row "
                                         "says 'clap'")
    assert summary['notes'] == [
        'subj1_take1.txt: frame id(s) 5 appear more than once; the first frame of each is kept',
        'segments.csv:3: frames 10-20 of subj1_take1 miss frame id(s) 12, 13']
    text = format_cut_summary(summary)
    assert "skipped (NaN index): 1: segments.csv:4 (start 'NaN' is not a frame index)" in text

    assert sorted(p.name for p in out.iterdir()) == [
        'labels.csv', 'subj1_take1_0_9.npz', 'subj1_take1_10_20.npz', 'subj2_take1_0_19.npz',
        'subj2_take1_2_7.npz']
    with np.load(out / 'subj1_take1_0_9.npz') as cut:
        np.testing.assert_array_equal(cut['keypoint'], first[None, :10])  # the first frame 5
    with np.load(out / 'subj1_take1_10_20.npz') as cut:  # ids 10, 11, 14..20
        np.testing.assert_array_equal(cut['keypoint'], first[None, [10, 11] + list(range(13, 20))])
    assert (out / 'labels.csv').read_text().splitlines() == [
        'sample_id,label_name', 'subj1_take1_0_9,wave', 'subj1_take1_10_20,clap',
        'subj2_take1_0_19,clap', 'subj2_take1_2_7,wave hands']
    assert json.loads((tmp_path / 'clips.log.json').read_text())['skipped'] == summary['skipped']

    converted = convert_custom(out, tmp_path / 'clips.pkl', HAND, labels=out / 'labels.csv',
                               split_by='regex:^subj2_', progress=False)
    data = load_annotations(str(tmp_path / 'clips.pkl'))
    assert converted['skipped'] == {}
    assert data['classes'] == ['clap', 'wave', 'wave hands']
    assert data['split']['val'] == ['subj2_take1_0_19', 'subj2_take1_2_7']


def test_unreadable_recording_drops_its_rows(tmp_path):
    recordings = tmp_path / 'recordings'
    _recording(recordings, 'good', range(10), 0)
    (recordings / 'bad.txt').write_text('0 1 2 3\n1 1 2 x\n')
    (tmp_path / 'seg.txt').write_text('good 0 4 wave\nbad 0 1 wave\nbad 1 1 clap\n')
    summary = cut_segments(recordings, tmp_path / 'seg.txt', tmp_path / 'out', 5, FRAME_XYZ,
                           progress=False)

    assert summary['skipped'] == {'unreadable recording': ['seg.txt:2', 'seg.txt:3']}
    assert summary['num_samples'] == 1 and summary['num_recordings'] == 1  # bad.txt gave none
    assert summary['details']['seg.txt:2'] == \
        "bad.txt: non-numeric value: line 2, column 4: 'x' is not a number"


def test_nothing_is_written_unless_a_segment_is_cut(tmp_path):
    recordings = tmp_path / 'recordings'
    _recording(recordings, 'rec', range(10), 0)
    (tmp_path / 'seg.csv').write_text('rec,nan,4,wave\nrec,3,40,wave\n')
    with pytest.raises(ValueError, match=r"none of 2 rows of .*seg.csv cut a segment: seg.csv:1 "
                                         r"\(start 'nan' is not a frame index\)"):
        cut_segments(recordings, tmp_path / 'seg.csv', tmp_path / 'out', 5, FRAME_XYZ,
                     progress=False)
    assert not (tmp_path / 'out').exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['recordings', 'seg.csv']  # no log

    (tmp_path / 'seg.csv').write_text('rec,0,4,wave\n')
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out' / 'old.npz').write_bytes(b'')
    with pytest.raises(FileExistsError, match='out exists and is not an empty folder'):
        cut_segments(recordings, tmp_path / 'seg.csv', tmp_path / 'out', 5, FRAME_XYZ,
                     progress=False)
    assert [p.name for p in (tmp_path / 'out').iterdir()] == ['old.npz']
