"""The custom converter's readers: text rows, bad files as counted skips, degenerate samples."""
import argparse

import numpy as np
import pytest

from mmskel.datasets.converters.custom import convert_custom, format_summary
from mmskel.datasets.converters.readers import (SkipSample, TextFormat, parse_with_text_arguments,
                                                read_keypoints, read_text)
from mmskel.datasets.io import load_annotations

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0)


def _pose(seed: int, shape=(6, 5, 3)) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, shape).round(4).astype(np.float32)


def _joint_lines(pose: np.ndarray, flag: float = 2) -> str:
    """One joint a line: x y z flag, the Kinect way."""
    return ''.join(f'{x} {y} {z} {flag}\n' for x, y, z in pose.reshape(-1, 3))


def test_frame_rows_with_header_and_commas(tmp_path):
    pose = _pose(0)
    path = tmp_path / 'a.csv'
    path.write_text('x0,y0,z0,more\n' + ''.join(
        ', '.join(map(str, row)) + '\n' for row in pose.reshape(6, -1).tolist()))
    keypoint, score, frame_ids = read_text(path, 5)

    np.testing.assert_array_equal(keypoint, pose[None])
    assert score is None and frame_ids is None


def test_joint_rows_with_a_confidence_column(tmp_path):
    pose = _pose(1)
    path = tmp_path / 'a.txt'
    path.write_text(_joint_lines(pose, flag=0.5))
    keypoint, score, _ = read_text(path, 5, TextFormat('joint', ('x', 'y', 'z', 'score')))
    np.testing.assert_array_equal(keypoint, pose[None])
    np.testing.assert_array_equal(score, np.full((1, 6, 5), 0.5, np.float32))

    keypoint, score, _ = read_text(path, 5, TextFormat.parse('joint', 'x,y,_,_'))  # 2D, no score
    np.testing.assert_array_equal(keypoint, pose[None, ..., :2])
    assert score is None
    with pytest.raises(SkipSample, match=r'line 1: 4 values per joint line; name the columns'):
        read_text(path, 5, TextFormat('joint'))


def test_frame_id_column_in_both_row_kinds(tmp_path):
    pose = _pose(2, (3, 5, 3))
    frames = tmp_path / 'frames.txt'
    frames.write_text(''.join(f'{7 + t} ' + ' '.join(map(str, pose[t].reshape(-1))) + '\n'
                              for t in range(3)))
    keypoint, _, frame_ids = read_text(frames, 5, TextFormat.parse('frame', 'frame,x,y,z'))
    np.testing.assert_array_equal(keypoint, pose[None])
    assert frame_ids.tolist() == [7, 8, 9]

    joints = tmp_path / 'joints.txt'
    joints.write_text(''.join(f'{t} {v} {x} {y} {z}\n' for t in range(3) for v in range(5)
                              for x, y, z in [pose[t, v]]))
    keypoint, _, frame_ids = read_text(joints, 5, TextFormat.parse('joint', 'frame,_,x,y,z'))
    np.testing.assert_array_equal(keypoint, pose[None])
    assert frame_ids.tolist() == [0, 1, 2]


