"""What the GCN backbones that follow ST-GCN's layout share (pyskl's names): the stage plan,
the input check, and the graph, data BatchNorm and forward of :class:`StagedBackbone`."""
from typing import Iterable, List, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from ..graphs import Graph
from ..layers import build_data_bn, normalize_input


def stage_plan(base_channels: int, num_stages: int, inflate_stages: Sequence[int],
               down_stages: Sequence[int], ch_ratio: float = 2) -> List[Tuple[int, int, int]]:
    """``(in_channels, out_channels, stride)`` of stages 2 to ``num_stages``.

    Stage 1 has ``base_channels``; each stage in ``inflate_stages`` multiplies the channels by
    ``ch_ratio`` (rounded down from ``base_channels * ch_ratio ** k``), each stage in
    ``down_stages`` halves time (temporal stride 2).

    Example:
        >>> stage_plan(64, 4, inflate_stages=[3], down_stages=[3])
        [(64, 64, 1), (64, 128, 2), (128, 128, 1)]
    """
    plan, channels, inflate_times = [], base_channels, 0
    for stage in range(2, num_stages + 1):
        inflate_times += stage in inflate_stages
        out_channels = int(base_channels * ch_ratio ** inflate_times + 1e-6)
        plan.append((channels, out_channels, 1 + (stage in down_stages)))
        channels = out_channels
    return plan


def check_channels(name: str, x: torch.Tensor, in_channels: int) -> None:
    """Refuse an input ``[N, M, T, V, C]`` whose C is not the backbone's ``in_channels``."""
    if x.dim() != 5 or x.shape[-1] != in_channels:
        raise ValueError(f'{name} expects {in_channels} input channels, got input of shape '
                         f'{tuple(x.shape)} ([N, M, T, V, C])')


class StagedBackbone(BaseModule):
    """A backbone that normalises its input with a data BatchNorm, then runs blocks in order.

    Subclasses call :meth:`build_input` in their constructor and :meth:`run_blocks` in their
    forward; the blocks keep the subclass's own attribute name (``gcn``, ``layers``, ``net``),
    so that state-dict keys stay those of mmaction2's and pyskl's checkpoints.
    """

    def build_input(self, graph_cfg: dict, in_channels: int, data_bn_type: str,
                    num_persons: int) -> torch.Tensor:
        """Set ``graph``, ``in_channels``, ``data_bn_type``, ``num_persons`` and ``data_bn``.

        Args:
            graph_cfg (dict): :class:`~mmskel.models.graphs.Graph` arguments.
            in_channels (int): Input channels C.
            data_bn_type (str): ``'MVC'``, ``'VC'`` or ``'none'`` (see ``build_data_bn``).
            num_persons (int): Persons M.

        Returns:
            torch.Tensor: The graph's adjacency [K, V, V], float32.
        """
        self.graph = Graph(**graph_cfg)
        A = torch.tensor(self.graph.A, dtype=torch.float32)
        self.in_channels, self.data_bn_type = in_channels, data_bn_type
        self.num_persons = num_persons
        self.data_bn = build_data_bn(data_bn_type, num_persons, in_channels, A.size(1))
        return A

    def check_input(self, x: torch.Tensor) -> None:
        """Refuse an input whose channels are not ``in_channels``, naming the backbone."""
        check_channels(type(self).__name__, x, self.in_channels)

    def run_blocks(self, x: torch.Tensor, blocks: Iterable[nn.Module]) -> torch.Tensor:
        """Check ``x``, normalise it, fold persons into the batch and run ``blocks`` in order.

        Shape:
            x: [N, M, T, V, C] -> [N, M, C', T', V].
        """
        self.check_input(x)
        n, m = x.shape[:2]
        x = normalize_input(self.data_bn, x, self.data_bn_type)
        for block in blocks:
            x = block(x)
        return x.reshape((n, m) + x.shape[1:])
