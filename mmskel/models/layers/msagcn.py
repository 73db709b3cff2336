"""Blocks of MSA-GCN (Alowonou and Han, "MSA-GCN: Exploiting Multi-Scale Temporal Dynamics With
Adaptive Graph Convolution for Skeleton-Based Action Recognition", IEEE Access 2024).

Written from the authors' code (github.com/SeoulTech-HCIRLab/MSGCN, ``model/MSGCN_spa.py`` and
``model/TMST.py``); module and parameter names follow it so that its checkpoints load with
``strict=True``. Parameters that the authors create but never use (``MSCAM.alpha``,
``Atten.bn``, ``ChannelSpecific.conv4``, ``Sequential_layer.bn``) are not built here; their
checkpoint entries are dropped on loading.
"""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .init import init_conv_bn

# names of checkpoint entries that the authors' modules hold but never use
_UNUSED = {'MSAGC': ('alpha', ), 'JointPairAttention': ('bn.', ),
           'GlobalContextGraph': ('conv4.', ), 'FrameGate': ('bn.', )}


class _DropUnused:
    """Mixin: drop the authors' unused checkpoint entries before the strict key check."""

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        for name in [k for k in state_dict if k.startswith(prefix)]:
            if name[len(prefix):].startswith(_UNUSED[type(self).__name__]):
                state_dict.pop(name)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def _relation(q: torch.Tensor, k: torch.Tensor, linear: nn.Linear) -> torch.Tensor:
    """Row-softmax of the outer product of two embedded descriptors: [..., V] x2 -> [..., V, V]."""
    q, k = F.relu(linear(q)), F.relu(linear(k))
    return torch.softmax(q.unsqueeze(-1) * k.unsqueeze(-2), dim=-1)