JOINT_XYZS = TextFormat('joint', ('x', 'y', 'z', 'score'))
BAD_TEXT = [  # content, format, reason, detail
    ('x0,1,2\n1,2,3\n', TextFormat(), 'non-numeric value',
     "line 1, column 1: 'x0' is not a number"),
    ('1 2 3 4 5 6\n\n1 2 3 4 five 6\n', TextFormat(), 'non-numeric value',
     "line 3, column 5: 'five' is not a number"),
    ('x y\n1 2\nx y\n', TextFormat(), 'non-numeric value', "line 3, column 1: 'x' is not"),
    ('x0 y0 z0\n\n', TextFormat(), 'no frames', 'only a header line'),
    ('1 2 3 4 5 6\n1 2 3 4 5\n', TextFormat(), 'wrong column count',
     'line 2: 5 values, expected 6 (x,y,z x 2 joints)'),
    ('1 2 3 4 5 6 7 8 9\n', TextFormat(), 'wrong joint count',
     'line 1: 9 values per line is not 2 joints of 2 or 3 coordinates'),
    ('1 2 3 4 5 6 7 8 9\n', TextFormat(columns=('x', 'y', 'z')), 'wrong joint count',
     'line 1: 9 values are 3 joints of x,y,z, the layout has 2'),
    ('1 2 3 1\n' * 3, JOINT_XYZS, 'wrong joint count',
     '3 joint lines is not a multiple of 2 joints a frame (the last frame, from line 3, has 1)'),
    ('1 2 3 1\n1 2 3\n', JOINT_XYZS, 'wrong column count',
     'line 2: 3 values, expected 4 (x,y,z,score)'),
    ('0 1 2 3\n0 1 2 3\n1 1 2 3\n2 1 2 3\n', TextFormat('joint', ('frame', 'x', 'y', 'z')),
     'bad frame ids', 'line 4: frame id 2 inside frame 1 (from line 3): expected 2 lines a frame'),
    ('0.5 1 2 3 4 5 6\n', TextFormat('frame', ('frame', 'x', 'y', 'z')), 'bad frame ids',
     'line 1: frame id 0.5 is not a whole number'),
]


@pytest.mark.parametrize('content,text,reason,detail', BAD_TEXT,
                         ids=[f'{b[2]}-{i}' for i, b in enumerate(BAD_TEXT)])
def test_bad_text_names_line_and_cause(tmp_path, content, text, reason, detail):
    path = tmp_path / 'bad.txt'
    path.write_text(content)
    with pytest.raises(SkipSample) as info:
        read_keypoints(path, 2, text)
    assert info.value.reason == reason
    assert detail in info.value.detail


def test_text_format_rejects_unknown_columns():
    for columns in ('x,z', 'x,y,frame', 'frame,frame,x,y', 'x,y,y', 'a,x,y'):
        with pytest.raises(ValueError, match='expected leading frame or _ columns'):
            TextFormat.parse('frame', columns)
    with pytest.raises(ValueError, match="'frame' or 'joint'"):
        TextFormat.parse('line')


def test_the_tools_text_options_parse_into_a_text_format(capsys):
    def parse(*args):
        parser = argparse.ArgumentParser(prog='tool')
        parser.add_argument('--out')
        return parse_with_text_arguments(parser, ['--out', 'a.pkl', *args])

    plain = parse()
    assert (plain.out, plain.text_rows, plain.text_columns) == ('a.pkl', 'frame', None)
    assert plain.text == TextFormat()
    named = parse('--text-rows', 'joint', '--text-columns', 'x, y,z,score')
    assert named.text == TextFormat('joint', ('x', 'y', 'z', 'score'))
    with pytest.raises(SystemExit) as info:
        parse('--text-columns', 'x,z')
    assert info.value.code == 2
    assert ("tool: error: text columns 'x,z': expected leading frame or _ columns"
            in capsys.readouterr().err)
    with pytest.raises(SystemExit):
        parse('--text-rows', 'line')
    assert "argument --text-rows: invalid choice: 'line'" in capsys.readouterr().err


