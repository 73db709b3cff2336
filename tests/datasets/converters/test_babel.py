"""BABEL converter on a small release written in the released layout (conftest.babel_release)."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mmskel.datasets import load_annotations
from mmskel.datasets.converters.babel import convert_babel, load_babel_labels
from mmskel.utils.safe_pickle import UnreadablePickleError

REPO = Path(__file__).resolve().parents[3]


def test_converts_both_splits_with_real_lengths(babel_release, tmp_path):
    out = tmp_path / 'babel60.pkl'
    summary = convert_babel(babel_release, out, num_classes=60)
    data = load_annotations(str(out))
    assert data['split'] == {'train': [f'train_seg{k}_{k % 2}' for k in range(4)],
                             'val': ['val_seg0_0', 'val_seg1_1']}
    samples = {s['frame_dir']: s for s in data['annotations']}
    raw = np.load(babel_release / 'train_ntu_sk_60.npy')
    for k in range(4):
        sample = samples[f'train_seg{k}_{k % 2}']
        assert sample['total_frames'] == 150 - 20 * k  # zero padding dropped
        assert sample['keypoint'].shape == (1, 150 - 20 * k, 25, 3)
        np.testing.assert_array_equal(sample['keypoint'][0],
                                      raw[k, :, :150 - 20 * k, :, 0].transpose(1, 2, 0))
        assert sample['label'] == 3 * k and sample['babel_sid'] == 100 + k
        assert sample['chunk'] == k % 2 and sample['annotator'] == f'ann{k}'
    assert summary['split_sizes'] == {'train': 4, 'val': 2}
    assert json.loads(Path(f'{out}.log.json').read_text())['num_samples'] == 6


def test_empty_and_out_of_range_samples_are_counted(babel_release, tmp_path):
    data = np.load(babel_release / 'val_ntu_sk_60.npy')
    data[1] = 0
    np.save(babel_release / 'val_ntu_sk_60.npy', data)
    names, fields = load_babel_labels(babel_release / 'train_label_60.pkl')
    fields[0][2] = 75
    with open(babel_release / 'train_label_60.pkl', 'wb') as f:
        pickle.dump((names, fields), f, protocol=2)
    summary = convert_babel(babel_release, tmp_path / 'b.pkl')
    assert summary['skipped'] == {'label out of range': ['train:train_seg2_0'],
                                  'no frames': ['val:val_seg1_1']}
    assert summary['num_samples'] == 4


def test_bad_release_errors_name_the_file(babel_release, tmp_path):
    with pytest.raises(FileNotFoundError, match='train_ntu_sk_120.npy not found'):
        convert_babel(babel_release, tmp_path / 'b.pkl', num_classes=120)
    np.save(babel_release / 'val_ntu_sk_60.npy', np.zeros((2, 3, 10, 17, 1), np.float32))
    with pytest.raises(ValueError, match=r'val_ntu_sk_60.npy: expected \[N=2, 3, T, 25, M\]'):
        convert_babel(babel_release, tmp_path / 'b.pkl')


class _Touch:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


def test_label_pickle_refuses_code_naming_the_file_and_no_option(babel_release, tmp_path):
    label_file = babel_release / 'train_label_60.pkl'
    with open(label_file, 'wb') as f:
        pickle.dump((['a'], ([_Touch(tmp_path / 'pwned')], [1], [0], ['x'])), f, protocol=2)
    with pytest.raises(UnreadablePickleError) as info:
        convert_babel(babel_release, tmp_path / 'b.pkl')
    assert str(info.value) == (
        f'{label_file}: refusing to load global posix.system: a safely loaded pickle may hold '
        'only numpy arrays and builtin types (a BABEL label file holds only lists of names and '
        'numbers; this one is not from the release, download it again)')
    assert not (tmp_path / 'pwned').exists()
    # the converter and its tool have no opt-in to full unpickling: none is suggested
    assert 'trusted' not in str(info.value)


def test_a_truncated_label_file_is_named(babel_release, tmp_path):
    label_file = babel_release / 'val_label_60.pkl'
    label_file.write_bytes(label_file.read_bytes()[:40])
    with pytest.raises(UnreadablePickleError, match=rf'{label_file}: not a readable pickle'):
        convert_babel(babel_release, tmp_path / 'b.pkl')


@pytest.mark.integration
def test_cli_stores_class_names(babel_release, tmp_path):
    label_map = tmp_path / 'action_label_2_idx.json'
    label_map.write_text(json.dumps({f'action {i}': i for i in range(150)}))
    out = tmp_path / 'b.pkl'
    result = subprocess.run([sys.executable, str(REPO / 'tools/data/babel/convert_babel.py'),
                             '--root', str(babel_release), '--out', str(out),
                             '--label-map', str(label_map)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '6/6 samples converted' in result.stdout and 'train 4, val 2' in result.stdout
    assert load_annotations(str(out))['classes'][:2] == ['action 0', 'action 1']
