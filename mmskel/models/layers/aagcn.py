"""Adaptive graph convolution of 2s-AGCN / MS-AAGCN (Shi et al., CVPR 2019 and IEEE TIP 2020),
with parameter names of mmaction2 1.x's ``unit_aagcn`` and ``AAGCNBlock``."""
import math
from typing import Sequence, Union

import torch
import torch.nn as nn

from .tcn import UnitTCN, block_residual

ATTENTION_PARTS = ('spatial', 'temporal', 'channel')


def _attention_parts(attention: Union[bool, Sequence[str]]) -> tuple:
    """``True`` -> all three parts, ``False`` -> none, else the named parts, checked."""
    if attention is True:
        return ATTENTION_PARTS
    parts = tuple(attention or ())
    unknown = set(parts) - set(ATTENTION_PARTS)
    if unknown:
        raise ValueError(f'attention parts must be among {ATTENTION_PARTS}, got {sorted(unknown)}')
    return parts


class UnitAAGCN(nn.Module):
    """Adaptive graph convolution with optional spatial, temporal and channel attention.

    For each of the K subsets, the features are aggregated over an adjacency and mixed by a 1x1
    convolution (``conv_d``); the sum goes through BN, a residual (``down``) and ReLU, then the
    STC attention. The adjacency of subset k is, by ``adaptive``:

    * ``True`` (MS-AAGCN, TIP 2020; mmaction2 and pyskl): ``A_k + alpha * tanh(C_k)``, where
      ``A`` is a parameter initialised from the graph (the paper's A + B merged), ``alpha``
      starts at 0 and ``C_k = theta(x)^T phi(x) / (C_e T)`` is the data-dependent graph of the
      embeddings ``conv_a`` / ``conv_b``.
    * ``'softmax'`` (2s-AGCN, CVPR 2019; the authors' ``agcn.py``): ``A_k + PA_k +
      softmax(C_k)``, with the graph ``A`` fixed and the learned offset ``PA`` starting at 1e-6.
    * ``False``: the fixed graph ``A``.

    Attention (each gate ``x * sigmoid(.) + x``): spatial (``conv_sa``, a 1D convolution over
    joints of the time-averaged features), temporal (``conv_ta``, over frames of the
    joint-averaged features), channel (``fc1c`` -> ReLU -> ``fc2c`` on the global average).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].
        coff_embedding (int): ``C_e = C' // coff_embedding`` embedding channels. Defaults to 4.
        adaptive (bool | str): ``True``, ``'softmax'`` or ``False`` (see above). Defaults to True.
        attention (bool | Sequence[str]): ``True`` for all of ``('spatial', 'temporal',
            'channel')``, ``False`` for none, or the parts to use. Defaults to True.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 coff_embedding: int = 4, adaptive: Union[bool, str] = True,
                 attention: Union[bool, Sequence[str]] = True) -> None:
        super().__init__()
        if adaptive not in (True, False, 'softmax'):
            raise ValueError(f"adaptive must be True, False or 'softmax', got {adaptive!r}")
        self.adaptive, self.attention = adaptive, _attention_parts(attention)
        self.num_subsets, num_joints = A.size(0), A.size(-1)
        self.inter_channels = out_channels // coff_embedding
        self.conv_d = nn.ModuleList(
            nn.Conv2d(in_channels, out_channels, 1) for _ in range(self.num_subsets))
        if adaptive is True:
            self.A = nn.Parameter(A.clone())
            self.alpha = nn.Parameter(torch.zeros(1))
        else:
            self.register_buffer('A', A.clone())
        if adaptive == 'softmax':
            self.PA = nn.Parameter(torch.full_like(A, 1e-6))
        if adaptive:
            self.conv_a = nn.ModuleList(nn.Conv2d(in_channels, self.inter_channels, 1)
                                        for _ in range(self.num_subsets))
            self.conv_b = nn.ModuleList(nn.Conv2d(in_channels, self.inter_channels, 1)
                                        for _ in range(self.num_subsets))
        if 'temporal' in self.attention:
            self.conv_ta = nn.Conv1d(out_channels, 1, 9, padding=4)
        if 'spatial' in self.attention:
            kernel = num_joints if num_joints % 2 else num_joints - 1  # odd: keeps V
            self.conv_sa = nn.Conv1d(out_channels, 1, kernel, padding=(kernel - 1) // 2)
        if 'channel' in self.attention:
            self.fc1c = nn.Linear(out_channels, out_channels // 2)
            self.fc2c = nn.Linear(out_channels // 2, out_channels)
        self.down = nn.Identity() if in_channels == out_channels else nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1), nn.BatchNorm2d(out_channels))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()

    def init_weights(self) -> None:
        """The authors' initialisation: Kaiming convolutions, per-branch ``conv_d``, the output
        BN at 1e-6 (each unit starts near its residual) and attention gates that start even."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out')
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.constant_(self.bn.weight, 1e-6)
        for conv in self.conv_d:
            fan = conv.weight[0].numel() * conv.weight.size(0) * self.num_subsets
            nn.init.normal_(conv.weight, 0, math.sqrt(2. / fan))
        if 'temporal' in self.attention:
            nn.init.zeros_(self.conv_ta.weight)
            nn.init.zeros_(self.conv_ta.bias)
        if 'spatial' in self.attention:
            nn.init.xavier_normal_(self.conv_sa.weight)
            nn.init.zeros_(self.conv_sa.bias)
        if 'channel' in self.attention:
            nn.init.kaiming_normal_(self.fc1c.weight)
            nn.init.zeros_(self.fc1c.bias)
            nn.init.zeros_(self.fc2c.weight)
            nn.init.zeros_(self.fc2c.bias)

    def adjacency(self, x: torch.Tensor) -> torch.Tensor:
        """The adjacency of every subset for input ``x`` [N, C, T, V]: [N or 1, K, V, V]."""
        if not self.adaptive:
            return self.A[None]
        n, _, t, v = x.shape
        graphs = []
        for conv_a, conv_b in zip(self.conv_a, self.conv_b):
            theta = conv_a(x).permute(0, 3, 1, 2).reshape(n, v, self.inter_channels * t)
            phi = conv_b(x).reshape(n, self.inter_channels * t, v)
            graphs.append(torch.matmul(theta, phi) / theta.size(-1))
        data_graph = torch.stack(graphs, dim=1)  # N, K, V, V
        if self.adaptive == 'softmax':
            return self.A + self.PA + data_graph.softmax(dim=-2)
        return self.A + torch.tanh(data_graph) * self.alpha

    def attend(self, y: torch.Tensor) -> torch.Tensor:
        """Spatial, then temporal, then channel attention on ``y`` [N, C, T, V]."""
        if 'spatial' in self.attention:
            y = y * torch.sigmoid(self.conv_sa(y.mean(-2))).unsqueeze(-2) + y
        if 'temporal' in self.attention:
            y = y * torch.sigmoid(self.conv_ta(y.mean(-1))).unsqueeze(-1) + y
        if 'channel' in self.attention:
            weight = torch.sigmoid(self.fc2c(self.relu(self.fc1c(y.mean((-2, -1))))))
            y = y * weight[..., None, None] + y
        return y

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, t, v = x.shape
        graph = self.adjacency(x)
        flat = x.reshape(n, c * t, v)
        y = sum(conv(torch.matmul(flat, graph[:, k]).view(n, c, t, v))
                for k, conv in enumerate(self.conv_d))
        y = self.relu(self.bn(y) + self.down(x))
        return self.attend(y)


class AAGCNBlock(nn.Module):
    """:class:`UnitAAGCN`, a 9-frame :class:`UnitTCN` and a block residual (mmaction2's
    ``AAGCNBlock``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Adjacency [K, V, V].
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Use the block residual. Defaults to True.
        adaptive (bool | str): See :class:`UnitAAGCN`. Defaults to True.
        attention (bool | Sequence[str]): See :class:`UnitAAGCN`. Defaults to True.
        tcn_dropout (float): Dropout of the temporal convolution. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, stride: int = 1,
                 residual: bool = True, adaptive: Union[bool, str] = True,
                 attention: Union[bool, Sequence[str]] = True, tcn_dropout: float = 0.) -> None:
        super().__init__()
        self.gcn = UnitAAGCN(in_channels, out_channels, A, adaptive=adaptive,
                             attention=attention)
        self.tcn = UnitTCN(out_channels, out_channels, 9, stride=stride, dropout=tcn_dropout)
        self.relu = nn.ReLU()
        self.has_residual = residual
        self.residual = block_residual(in_channels, out_channels, stride) if residual \
            else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = self.residual(x) if self.has_residual else 0
        return self.relu(self.tcn(self.gcn(x)) + res)