class JointPairAttention(_DropUnused, nn.Module):
    """The embedding shared by the per-quarter joint attentions of :class:`MSAGC` (the
    authors' ``Atten``): a ``Linear(V, V)`` over joint descriptors.

    Args:
        num_joints (int): Joints V.
    """

    def __init__(self, num_joints: int) -> None:
        super().__init__()
        self.linear = nn.Linear(num_joints, num_joints)
        nn.init.xavier_uniform_(self.linear.weight, gain=nn.init.calculate_gain('relu'))

    def forward(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        return _relation(q, k, self.linear)


class GlobalContextGraph(_DropUnused, nn.Module):
    """The global-context graph of MSA-GC (the authors' ``ChannelSpecific``).

    Joint features averaged over frames are projected (``conv3``); ``sigmoid(f_u - f_w)`` of
    every joint pair, weighted per channel group by ``alpha``, is averaged over channels AND over
    the samples of the batch: one graph shared by the whole batch, as in the authors' code (so a
    sample's output depends on the other samples of its batch, also at test time).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Projected channels.
        num_groups (int): Channel groups, each with a weight ``alpha``. Defaults to 4.

    Shape:
        x: [N, C, T, V] -> graph [V, V].
    """

    def __init__(self, in_channels: int, out_channels: int, num_groups: int = 4) -> None:
        super().__init__()
        if out_channels % num_groups:
            raise ValueError(f'out_channels ({out_channels}) must be a multiple of num_groups '
                             f'({num_groups})')
        self.num_groups = num_groups
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.alpha = nn.Parameter(torch.ones(num_groups))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, _, v = x.shape
        f = self.conv3(x.mean(2, keepdim=True)).view(n, self.num_groups, -1, v)
        graph = torch.sigmoid(f.unsqueeze(-1) - f.unsqueeze(-2))  # N, G, C/G, V, V
        return torch.einsum('ngcuw,g->uw', graph, self.alpha) / (n * f.shape[1] * f.shape[2])


class EdgeConv(nn.Module):
    """DGCNN's edge convolution over each joint's k nearest joints in feature space (features
    averaged over frames); the result is the same for every frame.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        k (int): Neighbours, the joint itself included. Defaults to 5.

    Shape:
        x: [N, C, T, V] -> [N, C', 1, V].
    """

    def __init__(self, in_channels: int, out_channels: int, k: int = 5) -> None:
        super().__init__()
        self.k = k
        self.conv = nn.Sequential(nn.Conv2d(2 * in_channels, out_channels, 1, bias=False),
                                  nn.BatchNorm2d(out_channels), nn.LeakyReLU(0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.mean(2).transpose(1, 2)  # N, V, C
        n, v, _ = x.shape
        square = x.pow(2).sum(-1, keepdim=True)
        neg_distance = 2 * x @ x.transpose(1, 2) - square - square.transpose(1, 2)
        idx = neg_distance.topk(min(self.k, v), dim=-1)[1]  # N, V, k
        neighbours = x[torch.arange(n, device=x.device)[:, None, None], idx]  # N, V, k, C
        centre = x.unsqueeze(2).expand_as(neighbours)
        feature = torch.cat([neighbours - centre, centre], dim=3).permute(0, 3, 1, 2)
        return self.conv(feature).amax(-1).unsqueeze(2)


class MSAGC(_DropUnused, nn.Module):
    """Multi-stage adaptive graph convolution (MSA-GC; the authors' ``MSCAM``).

    A 1x1 convolution gives K subsets of C' channels. Each subset is aggregated over
    ``2 * (A + Pre_def) + A_global + 0.5 * A_local``: the physical graph plus a learned offset
    per channel group (counted twice, as in the authors' code), the batch-level
    :class:`GlobalContextGraph`, and local graphs from each sample: every quarter of the
    channels gets a joint attention from channel- and frame-pooled joint descriptors, mixed in
    stages with the cross attentions of neighbouring quarters. Then an ECA-style channel gate
    (``Ref_conv``), an :class:`EdgeConv` term, BN, the residual and ReLU.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C' (a multiple of 8 and of ``num_groups``).
        A (torch.Tensor): Physical adjacency [K, V, V].
        num_groups (int): Channel groups of the learned offset ``Pre_def``. Defaults to 8.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 num_groups: int = 8) -> None:
        super().__init__()
        if out_channels % 8 or out_channels % num_groups:
            raise ValueError(f'out_channels ({out_channels}) must be a multiple of 8 and of '
                             f'num_groups ({num_groups})')
        self.num_subsets, num_joints = A.shape[0], A.shape[1]
        self.out_channels, self.num_groups = out_channels, num_groups
        self.register_buffer('A', A.clone(), persistent=False)
        self.Pre_def = nn.Parameter(A.unsqueeze(1).repeat(1, num_groups, 1, 1))
        self.linear = nn.Linear(num_joints, num_joints)
        nn.init.xavier_uniform_(self.linear.weight, gain=nn.init.calculate_gain('relu'))
        self.Att = JointPairAttention(num_joints)
        self.Ref_conv = nn.Conv1d(1, 1, kernel_size=3, padding=1, bias=False)
        self.Channelcorrelation = GlobalContextGraph(in_channels, out_channels)
        self.conv = nn.Conv2d(in_channels, out_channels * self.num_subsets, 1)
        self.edgeConv = EdgeConv(in_channels, out_channels, k=5)
        self.conv_down_edge = nn.Conv2d(out_channels, out_channels, 1)
        self.down = nn.Identity() if in_channels == out_channels else nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1), nn.BatchNorm2d(out_channels))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        init_conv_bn(self)

    def local_graphs(self, x: torch.Tensor) -> torch.Tensor:
        """Per-sample graphs of the four channel quarters: [N, K, C', T, V] -> [N, K, 4, V, V]."""
        n, k, c, t, v = x.shape
        pooled = x.reshape(n, k, 4, 2, c // 8, t, v).mean((4, 5))  # N, K, quarter, half, V
        q, key = pooled[:, :, :, 0], pooled[:, :, :, 1]
        graphs = self.Att(q, key) / 2
        cross = _relation(key[:, :, :-1], q[:, :, 1:], self.linear) / 4  # quarter i -> i + 1
        return graphs + F.pad(cross, (0, 0, 0, 0, 0, 1)) + F.pad(cross, (0, 0, 0, 0, 1, 0))

    def aggregate(self, x0: torch.Tensor) -> torch.Tensor:
        """Graph aggregation of the K subsets: [N, C, T, V] -> [N, C', T, V]."""
        n, _, t, v = x0.shape
        c, g = self.out_channels, self.num_groups
        x = self.conv(x0).view(n, self.num_subsets, c, t, v)
        static = (self.A.unsqueeze(1) + self.Pre_def).to(x.dtype)  # K, G, V, V
        # channel c uses group c % G of the learned offset (the authors tile it over channels)
        out = 2 * torch.einsum('nkrgtv,kgvw->nrgtw', x.view(n, -1, c // g, g, t, v),
                               static).reshape(n, c, t, v)
        local = self.local_graphs(x).to(x.dtype)
        out = out + 0.5 * torch.einsum('nkqctv,nkqvw->nqctw', x.view(
            n, self.num_subsets, 4, c // 4, t, v), local).reshape(n, c, t, v)
        glob = self.Channelcorrelation(x0).to(x.dtype)
        return out + torch.einsum('nctv,vw->nctw', x.sum(1), glob)

    def forward(self, x0: torch.Tensor) -> torch.Tensor:
        x = self.aggregate(x0)
        gate = self.Ref_conv(x.mean((2, 3)).unsqueeze(1)).squeeze(1)  # N, C'
        x = x * (1 + torch.sigmoid(gate))[:, :, None, None]
        x = x + self.conv_down_edge(self.edgeConv(x0))
        return self.relu(self.bn(x) + self.down(x0))


class GatedTemporalConv(nn.Module):
    """One GMSTC branch (the authors' ``TemporalConv``): two dilated temporal convolutions,
    each followed by the shared BN and the gate ``tanh(y) * sigmoid(y)``, summed.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Temporal kernel. Defaults to 5.
        stride (int): Temporal stride. Defaults to 1.
        dilations (Sequence[int]): Dilations of the two convolutions. Defaults to (2, 2).

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 5,
                 stride: int = 1, dilations: Sequence[int] = (2, 2)) -> None:
        super().__init__()
        self.conv1, self.conv2 = (nn.Conv2d(
            in_channels, out_channels, (kernel_size, 1), stride=(stride, 1),
            padding=((kernel_size - 1) * d // 2, 0), dilation=(d, 1)) for d in dilations)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y1, y2 = self.bn(self.conv1(x)), self.bn(self.conv2(x))
        return torch.tanh(y1) * torch.sigmoid(y1) + torch.tanh(y2) * torch.sigmoid(y2)


class FrameAttention(nn.Module):
    """Frame-to-frame attention of TMST (the paper's TMHSA; the authors' ``Temporal_tran``).

    After a strided 1x1 convolution, half of the channels average-pooled over channels and
    joints, and the other half max-pooled, give two per-frame descriptors; each goes through
    the same ``Linear(T, T)`` and ReLU, and ``sigmoid`` of their outer product weights a mix
    of the frames, followed by BN. The linear layer ties the module to a clip length.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        num_frames (int): Frames T' of the output (after the stride).
        stride (int): Temporal stride. Defaults to 1.

    Shape:
        x: [N, C, T, V] -> [N, C', T', V], T' = T / stride = ``num_frames``.
    """

    def __init__(self, in_channels: int, out_channels: int, num_frames: int,
                 stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.linear = nn.Linear(num_frames, num_frames)
        nn.init.xavier_uniform_(self.linear.weight, gain=nn.init.calculate_gain('relu'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        c, t = x.shape[1], x.shape[2]
        if t != self.linear.in_features:
            raise ValueError(f'FrameAttention was built for {self.linear.in_features} frames, '
                             f'got {t} (input shape {tuple(x.shape)})')
        q = F.relu(self.linear(x[:, :c // 2].mean((1, 3))))  # N, T
        k = F.relu(self.linear(x[:, c // 2:].amax((1, 3))))
        weights = torch.sigmoid(q.unsqueeze(2) * k.unsqueeze(1))  # N, T, T
        return self.bn(torch.einsum('nctv,ntm->ncmv', x, weights))


class FrameGate(_DropUnused, nn.Module):
    """A per-frame gate (the authors' ``Sequential_layer``): a strided 1x1 convolution, then
    each frame is scaled by ``sigmoid`` of a learned mix of its mean and max over channels and
    joints.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Temporal stride. Defaults to 1.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1))
        self.combine_conv = nn.Conv2d(2, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        pooled = torch.stack([x.mean((1, 3)), x.amax((1, 3))], dim=1).unsqueeze(-1)  # N, 2, T, 1
        return x * torch.sigmoid(self.combine_conv(pooled))


def _bottleneck(in_channels: int, channels: int, last: nn.Module) -> Tuple[nn.Module, ...]:
    return nn.Conv2d(in_channels, channels, 1), nn.BatchNorm2d(channels), nn.ReLU(), last


class TMST(nn.Module):
    """Temporal multi-scale transformer (the authors' ``MultiScale_TemporalConv``).

    Parallel branches with ``out_channels / (len(dilations) + 3)`` channels each, concatenated
    then ReLU: GMSTC (a 1x1 bottleneck then :class:`GatedTemporalConv`, one branch per pair of
    dilations), a max-pool branch, :class:`FrameAttention` (TMHSA) and :class:`FrameGate`.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (a multiple of the number of branches).
        num_frames (int): Output frames, for :class:`FrameAttention`.
        kernel_size (int): Kernel of the gated convolutions. Defaults to 5.
        stride (int): Temporal stride. Defaults to 1.
        dilations (Sequence[Sequence[int]]): Dilation pair of each gated branch. Defaults to
            ((2, 2), (4, 4)), the authors' ``dilations1=dilations2=[1, 2]`` read as powers of 2.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, num_frames: int,
                 kernel_size: int = 5, stride: int = 1,
                 dilations: Sequence[Sequence[int]] = ((2, 2), (4, 4))) -> None:
        super().__init__()
        num_branches = len(dilations) + 3
        if out_channels % num_branches:
            raise ValueError(f'out_channels ({out_channels}) must be a multiple of the '
                             f'{num_branches} TMST branches')
        mid = out_channels // num_branches
        branches = [nn.Sequential(*_bottleneck(in_channels, mid, GatedTemporalConv(
            mid, mid, kernel_size, stride, pair))) for pair in dilations]
        pool = nn.MaxPool2d((3, 1), stride=(stride, 1), padding=(1, 0))
        branches.append(nn.Sequential(*_bottleneck(in_channels, mid, pool),
                                      nn.BatchNorm2d(mid)))
        branches.append(nn.Sequential(
            FrameAttention(in_channels, mid, num_frames, stride), nn.BatchNorm2d(mid)))
        branches.append(nn.Sequential(FrameGate(in_channels, mid, stride), nn.BatchNorm2d(mid)))
        self.branches = nn.ModuleList(branches)
        self.act = nn.ReLU()
        init_conv_bn(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(torch.cat([branch(x) for branch in self.branches], dim=1))
