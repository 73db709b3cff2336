"""ResNet3dSlowOnly (PoseC3D): mmaction2 1.x's state-dict names and shapes, parameters, FLOPs,
shapes, initialisation, frozen stages, bad input; equal outputs to mmaction2 1.2.0's model where
``.venv-mmaction2`` exists."""
import subprocess
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmskel.models.backbones import ResNet3dSlowOnly
from mmskel.models.complexity import complexity
from mmskel.registry import MODELS

pytestmark = pytest.mark.usefixtures('registries', 'one_thread')

HERE = Path(__file__).resolve().parent
MMACTION2_PYTHON = HERE.parents[2] / '.venv-mmaction2' / 'bin' / 'python'
# the backbone of mmaction2's configs/skeleton/posec3d/slowonly_r50_8xb16-u48-240e_*.py
POSEC3D = dict(depth=50, in_channels=17, base_channels=32, num_stages=3, out_indices=(2,),
               stage_blocks=(4, 6, 3), conv1_stride_s=1, pool1_stride_s=1, inflate=(0, 1, 1),
               spatial_strides=(2, 2, 2), temporal_strides=(1, 1, 2), dilations=(1, 1, 1))
# ... and of slowonly_kinetics400-pretrained-r50_8xb16-u48-120e_{ucf101,hmdb51}-split1-keypoint
KINETICS_PRETRAINED = dict(POSEC3D, stage_blocks=(3, 4, 6))
MMACTION2_CONFIGS = {
    'skeleton/posec3d/slowonly_r50_8xb16-u48-240e_ntu60-xsub-keypoint.py': (POSEC3D, 60),
    'skeleton/posec3d/slowonly_kinetics400-pretrained-r50_8xb16-u48-120e_ucf101-split1-'
    'keypoint.py': (KINETICS_PRETRAINED, 101)}


def recognizer(backbone=POSEC3D, num_classes=60):
    return MODELS.build(dict(type='Recognizer3D', backbone=dict(type='ResNet3dSlowOnly',
                                                                **backbone),
                             cls_head=dict(type='I3DHead', in_channels=512,
                                           num_classes=num_classes, dropout_ratio=0.5)))


def test_state_dict_has_mmaction2_names_and_shapes():
    state = recognizer().state_dict()
    shapes = {name: tuple(value.shape) for name, value in state.items()}
    expected = {  # from mmaction2 1.2.0's PoseC3D checkpoints (issue 13)
        'backbone.conv1.conv.weight': (32, 17, 1, 7, 7),
        'backbone.conv1.bn.running_var': (32,),
        'backbone.layer1.0.conv1.conv.weight': (32, 32, 1, 1, 1),  # not inflated
        'backbone.layer1.0.downsample.conv.weight': (128, 32, 1, 1, 1),
        'backbone.layer1.3.conv3.bn.weight': (128,),
        'backbone.layer2.0.conv1.conv.weight': (64, 128, 3, 1, 1),  # inflated: 3x1x1
        'backbone.layer2.5.conv2.conv.weight': (64, 64, 1, 3, 3),
        'backbone.layer2.0.downsample.bn.num_batches_tracked': (),
        'backbone.layer3.0.downsample.conv.weight': (512, 256, 1, 1, 1),
        'backbone.layer3.2.conv3.conv.weight': (512, 128, 1, 1, 1),
        'cls_head.fc_cls.weight': (60, 512), 'cls_head.fc_cls.bias': (60,)}
    assert {name: shapes.get(name) for name in expected} == expected
    # 13 blocks x 3 ConvModules + 3 downsamples + the stem: 43 (conv, bn) pairs of 6 entries
    assert len(state) == 43 * 6 + 2
    assert sum(name.endswith('.conv.weight') for name in state) == 43
    assert {name.split('.')[1] for name in state if name.startswith('backbone.')} == {
        'conv1', 'layer1', 'layer2', 'layer3'}
    assert not any('layer4' in name or 'layer3.3' in name for name in state)


def expected_num_params(stage_blocks, num_classes, inflate=(0, 1, 1)):
    """PoseC3D's SlowOnly parameter count written out block by block (BN: weight and bias)."""
    total = 17 * 32 * 7 * 7 + 2 * 32  # stem
    channels = 32
    for planes, blocks, inflated in zip((32, 64, 128), stage_blocks, inflate):
        for k in range(blocks):
            total += channels * planes * (3 if inflated else 1) + 2 * planes  # conv1
            total += planes * planes * 9 + 2 * planes + planes * 4 * planes + 8 * planes
            if k == 0:
                total += channels * 4 * planes + 8 * planes  # downsample
            channels = 4 * planes
    return total + 512 * num_classes + num_classes


def test_parameter_count_and_flops():
    model = recognizer()
    params = sum(p.numel() for p in model.parameters())
    assert params == expected_num_params((4, 6, 3), 60) == 2_024_860  # 2.0 M upstream
    pretrained = sum(p.numel() for p in recognizer(KINETICS_PRETRAINED, 101).parameters())
    assert pretrained == expected_num_params((3, 4, 6), 101) == 3_055_173
    cfg = Config(dict(model=dict(type='Recognizer3D', backbone=dict(type='ResNet3dSlowOnly',
                                                                    **POSEC3D),
                                 cls_head=dict(type='I3DHead', in_channels=512,
                                               num_classes=60))))
    result = complexity(cfg, (17, 48, 64, 64))  # one 48-frame 64 x 64 view
    assert result['params'] == params
    assert result['flops'] / 1e9 == pytest.approx(20.6, abs=0.05)  # upstream: 20.6 GFLOPs


