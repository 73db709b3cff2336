"""Blocks of CTR-GCN (Chen et al., "Channel-wise Topology Refinement Graph Convolution for
Skeleton-Based Action Recognition", ICCV 2021), with pyskl's and mmaction2 1.x's parameter names
(``CTRGC``, ``unit_ctrgcn``) so that their checkpoints load with ``strict=True``; their ``MSTCN``
is :class:`~mmskel.models.layers.MultiScaleTemporalConv`."""
import torch
import torch.nn as nn


def init_convs_and_norms(module: nn.Module) -> None:
    """Kaiming (fan-out) convolutions with zero bias, BatchNorm weight 1 and bias 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode='fan_out')
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


class CTRGC(nn.Module):
    """Channel-wise topology refinement graph convolution for one adjacency subset.

    Two 1x1 convolutions (``conv1``, ``conv2``) reduce the time-averaged features to R
    channels; ``tanh`` of their pairwise joint differences, lifted to C' channels by ``conv4``
    and scaled by ``alpha``, refines the shared topology A into one topology per channel and
    sample, which aggregates the ``conv3`` features.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        rel_reduction (int): R = C / rel_reduction (R = 8 when C <= 16). Defaults to 8.

    Shape:
        x: [N, C, T, V], A: [V, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, rel_reduction: int = 8) -> None:
        super().__init__()
        rel_channels = 8 if in_channels <= 16 else in_channels // rel_reduction
        self.conv1 = nn.Conv2d(in_channels, rel_channels, 1)
        self.conv2 = nn.Conv2d(in_channels, rel_channels, 1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.conv4 = nn.Conv2d(rel_channels, out_channels, 1)
        self.tanh = nn.Tanh()

    def forward(self, x: torch.Tensor, A: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        q, k = self.conv1(x).mean(-2), self.conv2(x).mean(-2)  # N, R, V
        relation = self.tanh(q.unsqueeze(-1) - k.unsqueeze(-2))  # N, R, V, V
        topology = self.conv4(relation) * alpha + A[None, None]  # N, C', V, V
        return torch.einsum('ncuv,nctu->nctv', topology, self.conv3(x))


class UnitCTRGCN(nn.Module):
    """CTR-GC over K adjacency subsets, summed, then BN, residual and ReLU (``unit_ctrgcn``).

    The shared topology ``A`` is a learnable parameter initialised from the graph; ``alpha``
    (initially 0) scales the channel-wise refinements of every subset.

    Args:
        in_channels (int): Input channels C.
        out_channels (int): Output channels C'.
        A (torch.Tensor): Adjacency [K, V, V].

    Shape:
        x: [N, C, T, V] -> [N, C', T, V].
    """

    def __init__(self, in_channels: int, out_channels: int, A: torch.Tensor) -> None:
        super().__init__()
        self.convs = nn.ModuleList(CTRGC(in_channels, out_channels) for _ in range(A.size(0)))
        if in_channels != out_channels:
            self.down = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1),
                                      nn.BatchNorm2d(out_channels))
        else:
            self.down = nn.Identity()
        self.A = nn.Parameter(A.clone())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()

    def init_weights(self) -> None:
        """The paper's initialisation; the output BN starts near zero (weight 1e-6)."""
        init_convs_and_norms(self)
        nn.init.constant_(self.bn.weight, 1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = sum(conv(x, self.A[k], self.alpha) for k, conv in enumerate(self.convs))
        return self.relu(self.bn(y) + self.down(x))
