"""The block most GCN families share: a spatial (graph) module, a temporal module, the block
residual added, then ReLU."""
import torch
import torch.nn as nn

from .tcn import block_residual


class GraphTemporalBlock(nn.Module):
    """``relu(temporal(spatial(x)) + residual(x))``.

    A family's block builds its spatial and temporal modules under the names its upstream
    checkpoints use (``parts``: spatial, then temporal), then calls :meth:`add_residual`, so
    the state dict keeps the upstream names and order.
    """

    parts = ('gcn', 'tcn')

    def add_residual(self, in_channels: int, out_channels: int, stride: int = 1,
                     residual: bool = True) -> None:
        """The block residual (:func:`block_residual`, or none) and the output ReLU."""
        self.relu = nn.ReLU()
        self.has_residual = residual
        self.residual = block_residual(in_channels, out_channels, stride) if residual \
            else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        spatial, temporal = (getattr(self, name) for name in self.parts)
        res = self.residual(x) if self.has_residual else 0
        return self.relu(temporal(spatial(x)) + res)
