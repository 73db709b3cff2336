"""PoseDataset refuses a pickle whose layout is not the config's (the same joint count in
another order used to train silently on scrambled joints)."""
import json

import numpy as np
import pytest

from mmskel.datasets import PoseDataset
from mmskel.datasets.io import dump_annotations
from mmskel.structures.layouts import get_layout, layout_dict

NWUCLA_CONFIG = 'configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py'


def permuted_nwucla() -> dict:
    """nw-ucla's 20 joints in another order: joint i of the new order is ORDER[i] of nw-ucla."""
    base = get_layout('nw-ucla')
    order = np.random.default_rng(0).permutation(20)
    new_index = {int(old): new for new, old in enumerate(order)}
    parents = [new_index[base.parents[int(old)]] for old in order]
    return dict(name='ucla_shuffled', parents=parents, center=new_index[base.center])


def _write(path, layout):
    samples = [dict(frame_dir=f's{i}', label=i % 2, total_frames=4,
                    keypoint=np.random.default_rng(i).normal(size=(1, 4, 20, 3)).astype('f4'))
               for i in range(4)]
    dump_annotations(samples, str(path), split={'train': ['s0', 's1'], 'val': ['s2', 's3']},
                     classes=['a', 'b'], layout=layout)
    return str(path)


def test_a_pickle_of_another_joint_order_is_refused_naming_the_file_and_both_layouts(tmp_path):
    path = _write(tmp_path / 'shuffled.pkl', permuted_nwucla())
    with pytest.raises(ValueError, match=r"shuffled\.pkl: the pickle's layout is 'ucla_shuffled' "
                       r"\(20 joints, parents \[.*\]\), but the config says layout 'nw-ucla' "
                       r'\(20 joints'):
        PoseDataset(path, split='train', layout='nw-ucla')


def test_the_same_layout_by_name_dict_or_json_file_loads(tmp_path):
    custom = permuted_nwucla()
    path = _write(tmp_path / 'shuffled.pkl', custom)
    json_file = tmp_path / 'layout.json'
    json_file.write_text(json.dumps(custom))
    for layout in (custom, str(json_file), None):
        assert len(PoseDataset(path, split='train', layout=layout)) == 2
    named = _write(tmp_path / 'named.pkl', 'nw-ucla')
    assert len(PoseDataset(named, layout=layout_dict(get_layout('nw-ucla')))) == 4
    with pytest.raises(ValueError, match=r"named\.pkl\): layout: layout 'no-such-layout' is "
                       'neither a built-in layout'):
        PoseDataset(named, layout='no-such-layout')


def test_a_pickle_without_a_layout_is_not_checked(tmp_path):
    samples = [dict(frame_dir='s0', label=0, total_frames=4,
                    keypoint=np.zeros((1, 4, 20, 3), 'f4') + 1)]
    path = tmp_path / 'bare.pkl'
    dump_annotations(samples, str(path), classes=['a'])
    assert len(PoseDataset(str(path), layout='coco')) == 1


def test_load_config_passes_the_dataset_bases_layout_and_the_dataset_refuses_a_mismatch(
        tmp_path):
    from conftest import REPO

    from mmskel.engine import load_config
    from mmskel.registry import DATASETS
    from mmskel.utils import register_all_modules
    register_all_modules()
    path = _write(tmp_path / 'shuffled.pkl', permuted_nwucla())
    cfg = load_config(str(REPO / NWUCLA_CONFIG), dict(
        test_dataloader=dict(dataset=dict(ann_file=path))))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.layout == 'nw-ucla', loader
    with pytest.raises(ValueError, match=r"the pickle's layout is 'ucla_shuffled'.*the config "
                       r"says layout 'nw-ucla'"):
        DATASETS.build(dict(cfg.test_dataloader.dataset, pipeline=[]))


def test_pass_layout_keeps_an_explicit_layout_and_skips_configs_without_one():
    from mmskel.datasets.pose_dataset import pass_layout
    from mmskel.utils import register_all_modules
    register_all_modules()
    pose = dict(type='PoseDataset', ann_file='x.pkl')
    cfg = dict(layout='coco', train_dataloader=dict(dataset=dict(
        type='RepeatDataset', times=2, dataset=dict(pose))),
        val_dataloader=dict(dataset=dict(pose, layout='openpose')))
    pass_layout(cfg)
    assert cfg['train_dataloader']['dataset']['dataset']['layout'] == 'coco'
    assert cfg['val_dataloader']['dataset']['layout'] == 'openpose'
    assert pass_layout(dict(train_dataloader=dict(dataset=dict(pose)))) == \
        dict(train_dataloader=dict(dataset=pose))
