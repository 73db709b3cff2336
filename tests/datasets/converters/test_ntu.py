import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import pytest
from conftest import REPO, shared_path

from mmskel.datasets.converters.ntu import (TRACKING_SCORE, convert_ntu, format_summary,
                                            load_ntu_sample, read_meta)
from mmskel.datasets.converters.ntu_normalize import align_sequence, center_sequence
from mmskel.datasets.converters.ntu_parse import SkipSample, read_skeleton
from mmskel.datasets.io import load_annotations
from mmskel.datasets.transforms import GeneratePoseTarget

REAL = {'S001C001P001R001A011': 82, 'S001C003P008R002A058': 70, 'S002C001P003R001A003': 100,
        'S003C001P015R001A034': 71, 'S004C002P003R001A017': 124}


def _real_root() -> Path:
    return shared_path('NTU-RGBD-skeleton-samples', 'LevelCA')


def _text_bodies(path: Path) -> Dict[str, List[Tuple[int, np.ndarray]]]:
    """Body id -> [(frame, float32 [25, 12])], read plainly from the text for comparison."""
    lines = path.read_text().split('\n')
    bodies: Dict[str, list] = {}
    i = 1
    for frame in range(int(lines[0])):
        count, i = int(lines[i]), i + 1
        for _ in range(count):
            body_id, i = lines[i].split()[0], i + 2
            rows = [[np.float32(v) for v in lines[i + j].split()] for j in range(25)]
            bodies.setdefault(body_id, []).append((frame, np.array(rows, dtype=np.float32)))
            i += 25
    return bodies


def _frame(width: float = 0.3, height: float = 1.0, shift: float = 0.0) -> np.ndarray:
    """A person-like [25, 3] pose: joints spread ``width`` in x and ``height`` in y."""
    t = np.linspace(0, 1, 25)
    return np.stack([width * t[::-1] + shift, height * t - 0.5 + shift, 3.0 + 0 * t], axis=1)


def _write(path: Path, num_frames: int, bodies: Dict[str, Dict[int, np.ndarray]]) -> Path:
    """Write a .skeleton file; ``bodies``: id -> {frame: [25, 3]}, listed in dict order."""
    lines = [str(num_frames)]
    for frame in range(num_frames):
        present = [(k, v[frame]) for k, v in bodies.items() if frame in v]
        lines.append(str(len(present)))
        for body_id, joints in present:
            lines += [f'{body_id} 0 1 1 1 1 0 0.01 -0.2 2', '25']
            lines += [f'{x:.6f} {y:.6f} {z:.6f} 1 2 3 4 0 0 0 0 2' for x, y, z in joints]
    path.write_text('\r\n'.join(lines) + '\r\n')
    return path


def _span(start: int, stop: int, motion: float = 0.01, **kw) -> Dict[int, np.ndarray]:
    return {f: _frame(shift=motion * np.sin(f), **kw) for f in range(start, stop)}


def test_parser_matches_file_text():
    for name, frames in REAL.items():
        path = _real_root() / f'{name}.skeleton'
        seq, expected = read_skeleton(path), _text_bodies(path)
        assert seq.num_frames == frames and [b.body_id for b in seq.bodies] == list(expected)
        for body in seq.bodies:
            rows = expected[body.body_id]
            assert body.frames.tolist() == [f for f, _ in rows]
            fields = np.stack([j for _, j in rows])
            np.testing.assert_array_equal(body.joints, fields[..., :3])
            np.testing.assert_array_equal(body.color, fields[..., 5:7])
            np.testing.assert_array_equal(body.tracking, fields[..., 11])
    a058 = read_skeleton(_real_root() / 'S001C003P008R002A058.skeleton')
    assert [(b.body_id, len(b.frames)) for b in a058.bodies] == [
        ('72057594037944738', 70), ('72057594037944734', 70)]
    np.testing.assert_array_equal(a058.bodies[0].joints[0, 0], np.float32([0.7201789, 0.1647426,
                                                                           3.561895]))
    np.testing.assert_array_equal(a058.bodies[0].color[0, 1], np.float32([1190.205, 402.5223]))
    assert a058.bodies[0].tracking[0, 1] == 2