def test_output_shape():
    model = ResNet3dSlowOnly(**POSEC3D).eval()
    with torch.no_grad():
        out = model(torch.rand(2, 17, 16, 32, 32))
    assert tuple(out.shape) == (2, 512, 8, 4, 4)  # T / 2, H and W / 8
    assert model.out_channels == 512
    two = ResNet3dSlowOnly(**dict(POSEC3D, out_indices=(0, 2))).eval()
    with torch.no_grad():
        first, last = two(torch.rand(1, 17, 16, 32, 32))
    assert tuple(first.shape) == (1, 128, 16, 16, 16) and tuple(last.shape) == (1, 512, 8, 4, 4)


def test_blocks_start_as_their_shortcut_and_checkpoints_come_after(tmp_path):
    model = ResNet3dSlowOnly(**POSEC3D)
    model.init_weights()
    last_norms = [m.conv3.bn for m in model.modules() if hasattr(m, 'conv3')]
    assert len(last_norms) == 13
    assert all(bn.weight.abs().sum() == 0 and bn.bias.abs().sum() == 0 for bn in last_norms)
    assert model.conv1.bn.weight.eq(1).all()
    state = {k: v + 1 if k.endswith('conv3.bn.weight') else v
             for k, v in model.state_dict().items()}
    torch.save(state, tmp_path / 'backbone.pth')
    loaded = ResNet3dSlowOnly(**POSEC3D, init_cfg=dict(type='Pretrained',
                                                       checkpoint=str(tmp_path / 'backbone.pth')))
    loaded.init_weights()
    assert loaded.layer3[2].conv3.bn.weight.eq(1).all()  # the checkpoint's, not zeroed


def test_frozen_stages_and_norm_eval():
    model = ResNet3dSlowOnly(**dict(POSEC3D, frozen_stages=1, norm_eval=True)).train()
    assert not any(p.requires_grad for p in model.conv1.parameters())
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert not model.layer1.training and model.layer2.training
    assert not model.layer3[0].conv1.bn.training  # norm_eval
    assert all(p.requires_grad for p in ResNet3dSlowOnly(**POSEC3D).train().parameters())


def test_bad_input_and_arguments_are_refused():
    model = ResNet3dSlowOnly(**POSEC3D)
    with pytest.raises(ValueError, match=r'C = 17.*\(1, 25, 16, 32, 32\)'):
        model(torch.rand(1, 25, 16, 32, 32))  # limb heatmaps into a keypoint model
    with pytest.raises(ValueError, match=r'\[N, C, T, H, W\]'):
        model(torch.rand(17, 16, 32, 32))
    with pytest.raises(ValueError, match='depth must be one of'):
        ResNet3dSlowOnly(depth=18)
    with pytest.raises(ValueError, match='temporal_strides needs a value for each of the 3'):
        ResNet3dSlowOnly(**dict(POSEC3D, temporal_strides=(1, 1)))
    with pytest.raises(ValueError, match='out_indices'):
        ResNet3dSlowOnly(**dict(POSEC3D, out_indices=(3,)))


@pytest.fixture(scope='module')
def mmaction2_outputs(tmp_path_factory):
    if not MMACTION2_PYTHON.exists():
        pytest.skip(f'mmaction2 is not installed beside mmskel ({MMACTION2_PYTHON} is absent; '
                    'make venv-mmaction2)')
    folder = tmp_path_factory.mktemp('mmaction2')
    outputs = {}
    for k, config in enumerate(MMACTION2_CONFIGS):
        out = folder / f'{k}.pth'
        proc = subprocess.run([str(MMACTION2_PYTHON), str(HERE / 'posec3d_mmaction2.py'), config,
                               str(out)], capture_output=True, text=True, timeout=600,
                              env={'PATH': '/usr/bin:/bin', 'OMP_NUM_THREADS': '1'})
        if proc.returncode == 3:
            pytest.skip(proc.stdout.strip())
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        outputs[config] = torch.load(out, weights_only=False)
    return outputs


@pytest.mark.parametrize('config', sorted(MMACTION2_CONFIGS))
def test_mmaction2_checkpoint_loads_strictly_with_equal_outputs(mmaction2_outputs, config):
    reference = mmaction2_outputs[config]
    backbone, num_classes = MMACTION2_CONFIGS[config]
    model = recognizer(backbone, num_classes)
    assert list(model.state_dict()) == list(reference['state_dict'])  # names and order
    model.load_state_dict(reference['state_dict'], strict=True)
    model.eval()
    with torch.no_grad():
        scores = model(reference['inputs'], mode='tensor')
        predicted = model(reference['inputs'], mode='predict')
    scale = reference['scores'].abs().max()
    assert scale > 1  # the random batch norms make the logits large enough to compare
    assert (scores - reference['scores']).abs().max() <= 1e-5 * scale
    torch.testing.assert_close(torch.stack([s.pred_score for s in predicted]),
                               reference['predicted'], rtol=0, atol=1e-6)
