"""tools/analysis/fuse.py fuses a PoseC3D result file with a GCN one: X3D-shallow trained and
tested by the tools on NW-UCLA projected to 2D pixels (``convert_nwucla.py --pixels``), ST-GCN on
the same samples in 3D (the shared ``trained`` run)."""
import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path  # tests/conftest.py (tests/tools is a package)

from .conftest import REPO, NWUCLAData, Tools
from .test_fuse_tool import fuse, load, tables

POSEC3D = REPO / 'configs' / 'skeleton' / 'posec3d' / 'x3d_shallow_nwucla_xview_keypoint.py'


def posec3d_options(ann_file: Path, train: list, test: list) -> list:
    """A narrow X3D-shallow (base width 8), one epoch over ``train`` seen once, and a test of
    two clips (and their flipped copies) per sample of ``test``."""
    opts = ['train_cfg.max_epochs=1', 'model.backbone.base_channels=8',
            'model.cls_head.in_channels=72', 'train_dataloader.dataset.repeat=1',
            f'train_dataloader.dataset.indices={train}'.replace(' ', ''),
            f'test_dataloader.dataset.indices={test}'.replace(' ', ''),
            'test_dataloader.dataset.pipeline.sample.num_clips=2']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts += [f'{loader}.dataset.ann_file={ann_file}', f'{loader}.batch_size=5',
                 f'{loader}.num_workers=0', f'{loader}.persistent_workers=False']
    return opts


@pytest.fixture(scope='module')
def posec3d(nwucla: NWUCLAData, tmp_path_factory) -> dict:
    """The 2D pixel pickle, an X3D-shallow checkpoint and its test result on the GCN's samples."""
    folder = tmp_path_factory.mktemp('posec3d')
    pixels = folder / 'nwucla_2danno.pkl'
    tools = Tools()
    tools.run(['tools/data/nwucla/convert_nwucla.py', '--root',
               shared_path('NW-UCLA', 'all_sqe'), '--out', pixels, '--pixels'], cwd=folder)
    train = nwucla.balanced('train', 1)
    tools.run(['tools/train.py', POSEC3D, '--work-dir', folder / 'train', '--cfg-options',
               *posec3d_options(pixels, train, nwucla.val_indices)], cwd=folder)
    result = folder / 'posec3d.pkl'
    tools.run(['tools/test.py', POSEC3D, folder / 'train' / 'epoch_1.pth', '--work-dir',
               folder / 'test', '--out', result, '--cfg-options',
               *posec3d_options(pixels, train, nwucla.val_indices)], cwd=folder)
    return dict(folder=folder, pixels=pixels, train=train, result=result)


@pytest.fixture(scope='module')
def gcn_result(tools, trained, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp('gcn') / 'stgcn.pkl'
    tools.test(trained.path / 'epoch_2.pth', path.parent / 'work_dir', '--out', path)
    return path


def test_posec3d_and_gcn_results_fuse(posec3d, gcn_result, nwucla, tmp_path):
    heat, gcn = load(posec3d['result']), load(gcn_result)
    # the same samples in the same order, though one model saw pixels and the other 3D joints
    assert heat['frame_dir'] == gcn['frame_dir']
    assert heat['frame_dir'] == [nwucla.ids['val'][i] for i in nwucla.val_indices]
    assert heat['classes'] == gcn['classes'] and len(heat['classes']) == 10
    np.testing.assert_array_equal(heat['labels'], gcn['labels'])
    # PoseC3D averages its clips' softmax: each row is a distribution
    np.testing.assert_allclose(heat['scores'].sum(axis=1), 1, atol=1e-5)
    assert not np.allclose(heat['scores'], gcn['scores'])
    out = tmp_path / 'fused.pkl'
    proc = fuse('--results', posec3d['result'], gcn_result, '--weights', 1, 2, '--softmax',
                '--out', out)
    table, = tables(proc.stdout)
    assert set(table) == {str(posec3d['result']), str(gcn_result), 'fusion'}

    def softmax(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    expected = softmax(heat['scores'].astype(np.float64)) + 2 * softmax(
        gcn['scores'].astype(np.float64))
    fused = load(out)
    assert fused['frame_dir'] == heat['frame_dir']
    np.testing.assert_allclose(fused['scores'], expected, rtol=1e-5, atol=1e-6)


def test_posec3d_result_on_other_samples_is_refused(posec3d, gcn_result, nwucla, tmp_path):
    shifted = [i + 1 for i in nwucla.val_indices if i + 1 < len(nwucla.ids['val'])]
    other = tmp_path / 'shifted.pkl'
    Tools().run(['tools/test.py', POSEC3D, posec3d['folder'] / 'train' / 'epoch_1.pth',
                 '--work-dir', tmp_path / 'test', '--out', other, '--cfg-options',
                 *posec3d_options(posec3d['pixels'], posec3d['train'], shifted)], cwd=tmp_path)
    only_here = sorted(set(load(other)['frame_dir']) - set(load(gcn_result)['frame_dir']))
    assert only_here
    proc = fuse('--results', gcn_result, other, check=False)
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert 'hold different samples' in proc.stderr
    assert any(sample in proc.stderr for sample in only_here)


def test_posec3d_result_with_other_classes_is_refused(posec3d, gcn_result, tmp_path):
    heat = load(posec3d['result'])
    narrower = dict(heat, scores=heat['scores'][:, :9], labels=np.minimum(heat['labels'], 8),
                    classes=heat['classes'][:9])
    path = tmp_path / 'nine.pkl'
    with open(path, 'wb') as f:
        pickle.dump(narrower, f)
    proc = fuse('--results', gcn_result, path, check=False)
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert f'{path} scores 9 classes but {gcn_result} scores 10' in proc.stderr