def test_convert_real_samples(tmp_path):
    summary = convert_ntu(_real_root(), tmp_path / 'ntu60.pkl', progress=False)
    data = load_annotations(str(tmp_path / 'ntu60.pkl'))

    assert summary['num_samples'] == 5 and summary['skipped'] == {}
    assert summary['dropped'] == {'length': 0, 'spread': 0, 'overlap': 0, 'empty frames': 0}
    assert summary['two_person_samples'] == 1
    assert data['classes'] == read_meta('label_map_ntu60.txt') and len(data['classes']) == 60
    assert data['split'] == {
        'xsub_train': ['S001C001P001R001A011', 'S001C003P008R002A058', 'S003C001P015R001A034'],
        'xsub_val': ['S002C001P003R001A003', 'S004C002P003R001A017'],
        'xview_train': ['S001C003P008R002A058', 'S004C002P003R001A017'],
        'xview_val': ['S001C001P001R001A011', 'S002C001P003R001A003', 'S003C001P015R001A034']}
    samples = {s['frame_dir']: s for s in data['annotations']}
    for name, frames in REAL.items():
        sample = samples[name]
        assert sample['label'] == int(name[-3:]) - 1 and sample['total_frames'] == frames
        assert sample['keypoint'].dtype == np.float16
        assert sample['keypoint'].shape == ((2 if name.endswith('A058') else 1), frames, 25, 3)
    # A058: the body with more motion is actor 1, the other actor 2, both over all 70 frames
    bodies = read_skeleton(_real_root() / 'S001C003P008R002A058.skeleton').bodies
    motion = [np.var(b.joints.reshape(-1, 3), axis=0).sum() for b in bodies]
    order = np.argsort(motion)[::-1]
    for actor, index in enumerate(order):
        np.testing.assert_array_equal(samples['S001C003P008R002A058']['keypoint'][actor],
                                      bodies[index].joints.astype(np.float16))
    assert json.loads((tmp_path / 'ntu60.pkl.log.json').read_text()) == summary
    assert 'splits: xsub_train 3, xsub_val 2, xview_train 2, xview_val 3' in \
        format_summary(summary)


