"""The block most GCN families share: a spatial (graph) module, a temporal module, the block
residual added, then ReLU."""
import torch
import torch.nn as nn

from .inplace import add_, relu_
from .tcn import block_residual


class GraphTemporalBlock(nn.Module):
    """``relu(temporal(spatial(x)) + residual(x))``.

    A family's block builds its spatial and temporal modules under the names its upstream
    checkpoints use (``parts``: spatial, then temporal), then calls :meth:`add_residual`, so
    the state dict keeps the upstream names and order.
    """

    parts = ('gcn', 'tcn')
    # the temporal module ends in a conv or BN (whose backward does not read its output), so
    # the residual can be added into its output; False where it ends in a ReLU
    temporal_output_free = True

    def add_residual(self, in_channels: int, out_channels: int, stride: int = 1,
                     residual: bool = True) -> None:
        """The block residual (:func:`block_residual`, or none) and the output ReLU."""
        self.relu = nn.ReLU()
        self.has_residual = residual
        self.residual = block_residual(in_channels, out_channels, stride) if residual \
            else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        spatial, temporal = (getattr(self, name) for name in self.parts)
        y = temporal(spatial(x))
        own = self.temporal_output_free  # whether y may be overwritten
        if self.has_residual:
            y = add_(y, self.residual(x)) if own else y + self.residual(x)
            own = True
        return relu_(y) if own else torch.relu(y)
