"""PoseDataset over a small annotation pickle."""
import numpy as np
import pytest

from mmskel.datasets import PoseDataset
from mmskel.datasets.io import AnnotationError, dump_annotations

CLASSES = ['drink', 'eat', 'wave', 'kick']


def _sample(frame_dir, label, num_frames):
    keypoint = np.full((1, num_frames, 25, 3), label, dtype=np.float16)
    return dict(frame_dir=frame_dir, label=label, keypoint=keypoint, total_frames=num_frames)


@pytest.fixture
def ann_file(tmp_path):
    samples = [_sample('a0', 0, 5), _sample('a1', 1, 6), _sample('a2', 2, 7),
               _sample('a3', 3, 8), _sample('b1', 1, 9), _sample('b3', 3, 10)]
    samples[1].pop('total_frames')  # filled from the keypoint
    split = {'train': ['a0', 'a1', 'a2', 'a3'], 'val': ['b1', 'b3']}
    path = tmp_path / 'ann.pkl'
    dump_annotations(samples, str(path), split=split, classes=CLASSES)
    return str(path)


def _dirs(dataset):
    return [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))]


def test_all_samples_without_split(ann_file):
    dataset = PoseDataset(ann_file)
    assert _dirs(dataset) == ['a0', 'a1', 'a2', 'a3', 'b1', 'b3']
    info = dataset.get_data_info(1)
    assert info['total_frames'] == 6 and info['label'] == 1
    assert info['keypoint'].shape == (1, 6, 25, 3) and info['keypoint'].dtype == np.float16
    assert info['test_mode'] is False


@pytest.mark.parametrize('split, expected', [('train', ['a0', 'a1', 'a2', 'a3']),
                                             ('val', ['b1', 'b3'])])
def test_split_selection(ann_file, split, expected):
    dataset = PoseDataset(ann_file, split=split)
    assert _dirs(dataset) == expected
    assert [dataset.get_data_info(i)['label'] for i in range(len(dataset))] == \
        [int(d[1]) for d in expected]


def test_unknown_split_names_the_available_ones(ann_file):
    with pytest.raises(KeyError) as info:
        PoseDataset(ann_file, split='xsub_train')
    message = str(info.value)
    assert 'xsub_train' in message and "['train', 'val']" in message and ann_file in message


def test_class_subset_renumbers_labels_and_classes(ann_file):
    dataset = PoseDataset(ann_file, class_subset=[3, 1])
    assert _dirs(dataset) == ['a1', 'a3', 'b1', 'b3']
    labels = [dataset.get_data_info(i)['label'] for i in range(len(dataset))]
    assert labels == [1, 0, 1, 0]  # 3 -> 0, 1 -> 1
    # the keypoints still hold the original class values: only the label was renumbered
    assert dataset.get_data_info(1)['keypoint'][0, 0, 0, 0] == 3
    assert dataset.metainfo['classes'] == ['kick', 'eat']


def test_class_subset_with_split(ann_file):
    dataset = PoseDataset(ann_file, split='val', class_subset=[3])
    assert _dirs(dataset) == ['b3']
    assert dataset.get_data_info(0)['label'] == 0


def test_classes_metainfo_from_the_pickle(ann_file):
    assert PoseDataset(ann_file).metainfo['classes'] == CLASSES
    # an explicit metainfo wins over the pickle's
    override = PoseDataset(ann_file, metainfo=dict(classes=['w', 'x', 'y', 'z']))
    assert override.metainfo['classes'] == ['w', 'x', 'y', 'z']


def test_no_classes_key_no_metainfo(tmp_path):
    path = tmp_path / 'plain.pkl'
    dump_annotations([_sample('a', 0, 3)], str(path))
    assert 'classes' not in PoseDataset(str(path)).metainfo


@pytest.mark.parametrize('test_mode', [False, True])
def test_test_mode_reaches_the_pipeline(ann_file, test_mode):
    seen = []

    def record(results):
        seen.append((results['frame_dir'], results['test_mode'], results['total_frames']))
        return dict(results, recorded=True)

    dataset = PoseDataset(ann_file, pipeline=[record], split='val', test_mode=test_mode)
    out = dataset[1]
    assert out['recorded'] is True
    assert seen == [('b3', test_mode, 10)]