@pytest.mark.parametrize('denoise', [True, False])
def test_convert_real_samples_to_colour_pixels(tmp_path, denoise):
    summary = convert_ntu(_real_root(), tmp_path / 'ntu60_2d.pkl', coords='color',
                          denoise=denoise, progress=False)
    data = load_annotations(str(tmp_path / 'ntu60_2d.pkl'))  # passes the pixel check
    convert_ntu(_real_root(), tmp_path / 'ntu60_3d.pkl', denoise=denoise, progress=False)
    spatial = {s['frame_dir']: s for s in load_annotations(str(tmp_path / 'ntu60_3d.pkl'))[
        'annotations']}
    assert summary['num_samples'] == 5 and summary['options']['coords'] == 'color'
    for sample in data['annotations']:
        name, frames = sample['frame_dir'], REAL[sample['frame_dir']]
        persons = 2 if name.endswith('A058') or not denoise else 1
        assert sample['keypoint'].shape == (persons, frames, 25, 2)
        assert sample['keypoint'].dtype == sample['keypoint_score'].dtype == np.float32
        assert sample['keypoint_score'].shape == (persons, frames, 25)
        assert sample['img_shape'] == sample['original_shape'] == (1080, 1920)
        assert sample['total_frames'] == frames and sample['label'] == int(name[-3:]) - 1
        # the same bodies as the 3D conversion: every joint's pixel is the colorX, colorY (and
        # its score the tracking state) of the file line whose x y z the 3D pickle holds
        bodies = _text_bodies(_real_root() / f'{name}.skeleton')
        xyz = spatial[name]['keypoint']
        for m, t, v in [(0, 0, 0), (0, frames - 1, 11), (persons - 1, frames // 2, 23)]:
            if not xyz[m, t].any():  # no-denoise keeps an empty second slot for one person
                assert not sample['keypoint'][m, t].any() and not sample['keypoint_score'][
                    m, t].any()
                continue
            line = [j[v] for rows in bodies.values() for f, j in rows
                    if f == t and np.array_equal(j[v, :3].astype(np.float16), xyz[m, t, v])]
            assert len(line) == 1
            np.testing.assert_array_equal(sample['keypoint'][m, t, v], line[0][5:7])
            assert sample['keypoint_score'][m, t, v] == TRACKING_SCORE[int(line[0][11])]
    a011 = next(s for s in data['annotations'] if s['frame_dir'] == 'S001C001P001R001A011')
    _, joints = _text_bodies(_real_root() / 'S001C001P001R001A011.skeleton').popitem()[1][40]
    np.testing.assert_array_equal(a011['keypoint'][0, 40], joints[:, 5:7])


def test_colour_pixels_draw_nturgbd_heatmaps():
    sample = load_ntu_sample(_real_root() / 'S001C001P001R001A011.skeleton', coords='color')
    frame = dict(sample, keypoint=sample['keypoint'][:, 10:11],
                 keypoint_score=sample['keypoint_score'][:, 10:11])
    out = GeneratePoseTarget(with_limb=True, double=True, layout='nturgb+d', scaling=0.05,
                             sigma=1.0)(frame)
    # 25 joints then the 24 limbs of the layout's graph, on a 54 x 96 canvas; plus the flip
    assert out['imgs'].shape == (2, 25 + 24, 54, 96)
    head = frame['keypoint'][0, 0, 3] * 0.05  # joint 4 (head)
    peak = np.unravel_index(np.argmax(out['imgs'][0, 3]), (54, 96))
    assert peak == (round(head[1]), round(head[0]))
    # the flipped copy: the left hand's channel holds the right hand, mirrored (x -> W - 1 - x)
    left, right = 7, 11  # hand_left, hand_right (0-based)
    mirrored = np.unravel_index(np.argmax(out['imgs'][1, left]), (54, 96))
    assert mirrored == np.unravel_index(np.argmax(out['imgs'][0, right, :, ::-1]), (54, 96))


def test_tracking_state_scores_and_colour_options(tmp_path):
    path = _write(tmp_path / 'S001C001P001R001A001.skeleton', 3, {'1': _span(0, 3)})
    lines = path.read_text().splitlines()
    lines[4] = lines[4][:-1] + '1'  # frame 1, joint 1: inferred
    lines[5] = lines[5][:-1] + '0'  # frame 1, joint 2: not tracked
    path.write_text('\r\n'.join(lines))
    sample = load_ntu_sample(path, coords='color')
    assert sample['keypoint_score'][0, 0, :3].tolist() == [0.5, 0.0, 1.0]
    assert (sample['keypoint_score'][0, 1:] == 1).all()
    np.testing.assert_array_equal(sample['keypoint'][0, 0, 0], [3, 4])  # _write's colorX, Y
    lines[6] = lines[6][:-1] + '7'
    path.write_text('\r\n'.join(lines))
    summary = convert_ntu(tmp_path, tmp_path / 'x.pkl', coords='color', progress=False)
    assert summary['skipped'] == {'bad tracking state': [
        'S001C001P001R001A001.skeleton: a joint has trackingState 7, expected 0, 1 or 2']}
    with pytest.raises(ValueError, match="do not apply to coords='color'"):
        load_ntu_sample(path, coords='color', center=True)
    with pytest.raises(ValueError, match="do not apply to coords='color'"):
        convert_ntu(tmp_path, tmp_path / 'x.pkl', coords='color', align=True, progress=False)
    with pytest.raises(ValueError, match="coords must be one of"):
        convert_ntu(tmp_path, tmp_path / 'x.pkl', coords='depth', progress=False)


def test_convert_ntu120_cross_setup_with_workers(tmp_path):
    summary = convert_ntu(_real_root(), tmp_path / 'ntu120.pkl', dataset='ntu120', workers=2,
                          progress=False)
    data = load_annotations(str(tmp_path / 'ntu120.pkl'))
    assert summary['num_samples'] == 5 and len(data['classes']) == 120
    assert data['split']['xset_train'] == ['S002C001P003R001A003', 'S004C002P003R001A017']
    assert len(data['split']['xset_val']) == 3 and len(data['split']['xsub_train']) == 3
    single = convert_ntu(_real_root(), tmp_path / 'one.pkl', dataset='ntu120', progress=False)
    one = load_annotations(str(tmp_path / 'one.pkl'))
    for a, b in zip(data['annotations'], one['annotations']):
        np.testing.assert_array_equal(a['keypoint'], b['keypoint'])
    assert single['split_sizes'] == summary['split_sizes']


def test_length_rule(tmp_path):
    main = _span(0, 30, motion=0.2)
    dropped = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A050.skeleton', 30,
                                     {'1': main, '2': _span(5, 16)}), dropped=(c := Counter()))
    assert dropped['keypoint'].shape == (1, 30, 25, 3) and c['length'] == 1
    kept = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A051.skeleton', 30,
                                  {'1': main, '2': _span(5, 17)}), dropped=(c := Counter()))
    assert kept['keypoint'].shape == (2, 30, 25, 3) and c['length'] == 0
    assert kept['keypoint'][1, 5:17].any(axis=(1, 2)).all() and not kept['keypoint'][1, 17:].any()
    with pytest.raises(SkipSample, match='no body left'):
        load_ntu_sample(_write(tmp_path / 'S001C001P001R001A052.skeleton', 20,
                               {'1': _span(0, 11), '2': _span(9, 20)}))


