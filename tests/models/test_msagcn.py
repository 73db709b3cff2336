"""MSA-GCN: shapes, clip-length check, parameter count, the authors' state_dict names, the
multi-stage graph against a direct computation, and a short training run on real NW-UCLA."""
import pytest
import torch

from mmskel.models.backbones import MSAGCN
from mmskel.models.graphs import Graph
from mmskel.models.layers import MSAGC, FrameAttention
from mmskel.registry import MODELS
from mmskel.utils import register_all_modules


def build_ntu60() -> torch.nn.Module:
    register_all_modules()
    return MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='MSAGCN', num_frames=64,
                      graph_cfg=dict(layout='nturgb+d', mode='spatial')),
        cls_head=dict(type='GCNHead', num_classes=60, in_channels=320)))


def test_ntu60_shapes_and_scores():
    torch.manual_seed(0)
    model = build_ntu60()  # train mode: the BN statistics of an untrained model are not set
    x = torch.randn(2, 2, 64, 25, 3)
    with torch.no_grad():
        feats = model.backbone(x)
        scores = model.cls_head(feats)
    assert feats.shape == (2, 2, 320, 16, 25)
    assert scores.shape == (2, 60) and torch.isfinite(scores).all()


@pytest.mark.parametrize('layout, num_persons, joints', [('nw-ucla', 1, 20), ('coco', 2, 17),
                                                         ('openpose', 1, 18)])
def test_other_layouts(layout, num_persons, joints):
    model = MSAGCN(dict(layout=layout, mode='spatial'), num_frames=32, num_persons=num_persons)
    with torch.no_grad():
        out = model(torch.randn(2, num_persons, 32, joints, 3))
    assert out.shape == (2, num_persons, 320, 8, joints)


def test_wrong_clip_length_is_rejected():
    model = MSAGCN(dict(layout='nw-ucla', mode='spatial'), num_frames=16, base_channels=40,
                   num_persons=1, num_stages=4, down_stages=(3, 4))
    with pytest.raises(ValueError, match='T=16 frames.*got T=20'):
        model(torch.randn(1, 1, 20, 20, 3))
    with pytest.raises(ValueError, match='multiple of 4'):
        MSAGCN(dict(layout='nw-ucla', mode='spatial'), num_frames=30)
    with pytest.raises(ValueError, match='built for 8 frames, got 4'):
        FrameAttention(8, 8, num_frames=8, stride=2)(torch.randn(1, 8, 8, 5))


def test_parameter_count():
    # The paper's parameter count could not be retrieved (IEEE Access 2024, full text not
    # available here). The authors' NTU-60 model (github.com/SeoulTech-HCIRLab/MSGCN,
    # model/MSGCN_main.py) has 3,758,482 parameters, 89,754 of them in modules that its
    # forward never uses (MSCAM.alpha, Atten.bn, ChannelSpecific.conv4, Sequential_layer.bn),
    # which mmskel does not build.
    count = sum(p.numel() for p in build_ntu60().parameters())
    assert count == 3_668_728
    assert count + 89_754 == 3_758_482


# the 10 blocks of the authors' Model are l1..l10; l5 (80 -> 160 channels, stride 2) as their
# MSGCN module names its state_dict entries
BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')
UPSTREAM_L5 = (
    ['mscam.alpha', 'mscam.Pre_def', 'mscam.linear.weight', 'mscam.linear.bias']
    + [f'mscam.Att.bn.{s}' for s in BN]
    + ['mscam.Att.linear.weight', 'mscam.Att.linear.bias', 'mscam.Ref_conv.weight',
       'mscam.Channelcorrelation.alpha', 'mscam.Channelcorrelation.conv3.weight',
       'mscam.Channelcorrelation.conv3.bias', 'mscam.Channelcorrelation.conv4.weight',
       'mscam.Channelcorrelation.conv4.bias', 'mscam.conv.weight', 'mscam.conv.bias',
       'mscam.edgeConv.conv.0.weight']
    + [f'mscam.edgeConv.conv.1.{s}' for s in BN]
    + ['mscam.conv_down_edge.weight', 'mscam.conv_down_edge.bias', 'mscam.down.0.weight',
       'mscam.down.0.bias']
    + [f'mscam.down.1.{s}' for s in BN] + [f'mscam.bn.{s}' for s in BN]
    + [key for b in (0, 1) for key in
       [f'tmst.branches.{b}.0.weight', f'tmst.branches.{b}.0.bias']
       + [f'tmst.branches.{b}.1.{s}' for s in BN]
       + [f'tmst.branches.{b}.3.conv{i}.{p}' for i in (1, 2) for p in ('weight', 'bias')]
       + [f'tmst.branches.{b}.3.bn.{s}' for s in BN]]
    + ['tmst.branches.2.0.weight', 'tmst.branches.2.0.bias']
    + [f'tmst.branches.2.1.{s}' for s in BN] + [f'tmst.branches.2.4.{s}' for s in BN]
    + ['tmst.branches.3.0.conv.weight', 'tmst.branches.3.0.conv.bias']
    + [f'tmst.branches.3.0.bn.{s}' for s in BN]
    + ['tmst.branches.3.0.linear.weight', 'tmst.branches.3.0.linear.bias']
    + [f'tmst.branches.3.1.{s}' for s in BN]
    + ['tmst.branches.4.0.conv.weight', 'tmst.branches.4.0.conv.bias']
    + [f'tmst.branches.4.0.bn.{s}' for s in BN]
    + ['tmst.branches.4.0.combine_conv.weight', 'tmst.branches.4.0.combine_conv.bias']
    + [f'tmst.branches.4.1.{s}' for s in BN]
    + ['residual.conv.weight', 'residual.conv.bias'] + [f'residual.bn.{s}' for s in BN])
