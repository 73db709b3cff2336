"""AAGCN backbone: 2s-AGCN (Shi, Zhang, Cheng and Lu, "Two-Stream Adaptive Graph Convolutional
Networks for Skeleton-Based Action Recognition", CVPR 2019) and its attention-enhanced version
(MS-AAGCN, "Skeleton-Based Action Recognition with Multi-Stream Adaptive Graph Convolutional
Networks", IEEE TIP 2020), in mmaction2 1.x's structure and parameter names so that its and
pyskl's checkpoints load with ``strict=True``: the adaptive graph convolution
:class:`UnitAAGCN` (``unit_aagcn``), the block :class:`AAGCNBlock` and the backbone."""
import math
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn

from mmskel.registry import MODELS
from mmskel.utils.aliases import renamed_kwargs
from ..layers import GraphTemporalBlock, subset_conv
from ..layers.init import init_conv_bn
from ..layers.inplace import add_, relu_
from ..layers.tcn import UnitTCN
from .stages import StagedBackbone, stage_plan

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
    STC attention. The adjacency of subset k is, by ``adaptive`` (as in every mmskel backbone,
    None for the fixed graph or the name of how it is learned):

    * ``'tanh'`` (MS-AAGCN, TIP 2020; mmaction2's and pyskl's ``adaptive=True``, which is taken
      too): ``A_k + alpha * tanh(C_k)``, where
      ``A`` is a parameter initialised from the graph (the paper's A + B merged), ``alpha``
      starts at 0 and ``C_k = theta(x)^T phi(x) / (C_e T)`` is the data-dependent graph of the
      embeddings ``conv_a`` / ``conv_b``.
    * ``'softmax'`` (2s-AGCN, CVPR 2019; the authors' ``agcn.py``): ``A_k + PA_k +
      softmax(C_k)``, with the graph ``A`` fixed and the learned offset ``PA`` starting at 1e-6.
    * ``None`` (or ``False``): the fixed graph ``A``.

    Attention (each gate ``x * sigmoid(.) + x``): spatial (``conv_sa``, a 1D convolution over
    joints of the time-averaged features), temporal (``conv_ta``, over frames of the
    joint-averaged features), channel (``fc1c`` -> ReLU -> ``fc2c`` on the global average).

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].
        coff_embedding (int): ``C_e = C' // coff_embedding`` embedding channels. Defaults to 4.
        adaptive (str, optional): ``'tanh'``, ``'softmax'`` or None (see above; True and False
            are read as ``'tanh'`` and None). Defaults to ``'tanh'``.
        attention (bool | Sequence[str]): ``True`` for all of ``('spatial', 'temporal',
            'channel')``, ``False`` for none, or the parts to use. Defaults to True.

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor,
                 coff_embedding: int = 4, adaptive: Union[str, bool, None] = 'tanh',
                 attention: Union[bool, Sequence[str]] = True) -> None:
        super().__init__()
        if isinstance(adaptive, bool):  # mmaction2's and pyskl's switch
            adaptive = 'tanh' if adaptive else None
        if adaptive not in (None, 'tanh', 'softmax'):
            raise ValueError(f"adaptive must be None, 'tanh' or 'softmax', got {adaptive!r}")
        self.adaptive, self.attention = adaptive, _attention_parts(attention)
        self.num_subsets, num_joints = A.size(0), A.size(-1)
        self.inter_channels = out_channels // coff_embedding
        self.conv_d = nn.ModuleList(
            nn.Conv2d(in_channels, out_channels, 1) for _ in range(self.num_subsets))
        if adaptive == 'tanh':
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
        init_conv_bn(self)
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
        # sum_k conv_d[k](x A_k) as one matmul and one convolution
        weight = torch.stack([conv.weight[:, :, 0, 0] for conv in self.conv_d], dim=-1)
        bias = sum(conv.bias for conv in self.conv_d)
        y = subset_conv(x, self.adjacency(x), weight, bias)
        y = relu_(add_(self.bn(y), self.down(x)))
        return self.attend(y)