def test_spread_rule(tmp_path):
    def wide_for(num_wide):
        return {f: _frame(width=0.9 if f < num_wide else 0.3) for f in range(100)}

    def motion(frames):
        return np.var(np.stack(list(frames)).reshape(-1, 3), axis=0).sum()

    main = _span(0, 100, motion=0.15)
    c = Counter()
    out = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A001.skeleton', 100,
                                 {'1': main, '2': wide_for(70)}), dropped=c)
    assert c['spread'] == 1 and out['keypoint'].shape == (1, 100, 25, 3)
    np.testing.assert_allclose(out['keypoint'][0, 3], main[3], atol=2e-3)
    c = Counter()
    out = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A002.skeleton', 100,
                                 {'1': main, '2': wide_for(69)}), dropped=c)
    assert c['spread'] == 0 and out['keypoint'].shape == (2, 100, 25, 3)
    # the wide body has more motion than the main one over all its frames, but less over its
    # 31 person-like frames, which is what ranks it: it becomes actor 2
    wide = wide_for(69)
    assert motion(wide.values()) > motion(main.values()) > motion(list(wide.values())[69:])
    np.testing.assert_allclose(out['keypoint'][0, 3], main[3], atol=2e-3)
    np.testing.assert_allclose(out['keypoint'][1, 3], wide[3], atol=2e-3)


def test_motion_ranking_track_filling_and_empty_frames(tmp_path):
    bodies = {'calm': _span(2, 60, motion=0.01), 'late': _span(60, 80, motion=0.02),
              'busy': _span(2, 40, motion=0.3), 'crowd': _span(30, 50, motion=0.001)}
    c = Counter()
    out = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A001.skeleton', 80, bodies),
                          dropped=c)
    keypoint = out['keypoint']
    # frames 0, 1 have no body and go; busy (top motion) opens track 1 over 2..39, late
    # (60..79) fits after it on track 1, calm overlaps busy and opens track 2, crowd overlaps both
    assert keypoint.shape == (2, 78, 25, 3) and out['total_frames'] == 78
    assert c == Counter({'empty frames': 2, 'overlap': 1})
    np.testing.assert_allclose(keypoint[0, :38], np.stack([bodies['busy'][f] for f in
                                                          range(2, 40)]), atol=2e-3)
    np.testing.assert_allclose(keypoint[0, 58:], np.stack([bodies['late'][f] for f in
                                                          range(60, 80)]), atol=2e-3)
    assert not keypoint[0, 38:58].any()
    np.testing.assert_allclose(keypoint[1, :58], np.stack([bodies['calm'][f] for f in
                                                          range(2, 60)]), atol=2e-3)
    assert not keypoint[1, 58:].any()