def test_pipeline_from_config_dicts(ann_file):
    from mmskel.utils import register_all_modules
    register_all_modules()
    dataset = PoseDataset(ann_file, split='train', test_mode=True, pipeline=[
        dict(type='UniformSampleFrames', clip_len=4), dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_persons=2), dict(type='PackActionInputs')])
    out = dataset[3]
    assert tuple(out['inputs'].shape) == (1, 2, 4, 25, 3)
    assert float(out['inputs'][0, 0].min()) == 3.0 and float(out['inputs'][0, 1].abs().max()) == 0
    assert out['data_samples'].gt_label.tolist() == [3]
    assert out['data_samples'].frame_dir == 'a3'
    # test mode is deterministic
    np.testing.assert_array_equal(dataset[3]['inputs'].numpy(), out['inputs'].numpy())


def test_pipeline_as_named_steps_runs_in_order_and_skips_none(ann_file):
    from mmskel.utils import register_all_modules
    register_all_modules()
    steps = dict(pack=dict(type='PackActionInputs'), unused=None,
                 decode=dict(type='PoseDecode'),
                 format=dict(type='FormatGCNInput', num_persons=3),
                 sample=dict(type='UniformSampleFrames', clip_len=4),
                 order=['sample', 'decode', 'unused', 'format', 'pack'])
    dataset = PoseDataset(ann_file, split='train', test_mode=True, pipeline=steps)
    assert [type(t).__name__ for t in dataset.pipeline.transforms] == [
        'UniformSampleFrames', 'PoseDecode', 'FormatGCNInput', 'PackActionInputs']
    assert tuple(dataset[3]['inputs'].shape) == (1, 3, 4, 25, 3)


@pytest.mark.parametrize('order, message', [
    (None, 'needs "order"'),
    (['sample', 'decode'], r"defined but not ordered: \['pack'\]"),
    (['sample', 'decode', 'rotate', 'pack'], r"not defined: \['rotate'\]"),
    (['sample', 'decode', 'pack', 'pack'], 'must name each step once')])
def test_named_steps_without_a_valid_order_are_refused(ann_file, order, message):
    steps = dict(sample=dict(type='UniformSampleFrames', clip_len=4),
                 decode=dict(type='PoseDecode'), pack=dict(type='PackActionInputs'))
    if order is not None:
        steps['order'] = order
    with pytest.raises(ValueError, match=message) as error:
        PoseDataset(ann_file, pipeline=steps)
    assert f'pipeline of {ann_file}' in str(error.value)


def test_invalid_annotation_file_raises(tmp_path):
    path = tmp_path / 'bad.pkl'
    path.write_bytes(b'garbage')
    with pytest.raises(AnnotationError, match=str(path)):
        PoseDataset(str(path))


def test_repeat_dataset_from_config(ann_file):
    from mmskel.registry import DATASETS
    from mmskel.utils import register_all_modules
    register_all_modules()
    repeated = DATASETS.build(dict(type='RepeatDataset', times=3, dataset=dict(
        type='PoseDataset', ann_file=ann_file, split='train', pipeline=[])))
    single = PoseDataset(ann_file, split='train')
    assert len(repeated) == 3 * len(single)
    assert repeated[len(single)]['frame_dir'] == single[0]['frame_dir']


def test_repeat_lists_each_sample_that_many_times(ann_file):
    once = PoseDataset(ann_file, split='train')
    thrice = PoseDataset(ann_file, split='train', repeat=3)
    assert len(thrice) == 3 * len(once)
    ids = [thrice.get_data_info(i)['frame_dir'] for i in range(len(thrice))]
    assert ids == [once.get_data_info(i)['frame_dir'] for i in range(len(once))] * 3
    with pytest.raises(ValueError, match='repeat must be >= 1'):
        PoseDataset(ann_file, repeat=0)


# --- labels the model cannot predict are refused at load time (issue 15 defect 6, 17 point 4) --

def _plain_file(tmp_path, labels=(0, 1, 2, 3, 1, 3)):
    """Like ``ann_file`` but without ``classes``, as pyskl and mmaction2 write them."""
    names = ['a0', 'a1', 'a2', 'a3', 'b1', 'b3']
    samples = [_sample(name, label, 5) for name, label in zip(names, labels)]
    path = tmp_path / 'plain.pkl'
    dump_annotations(samples, str(path), split={'train': names[:4], 'val': names[4:]})
    return str(path)


