"""mmskel says ``num_persons``; configs written for mmaction2 or pyskl say ``num_person``, and
every backbone and FormatGCNInput take either."""
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskel.datasets.transforms import FormatGCNInput
from mmskel.models.input_spec import input_spec
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules
from mmskel.utils.aliases import renamed_kwargs

CONFIGS = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton'
JOINT_CONFIGS = ['stgcn/stgcn_80e_ntu60_xsub_keypoint_3d.py',
                 '2s-agcn/2sagcn_80e_ntu60_xsub_keypoint_3d.py',
                 'ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py',
                 'msagcn/msagcn_190e_ntu60_xsub_keypoint_3d.py',
                 'mstgcn/mstgcn_110e_ntu60_xsub_keypoint_3d.py',
                 'msg3d/msg3d_50e_ntu60_xsub_keypoint_3d.py']


@pytest.mark.parametrize('name', JOINT_CONFIGS)
def test_backbones_take_mmaction2s_num_person(name):
    register_all_modules()
    backbone = Config.fromfile(str(CONFIGS / name)).model.backbone
    backbone.pop('num_persons')
    old = MODELS.build(dict(backbone, num_person=1))
    new = MODELS.build(dict(backbone, num_persons=1))
    assert old.num_persons == new.num_persons == 1
    assert {k: v.shape for k, v in old.state_dict().items()} == {
        k: v.shape for k, v in new.state_dict().items()}
    with pytest.raises(TypeError, match="give 'num_persons' or its old name 'num_person'"):
        MODELS.build(dict(backbone, num_person=1, num_persons=1))


def test_format_gcn_input_and_input_spec_take_num_person():
    assert FormatGCNInput(num_person=1).num_persons == 1
    cfg = Config.fromfile(str(CONFIGS / 'stgcn' / 'stgcn_80e_ntu60_xsub_keypoint_3d.py'))
    fmt = cfg.test_dataloader.dataset.pipeline.format
    fmt.pop('num_persons')
    fmt.num_person = 3
    assert input_spec(cfg).num_persons == 3


def test_renamed_kwargs_passes_other_arguments_through():
    @renamed_kwargs(old='new')
    def f(a, new=0, other=1):
        return a, new, other

    assert f(1, old=2, other=3) == (1, 2, 3)
    assert f(1, new=5) == (1, 5, 1)
    assert f.__name__ == 'f'