def test_no_denoise_keeps_top_energy_slots(tmp_path):
    bodies = {'a': _span(0, 20, motion=0.01), 'b': _span(0, 5, motion=0.5),
              'c': _span(0, 20, motion=0.1)}
    c = Counter()
    out = load_ntu_sample(_write(tmp_path / 'S001C001P001R001A001.skeleton', 22, bodies),
                          denoise=False, dropped=c)
    keypoint = out['keypoint']
    assert keypoint.shape == (2, 22, 25, 3) and c['low energy'] == 1
    # b (5 frames, slot 2) has the largest energy, then c (slot 3 in frames 0-4, slot 2 after)
    np.testing.assert_allclose(keypoint[0, :5], np.stack([bodies['b'][f] for f in range(5)]),
                               atol=2e-3)
    np.testing.assert_allclose(keypoint[0, 5:20], np.stack([bodies['c'][f] for f in
                                                           range(5, 20)]), atol=2e-3)
    np.testing.assert_allclose(keypoint[1, :5], np.stack([bodies['c'][f] for f in range(5)]),
                               atol=2e-3)
    assert not keypoint[:, 20:].any()


def test_center_and_align():
    path = _real_root() / 'S001C001P001R001A011.skeleton'
    raw = read_skeleton(path).bodies[0].joints[None]  # float32 [1, T, 25, 3]
    centred = load_ntu_sample(path, center=True)['keypoint'].astype(np.float32)
    np.testing.assert_array_equal(centred[0, 0, 1], 0)
    np.testing.assert_allclose(centred, raw - raw[0, 0, 1], atol=5e-4)
    aligned = load_ntu_sample(path, align=True)['keypoint'].astype(np.float32)  # centres too
    first = aligned[0, 0]
    spine, hips = first[1] - first[0], first[12] - first[16]
    np.testing.assert_allclose(spine / np.linalg.norm(spine), [0, 0, 1], atol=2e-3)
    assert abs(hips[1]) < 2e-3 and hips[0] > 0  # the hip line lies in the +x/z half-plane
    # a rotation about the (centred) origin: every joint keeps its distance to every other
    np.testing.assert_allclose(np.linalg.norm(aligned - aligned[:, :, 1:2], axis=-1),
                               np.linalg.norm(raw - raw[:, :, 1:2], axis=-1), atol=5e-3)
    np.testing.assert_allclose(np.linalg.norm(aligned, axis=-1),
                               np.linalg.norm(centred, axis=-1), atol=5e-3)
    # an actor's missing frames stay zero under both
    keypoint = np.zeros((2, 4, 25, 3), np.float32)
    keypoint[0, 1:] = _frame(width=0.5)
    keypoint[1, :2] = _frame(shift=1.0)
    for out in (center_sequence(keypoint), align_sequence(keypoint)):
        assert not out[0, 0].any() and not out[1, 2:].any() and out[1, :2].any()
    # each actor gets its own basis, from its first present frame (actor 1 appears at frame 1)
    keypoint[0, 1:] = raw[0, :3]
    keypoint[1, :2] = raw[0, 10:12] + 0.5
    turned = align_sequence(center_sequence(keypoint))
    for m, t in ((0, 1), (1, 0)):
        spine = turned[m, t, 1] - turned[m, t, 0]
        np.testing.assert_allclose(spine / np.linalg.norm(spine), [0, 0, 1], atol=1e-5)