def test_label_not_below_num_classes_is_refused_naming_file_sample_and_field(tmp_path):
    path = _plain_file(tmp_path)
    with pytest.raises(AnnotationError) as info:
        PoseDataset(path, num_classes=3)
    assert str(info.value) == (
        f"{path}: sample 3 (frame_dir='a3'), field 'label': expected a class index in [0, 3) "
        '(num_classes=3 of the dataset), got 3 (2 samples are outside)')
    # the sample is named by its index in the file, not in the split
    with pytest.raises(AnnotationError, match=r"sample 5 \(frame_dir='b3'\), field 'label'"):
        PoseDataset(path, split='val', num_classes=3)
    assert len(PoseDataset(path, num_classes=4)) == 6
    # only the samples a split keeps are checked
    assert len(PoseDataset(_plain_file(tmp_path, (0, 1, 2, 1, 1, 0)), split='val',
                           num_classes=2)) == 2


def test_num_classes_checks_the_renumbered_labels_of_a_class_subset(ann_file):
    dataset = PoseDataset(ann_file, class_subset=[3, 1], num_classes=2)
    assert sorted({dataset.get_data_info(i)['label'] for i in range(len(dataset))}) == [0, 1]
    with pytest.raises(AnnotationError, match=r"expected a class index in \[0, 1\) "
                       r'\(num_classes=1 of the dataset\), got 1'):
        PoseDataset(ann_file, class_subset=[3, 1], num_classes=1)
    with pytest.raises(ValueError, match=r"class_subset names labels \[7\], but the file's "
                       r"'classes' has 4 \(labels 0..3\)"):
        PoseDataset(ann_file, class_subset=[3, 7])


def test_label_outside_an_explicit_metainfo_classes_is_refused(tmp_path):
    path = _plain_file(tmp_path)
    with pytest.raises(AnnotationError, match=r"sample 2 \(frame_dir='a2'\), field 'label': "
                       r"expected a class index in \[0, 2\) \(the dataset's metainfo names 2 "
                       r'classes\), got 2'):
        PoseDataset(path, metainfo=dict(classes=['x', 'y']))


@pytest.mark.parametrize('value', [0, -3, 2.0, True])
def test_num_classes_must_be_a_positive_int(ann_file, value):
    with pytest.raises(ValueError, match=f'num_classes must be an int >= 1, got {value!r}'):
        PoseDataset(ann_file, num_classes=value)


NWUCLA_CONFIG = 'configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py'


def test_configs_pass_the_dataset_bases_num_classes_to_every_dataset(tmp_path):
    """A config's datasets get the dataset base's ``num_classes`` (the one the model head reads
    as ``{{_base_.num_classes}}``), so tools/train.py and tools/test.py refuse a pickle whose
    labels the model cannot predict instead of failing in the loss or printing accuracies."""
    from conftest import REPO

    from mmskel.engine import load_config
    from mmskel.registry import DATASETS
    from mmskel.utils import register_all_modules
    register_all_modules()
    path = _plain_file(tmp_path, labels=(0, 1, 2, 3, 9, 10))  # NW-UCLA has 10 classes
    cfg = load_config(str(REPO / NWUCLA_CONFIG), dict(
        test_dataloader=dict(dataset=dict(ann_file=path))))
    assert cfg.model.cls_head.num_classes == cfg.num_classes == 10
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.num_classes == 10, loader
    with pytest.raises(AnnotationError, match=r"sample 5 \(frame_dir='b3'\), field 'label': "
                       r'expected a class index in \[0, 10\) \(num_classes=10 of the dataset\), '
                       r'got 10'):
        DATASETS.build(dict(cfg.test_dataloader.dataset, pipeline=[]))


def test_pass_num_classes_looks_into_wrappers_and_keeps_explicit_values():
    from mmskel.datasets.pose_dataset import pass_num_classes
    from mmskel.utils import register_all_modules
    register_all_modules()
    pose = dict(type='PoseDataset', ann_file='x.pkl')
    cfg = dict(
        num_classes=7,
        train_dataloader=dict(dataset=dict(type='RepeatDataset', times=2, dataset=dict(pose))),
        val_dataloader=dict(dataset=dict(type='ConcatDataset', datasets=[
            dict(pose), dict(pose, num_classes=5)])),
        test_dataloader=dict(dataset=dict(type='SomeOtherDataset', ann_file='y')))
    pass_num_classes(cfg)
    assert cfg['train_dataloader']['dataset']['dataset']['num_classes'] == 7
    assert 'num_classes' not in cfg['train_dataloader']['dataset']  # RepeatDataset takes none
    assert [d['num_classes'] for d in cfg['val_dataloader']['dataset']['datasets']] == [7, 5]
    assert 'num_classes' not in cfg['test_dataloader']['dataset']
    # a config without num_classes is left as it is
    assert pass_num_classes(dict(train_dataloader=dict(dataset=dict(pose)))) == \
        dict(train_dataloader=dict(dataset=pose))