def test_bad_files_are_counted_skips_naming_file_and_cause(tmp_path):
    root = tmp_path / 'root' / 'wave'
    root.mkdir(parents=True)
    np.save(root / 'good.npy', _pose(0))
    (root / 'txt_good.txt').write_text(''.join(' '.join(map(str, r)) + '\n'
                                               for r in _pose(1).reshape(6, -1).tolist()))
    (root / 'empty.npy').write_bytes(b'')  # was a bare EOFError that stopped everything
    (root / 'empty.npz').write_bytes(b'')
    (root / 'empty.csv').write_text('')  # was "wrong joint count"
    (root / 'broken.npz').write_bytes(b'PK\x03\x04 not a zip')
    (root / 'header.csv').write_text('x0,1.0,2.0\n' + '1,2,3\n' * 4)  # was dropped as a header
    (root / 'notes.md').write_text('my notes')  # was ignored silently
    summary = convert_custom(tmp_path / 'root', tmp_path / 'out.pkl', HAND, progress=False)

    assert summary['num_files'] == 8 and summary['num_samples'] == 2
    assert summary['skipped'] == {
        'unreadable file': ['wave/broken.npz'],
        'empty file': ['wave/empty.csv', 'wave/empty.npy', 'wave/empty.npz'],
        'non-numeric value': ['wave/header.csv'],
        'unsupported file type': ['wave/notes.md']}
    details = summary['details']
    assert details['wave/empty.npy'] == 'the file has 0 bytes'
    assert details['wave/header.csv'] == "line 1, column 1: 'x0' is not a number"
    assert details['wave/broken.npz'].startswith('BadZipFile: ')
    assert details['wave/notes.md'] == '.md is not one of .npy, .npz, .json, .csv, .txt'
    text = format_summary(summary)
    assert "wave/header.csv (line 1, column 1: 'x0' is not a number)" in text
    data = load_annotations(str(tmp_path / 'out.pkl'))
    assert sorted(s['frame_dir'] for s in data['annotations']) == ['good', 'txt_good']


def test_degenerate_samples_are_skipped_unless_kept(tmp_path):
    root = tmp_path / 'root' / 'wave'
    root.mkdir(parents=True)
    np.save(root / 'good.npy', _pose(0))
    np.save(root / 'zeros.npy', np.zeros((8, 5, 3), np.float32))
    np.save(root / 'still.npy', _pose(1, (1, 5, 3)))
    summary = convert_custom(tmp_path / 'root', tmp_path / 'a.pkl', HAND, progress=False)

    assert summary['skipped'] == {'single frame': ['wave/still.npy'],
                                  'all-zero keypoints': ['wave/zeros.npy']}
    assert summary['details']['wave/zeros.npy'].startswith(
        'every coordinate of all 8 frames is 0')
    assert '--keep-degenerate keeps it' in summary['details']['wave/still.npy']
    kept = convert_custom(tmp_path / 'root', tmp_path / 'b.pkl', HAND, progress=False,
                          keep_degenerate=True)
    assert kept['num_samples'] == 3 and kept['skipped'] == {}


def test_nothing_is_written_when_no_file_converts(tmp_path):
    root = tmp_path / 'root' / 'wave'
    root.mkdir(parents=True)
    (root / 'empty.npy').write_bytes(b'')
    (root / 'a.txt').write_text('1 2 3\n1 2 oops\n')
    with pytest.raises(ValueError, match=r"none of 2 files .*wave/a.txt \(line 2, column 3: "
                                         r"'oops' is not a number\).*wave/empty.npy \(the file"):
        convert_custom(tmp_path / 'root', tmp_path / 'out' / 'a.pkl', HAND, progress=False)
    assert not (tmp_path / 'out').exists() or not any((tmp_path / 'out').iterdir())


def test_text_beside_npy_with_a_custom_row_layout(tmp_path):
    root = tmp_path / 'root'
    for label, seed in (('wave', 0), ('clap', 1)):
        (root / label).mkdir(parents=True)
        np.savez(root / label / f'{label}_npz.npz', keypoint=_pose(seed),
                 keypoint_score=np.ones((6, 5), np.float32))
        (root / label / f'{label}_txt.txt').write_text(_joint_lines(_pose(seed + 2), flag=1))
    summary = convert_custom(root, tmp_path / 'a.pkl', HAND, progress=False,
                             text=TextFormat('joint', ('x', 'y', 'z', 'score')))
    data = load_annotations(str(tmp_path / 'a.pkl'))

    assert summary['num_samples'] == 4 and summary['skipped'] == {}
    sample = next(s for s in data['annotations'] if s['frame_dir'] == 'clap_txt')
    np.testing.assert_allclose(sample['keypoint'], _pose(3)[None])
    np.testing.assert_array_equal(sample['keypoint_score'], np.ones((1, 6, 5)))
