"""ST-GCN++ (pyskl's recipe as STGCN options) and loading pyskl's real HaGRID checkpoint."""
import numpy as np
import pytest
import torch

from mmskel.models.layers import MixingMultiScaleTCN
from mmskel.registry import MODELS
from mmskel.structures import get_layout
from mmskel.utils import register_all_modules

STGCNPP_HAND = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=2, adaptive='init', gcn_with_res=True,
                  tcn_type='mstcn', num_stages=6, inflate_stages=[6], down_stages=[6],
                  graph_cfg=dict(layout='handmp', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=40, in_channels=128))


def test_multiscale_tcn_branches_and_shapes():
    tcn = MixingMultiScaleTCN(64, 64, stride=2)
    assert [b[0].out_channels if isinstance(b, torch.nn.Sequential) else b.out_channels
            for b in tcn.branches] == [14, 10, 10, 10, 10, 10]
    assert tcn(torch.randn(2, 64, 16, 21)).shape == (2, 64, 8, 21)
    assert MixingMultiScaleTCN(64, 128)(torch.randn(1, 64, 9, 5)).shape == (1, 128, 9, 5)


def hand_sequence(frames: int = 48, curl_speed: float = 1.0) -> np.ndarray:
    """A 2D hand [T, 21, 2] in pixels whose fingers curl and open (a grasping gesture)."""
    layout = get_layout('handmp')
    base = np.array([200., 300.])
    seq = np.zeros((frames, layout.num_joints, 2))
    for t in range(frames):
        curl = 0.5 * (1 - np.cos(2 * np.pi * curl_speed * t / frames))
        seq[t, 0] = base
        for finger in range(5):
            angle = np.deg2rad(-60 + 30 * finger)
            for part in range(4):
                j = 1 + 4 * finger + part
                bend = angle + curl * 0.6 * part
                parent = seq[t, layout.parents[j]]
                seq[t, j] = parent + 25 * np.array([np.sin(bend), -np.cos(bend)])
    return seq


def test_pyskl_hagrid_checkpoint_loads_strictly_and_scores(hagrid_checkpoint):
    register_all_modules()
    model = MODELS.build(STGCNPP_HAND).eval()
    state = torch.load(hagrid_checkpoint, map_location='cpu', weights_only=True)
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(model.cls_head.fc.weight, state['cls_head.fc_cls.weight'])
    scores = []
    for speed in (1.0, 3.0):
        seq = hand_sequence(curl_speed=speed)
        x = (seq - seq.mean((0, 1))) / 100.0  # centred, roughly unit scale
        inputs = torch.tensor(x, dtype=torch.float32)[None, None, None]  # [1, 1, 1, T, V, 2]
        with torch.no_grad():
            scores.append(model(inputs, mode='tensor').softmax(-1)[0])
    for s in scores:
        assert s.shape == (40, ) and torch.isfinite(s).all()
        assert float(s.sum()) == pytest.approx(1.0, abs=1e-5)
    assert not torch.allclose(scores[0], scores[1])  # the network responds to the motion