UNUSED = {'mscam.alpha': (1, ), 'mscam.Att.bn.weight': (40, ), 'mscam.Att.bn.bias': (40, ),
          'mscam.Att.bn.running_mean': (40, ), 'mscam.Att.bn.running_var': (40, ),
          'mscam.Att.bn.num_batches_tracked': (),
          'mscam.Channelcorrelation.conv4.weight': (160, 20, 1, 1),
          'mscam.Channelcorrelation.conv4.bias': (160, ),
          'tmst.branches.4.0.bn.weight': (32, ), 'tmst.branches.4.0.bn.bias': (32, ),
          'tmst.branches.4.0.bn.running_mean': (32, ), 'tmst.branches.4.0.bn.running_var': (32, ),
          'tmst.branches.4.0.bn.num_batches_tracked': ()}


def test_state_dict_names_match_the_authors_code():
    model = build_ntu60().backbone
    assert len(UPSTREAM_L5) == 118
    ours = [k[3:] for k in model.state_dict() if k.startswith('l5.')]
    assert sorted(ours) == sorted(set(UPSTREAM_L5) - set(UNUSED))
    assert {k.split('.')[0] for k in model.state_dict()} == {
        'to_joint_embedding', 'pos_embedding', 'data_bn', 'first_tram', 'second_tram',
        *[f'l{i}' for i in range(1, 11)]}
    # an authors' checkpoint, unused entries included, loads strictly
    state = {k: v.clone() + 1 for k, v in model.state_dict().items()}
    state.update({f'l5.{k}': torch.zeros(shape) for k, shape in UNUSED.items()})
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(model.l5.mscam.Pre_def, state['l5.mscam.Pre_def'])


def reference_aggregate(gc: MSAGC, x0: torch.Tensor) -> torch.Tensor:
    """The authors' per-sample graph [N, K, C, V, V] built term by term, then one einsum."""
    n, _, t, v = x0.shape
    k, c = gc.num_subsets, gc.out_channels
    x = gc.conv(x0).view(n, k, c, t, v)
    graph = (gc.A.unsqueeze(1) + gc.Pre_def).repeat(1, c // gc.num_groups, 1, 1)  # K, C, V, V
    graph = 2 * graph + gc.Channelcorrelation(x0)
    quarters = x.view(n, k, 4, c // 4, t, v)
    q = [quarters[:, :, i, :c // 8].mean((2, 3)) for i in range(4)]  # N, K, V
    key = [quarters[:, :, i, c // 8:].mean((2, 3)) for i in range(4)]

    def rel(a, b, linear):
        return torch.softmax(torch.relu(linear(a))[..., :, None]
                             * torch.relu(linear(b))[..., None, :], dim=-1)
    cross = [rel(key[i], q[i + 1], gc.linear) for i in range(3)]
    local = []
    for i in range(4):
        att = rel(q[i], key[i], gc.Att.linear) / 2
        att = att + sum(cross[j] for j in (i - 1, i) if 0 <= j < 3) / 4
        local.append(att.unsqueeze(2).expand(-1, -1, c // 4, -1, -1))
    graph = graph + 0.5 * torch.cat(local, dim=2)
    return torch.einsum('nkctv,nkcvw->nctw', x, graph)


def test_multi_stage_graph_matches_direct_computation():
    torch.manual_seed(0)
    A = torch.tensor(Graph('nw-ucla', 'spatial').A)
    gc = MSAGC(16, 40, A)
    with torch.no_grad():
        gc.Pre_def.add_(0.1 * torch.randn_like(gc.Pre_def))
        x0 = torch.randn(3, 16, 6, 20)
        assert torch.allclose(gc.aggregate(x0), reference_aggregate(gc, x0), atol=1e-5)
        # the global-context graph is shared by the batch: a sample depends on the others
        alone = gc.aggregate(x0[:1])
        assert not torch.allclose(alone, gc.aggregate(x0)[:1], atol=1e-4)


def test_training_loss_falls_on_real_nwucla(train_losses, loss_falls):
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='MSAGCN', graph_cfg=dict(layout='nw-ucla', mode='spatial'),
                      num_frames=16, base_channels=40, num_persons=1, num_stages=3,
                      down_stages=(2, 3)),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=160))
    loss_falls(train_losses(model, clip_len=16, lr=0.01))