def test_malformed_files_are_counted_with_file_and_line(tmp_path):
    root = tmp_path / 'raw'
    root.mkdir()
    good = {'1': _span(0, 3)}
    text = _write(root / 'S001C001P001R001A001.skeleton', 3, good).read_text().splitlines()
    (root / 'S001C001P002R001A001.skeleton').write_text('\n'.join(text[:40]))
    (root / 'S001C001P003R001A001.skeleton').write_text('\n'.join(text[:3] + ['24'] + text[4:]))
    bad = text[:10] + ['abc ' + text[10].split(' ', 1)[1]] + text[11:]
    (root / 'S001C001P004R001A001.skeleton').write_text('\n'.join(bad))
    short = text[:7] + [' '.join(text[7].split()[:11])] + text[8:]
    (root / 'S001C001P005R001A001.skeleton').write_text('\n'.join(short))
    (root / 'S001C001P006R001A001.skeleton').write_text('\n'.join(text + ['1', '2']))
    nan = text[:60] + [text[60].replace(' 3.000000 ', ' nan ', 1)] + text[61:]
    (root / 'S001C001P007R001A001.skeleton').write_text('\n'.join(nan))
    (root / 'S001C002P005R002A008.skeleton').write_text('\n'.join(text))  # official missing
    (root / 'S018C001P001R001A001.skeleton').write_text('\n'.join(text))  # NTU120 only
    (root / 'notes.skeleton').write_text('\n'.join(text))
    summary = convert_ntu(root, tmp_path / 'out.pkl', progress=False)

    assert summary['num_files'] == 10 and summary['num_samples'] == 1
    assert summary['skipped'] == {
        'bad file name': ['notes: expected SsssCcccPpppRrrrAaaa.skeleton'],
        'missing skeleton (official list)': ['S001C002P005R002A008.skeleton'],
        'not in ntu60': ['S018C001P001R001A001.skeleton'],
        'truncated file': ['S001C001P002R001A001.skeleton:41: file ends where a joint line '
                           'was expected'],
        'wrong joint count': ['S001C001P003R001A001.skeleton:4: expected 25 joints, got 24'],
        'bad number': ["S001C001P004R001A001.skeleton:11: field 1 is 'abc', not a finite "
                       'number',
                       "S001C001P007R001A001.skeleton:61: field 3 is 'nan', not a finite "
                       'number'],
        'wrong field count': ['S001C001P005R001A001.skeleton:8: expected 12 fields on a joint '
                              'line, got 11'],
        'trailing data': ['S001C001P006R001A001.skeleton:86: 2 non-blank lines after the last '
                          'of 3 frames']}
    assert summary['num_skipped'] == {reason: len(v) for reason, v in summary['skipped'].items()}
    assert summary['num_skipped']['bad number'] == 2
    assert 'skipped (bad number): 2: S001C001P004R001A001.skeleton:11:' in \
        format_summary(summary)
    log = json.loads((tmp_path / 'out.pkl.log.json').read_text())
    assert log['skipped'] == summary['skipped']
    assert load_annotations(str(tmp_path / 'out.pkl'))['split']['xsub_train'] == \
        ['S001C001P001R001A001']


def test_missing_lists_are_packaged():
    assert len(read_meta('NTU_RGBD_samples_with_missing_skeletons.txt')) == 302
    missing120 = read_meta('NTU_RGBD120_samples_with_missing_skeletons.txt')
    assert len(missing120) == 535 and all(len(n) == 20 and n[0] == 'S' for n in missing120)
    assert len(read_meta('label_map_ntu120.txt')) == 120


@pytest.mark.integration
@pytest.mark.parametrize('options, note', [
    (['--no-denoise', '--center'], 'denoise=False, center=True, align=False, coords=xyz'),
    (['--coords', 'color'], 'denoise=True, center=False, align=False, coords=color')])
def test_cli(tmp_path, options, note):
    result = subprocess.run(
        [sys.executable, 'tools/data/ntu/convert_ntu.py', '--root', str(_real_root()), '--out',
         str(tmp_path / 'ntu60.pkl'), *options],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={'PYTHONPATH': str(REPO), 'PATH': '/usr/bin:/bin'})
    assert result.returncode == 0, result.stderr
    assert note in result.stdout
    data = load_annotations(str(tmp_path / 'ntu60.pkl'))
    if '--no-denoise' in options:
        assert all(s['keypoint'].shape[0] == 2 for s in data['annotations'])
    else:
        assert all(s['img_shape'] == (1080, 1920) and s['keypoint'].shape[-1] == 2
                   for s in data['annotations'])


def test_bad_arguments_raise(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        convert_ntu(tmp_path / 'nowhere', tmp_path / 'x.pkl', progress=False)
    with pytest.raises(ValueError, match='ntu120'):
        convert_ntu(tmp_path, tmp_path / 'x.pkl', dataset='ntu90', progress=False)
