"""The custom converter's labels: class order, the class file, and the warnings on labels."""
import numpy as np
import pytest

from mmskel.datasets.converters.custom import convert_custom, format_summary
from mmskel.datasets.converters.labels import near_duplicates, read_class_file, sort_classes
from mmskel.datasets.io import load_annotations

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0)


def _save(root, name: str, seed: int = 0) -> None:
    root.mkdir(parents=True, exist_ok=True)
    np.save(root / f'{name}.npy',
            np.random.default_rng(seed).uniform(0, 1, (4, 5, 3)).astype(np.float32))


def test_numeric_class_names_sort_as_numbers(tmp_path):
    for label in ('10', '2', '1'):
        for i in range(2):
            _save(tmp_path / 'root' / label, f'{label}_{i}')
    summary = convert_custom(tmp_path / 'root', tmp_path / 'a.pkl', HAND, progress=False)
    data = load_annotations(str(tmp_path / 'a.pkl'))

    assert data['classes'] == ['1', '2', '10']  # text order would give 1, 10, 2
    labels = {s['frame_dir']: s['label'] for s in data['annotations']}
    assert labels['2_0'] == 1 and labels['10_1'] == 2
    assert summary['warnings'] == []
    assert sort_classes(['a10', 'a2', 'b1', 'a02']) == ['a02', 'a2', 'a10', 'b1']


def test_class_file_fixes_order_and_skips_unknown_labels(tmp_path):
    root = tmp_path / 'root'
    for i, name in enumerate(['s0', 's1', 's2', 's3', 's4']):
        _save(root, name, i)
    (tmp_path / 'labels.csv').write_text('s0,wave\ns1,clap\ns2,wave\ns3,clap\ns4,wavve\n')
    (tmp_path / 'classes.txt').write_text('wave\nclap\n\nsit\n')
    summary = convert_custom(root, tmp_path / 'a.pkl', HAND, labels=tmp_path / 'labels.csv',
                             classes=tmp_path / 'classes.txt', progress=False)
    data = load_annotations(str(tmp_path / 'a.pkl'))

    assert data['classes'] == ['wave', 'clap', 'sit']
    assert [s['label'] for s in data['annotations']] == [0, 1, 0, 1]
    assert summary['skipped'] == {'unknown class': ['s4.npy']}
    assert summary['details']['s4.npy'] == (f"label 'wavve' is not a class of "
                                            f"{tmp_path / 'classes.txt'}; did you mean 'wave'?")
    assert summary['warnings'] == [f"class 'sit' of {tmp_path / 'classes.txt'} has no sample"]


def test_class_file_with_a_repeated_name_is_refused(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_text('wave\nclap\nwave\n')
    with pytest.raises(ValueError, match=r"classes.txt, line 3: class 'wave' is already class 0"):
        read_class_file(path)


def test_label_file_warnings_and_conflicts(tmp_path):
    root = tmp_path / 'root'
    for i in range(6):
        _save(root, f's{i}', i)
    (tmp_path / 'labels.csv').write_text(
        'sample_id,label_name\n'
        's0,wave\ns1,wave\ns2,clap\ns3,clap\n'
        's4,sit\n'  # a one-sample class
        's5,clap\ns5,wave\n'  # conflicting labels: s5 is skipped
        's0,wave\n'  # a repeat that agrees: fine
        'ghost1,wave\nghost2,clap\n')  # no such files
    summary = convert_custom(root, tmp_path / 'a.pkl', HAND, labels=tmp_path / 'labels.csv',
                             progress=False)

    labels = tmp_path / 'labels.csv'
    assert summary['skipped'] == {'conflicting labels': ['s5.npy']}
    assert summary['details']['s5.npy'] == (f"{labels} line 7 says 'clap', line 8 says 'wave'")
    assert summary['warnings'] == [
        f'{labels}: 2 id(s) have no sample file: ghost1, ghost2',
        "class 'sit' has one sample (s4): it cannot be in both train and val"]
    assert f'warning: {labels}: 2 id(s) have no sample file' in format_summary(summary)


def test_near_duplicate_class_names_are_warned_about(tmp_path):
    for label in ('wave', 'wave ', 'Wave', 'wavee', 'clap'):
        for i in range(2):
            _save(tmp_path / 'root' / label, f'{label.strip()}{len(label)}{label[0]}_{i}')
    summary = convert_custom(tmp_path / 'root', tmp_path / 'a.pkl', HAND, progress=False)

    pairs = [w for w in summary['warnings'] if w.startswith('class names')]
    assert len(pairs) == 6  # each pair of the four spellings of "wave"; clap is not one
    assert ("class names 'wave' (2 samples) and 'wave ' (2 samples) look alike: a typo makes a "
            'new class; fix the labels or give --classes') in pairs
    assert any("'Wave'" in w and "'wavee'" in w for w in pairs)
    assert near_duplicates(['action01', 'action02', 'walk', 'talk', 'sit down', 'sit up']) == []
