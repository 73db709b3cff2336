"""The in-place forward arithmetic (mmskel/models/layers/inplace.py) computes what the plain
out-of-place formula does, outputs and gradients, in every model that uses it."""
import copy
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmskel.models.layers.inplace import in_place
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules

CONFIGS = Path(__file__).resolve().parents[2] / 'configs' / 'skeleton'


def forward_backward(model, x):
    model.zero_grad(set_to_none=True)
    out = model(x)
    out.square().mean().backward()
    return out.detach(), {n: p.grad.clone() for n, p in model.named_parameters()
                          if p.grad is not None}


@pytest.mark.parametrize('name, width', [
    ('stgcn/stgcn_80e_ntu60_xsub_keypoint_3d.py', 16),
    ('stgcnpp/stgcnpp_80e_ntu60_xsub_keypoint_3d.py', 16),
    ('2s-agcn/2sagcn_80e_ntu60_xsub_keypoint_3d.py', 16),
    ('ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py', 24),
    ('msagcn/msagcn_190e_ntu60_xsub_keypoint_3d.py', 40),
])
def test_in_place_equals_plain(name, width):
    register_all_modules()
    cfg = Config.fromfile(str(CONFIGS / name))
    cfg.model.backbone.base_channels = width
    plain = MODELS.build(cfg.model.backbone).train()
    fast = copy.deepcopy(plain)
    frames = cfg.model.backbone.get('num_frames', 16)
    x = torch.randn(2, 2, frames, 25, 3)
    with in_place(False):
        out_plain, grads_plain = forward_backward(plain, x)
    out_fast, grads_fast = forward_backward(fast, x)
    torch.testing.assert_close(out_fast, out_plain, rtol=0, atol=1e-6)
    assert grads_fast.keys() == grads_plain.keys()
    for key, grad in grads_plain.items():
        torch.testing.assert_close(grads_fast[key], grad, rtol=1e-5, atol=1e-6, msg=key)