class AAGCNBlock(GraphTemporalBlock):
    """:class:`UnitAAGCN`, a 9-frame :class:`UnitTCN` and a block residual (mmaction2's
    ``AAGCNBlock``).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        A (torch.Tensor): Adjacency [K, V, V].
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Use the block residual. Defaults to True.
        adaptive (str, optional): See :class:`UnitAAGCN`. Defaults to ``'tanh'``.
        attention (bool | Sequence[str]): See :class:`UnitAAGCN`. Defaults to True.
        tcn_dropout (float): Dropout of the temporal convolution. Defaults to 0.

    Shape:
        x: [N, C, T, V] -> [N, C', T / stride, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor, stride: int = 1,
                 residual: bool = True, adaptive: Union[str, bool, None] = 'tanh',
                 attention: Union[bool, Sequence[str]] = True, tcn_dropout: float = 0.) -> None:
        super().__init__()
        self.gcn = UnitAAGCN(in_channels, out_channels, A, adaptive=adaptive,
                             attention=attention)
        self.tcn = UnitTCN(out_channels, out_channels, 9, stride=stride, dropout=tcn_dropout)
        self.add_residual(in_channels, out_channels, stride, residual)


@MODELS.register_module()
class AAGCN(StagedBackbone):
    """AAGCN backbone: data BatchNorm, then ``num_stages`` :class:`AAGCNBlock`.

    With the defaults: 10 blocks, 64 -> 128 -> 256 channels (doubled at stages 5 and 8),
    temporal stride 2 at stages 5 and 8 (T -> T / 4), adaptive graphs and STC attention in every
    block (MS-AAGCN). ``attention=False`` gives the 2s-AGCN network that mmaction2 trains;
    ``attention=False, adaptive='softmax'`` the CVPR 2019 graph formulation.

    Args:
        graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments, e.g.
            ``dict(layout='nturgb+d', mode='spatial')``.
        in_channels (int): Input channels C. Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 64.
        data_bn_type (str): ``'MVC'`` (BatchNorm over M*V*C, the papers'), ``'VC'`` or
            ``'none'``. Defaults to ``'MVC'``.
        ch_ratio (float): Channel multiplier at inflate stages. Defaults to 2.
        num_persons (int): Persons M; with ``'MVC'`` the input must have exactly M. Defaults to 2.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Stages that multiply channels. Defaults to (5, 8).
        down_stages (Sequence[int]): Stages with temporal stride 2. Defaults to (5, 8).
        adaptive (str, optional): Graph learning of every block, see :class:`UnitAAGCN`:
            ``'tanh'``, ``'softmax'`` or None (True and False are taken). Defaults to ``'tanh'``.
        attention (bool | Sequence[str]): STC attention of every block: True, False or some of
            ``('spatial', 'temporal', 'channel')``. Defaults to True.
        tcn_dropout (float): Dropout in the temporal convolutions (not the first block's).
            Defaults to 0.
        init_cfg (dict | list, optional): mmengine initialisation config, applied after the
            authors' initialisation (e.g. ``Pretrained``).

    Shape:
        x: [N, M, T, V, C] -> [N, M, C', T', V].

    Example:
        >>> model = AAGCN(dict(layout='nturgb+d', mode='spatial'))
        >>> model(torch.randn(2, 2, 32, 25, 3)).shape
        torch.Size([2, 2, 256, 8, 25])
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, graph_cfg: dict, in_channels: int = 3, base_channels: int = 64,
                 data_bn_type: str = 'MVC', ch_ratio: float = 2, num_persons: int = 2,
                 num_stages: int = 10, inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8), adaptive: Union[str, bool, None] = 'tanh',
                 attention: Union[bool, Sequence[str]] = True, tcn_dropout: float = 0.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        A = self.build_input(graph_cfg, in_channels, data_bn_type, num_persons)
        self.register_buffer('A', A)  # mmaction2 keeps the graph in the state dict
        block_args = dict(adaptive=adaptive, attention=attention)
        blocks = []
        if in_channels != base_channels:  # the first stage maps C -> base_channels, no residual
            blocks.append(AAGCNBlock(in_channels, base_channels, A, 1, residual=False,
                                     **block_args))
        plan = stage_plan(base_channels, num_stages, inflate_stages, down_stages, ch_ratio)
        blocks += [AAGCNBlock(c_in, c_out, A, stride, tcn_dropout=tcn_dropout, **block_args)
                   for c_in, c_out, stride in plan]
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = plan[-1][1] if plan else base_channels

    def init_weights(self) -> None:
        """The authors' initialisation (Kaiming convolutions, unit BN, :meth:`UnitAAGCN.
        init_weights`), then ``init_cfg``."""
        init_conv_bn(self)
        for m in self.modules():  # a second pass: the units' own rules win
            if isinstance(m, UnitAAGCN):
                m.init_weights()
        super().init_weights()

    def check_input(self, x: torch.Tensor) -> None:
        """The channels, and with ``'MVC'`` data BatchNorm the persons."""
        super().check_input(x)
        if self.data_bn_type == 'MVC' and x.shape[1] != self.num_persons:
            raise ValueError(f"AAGCN with data_bn_type='MVC' expects num_persons={self.num_persons}"
                             f' persons, got input of shape {tuple(x.shape)} ([N, M, T, V, C])')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.run_blocks(x, self.gcn)
