"""Synchronised batch normalisation that also runs on the CPU (gloo).

``torch.nn.SyncBatchNorm`` refuses CPU tensors, and mmcv's ``MMSyncBN`` needs the compiled
``mmcv.ops``; so with ``sync_bn='torch'`` in a config, a CPU run launched on several processes
would fail at its first forward. :class:`SyncBatchNorm` here computes the batch statistics
over all processes with ``all_reduce`` calls (the count, the mean, then the squared deviations
from it, which is as exact as one process's two-pass statistics) and back-propagates through
them, so N processes of batch B normalise as one process of batch N * B does.
"""
from typing import Optional

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm


class _AllReduceSum(torch.autograd.Function):
    """Sum over processes; its gradient is the sum of the processes' gradients."""

    @staticmethod
    def forward(ctx, tensor: Tensor, group) -> Tensor:
        ctx.group = group
        tensor = tensor.clone()
        dist.all_reduce(tensor, group=group)
        return tensor

    @staticmethod
    def backward(ctx, grad: Tensor):
        grad = grad.clone()
        dist.all_reduce(grad, group=ctx.group)
        return grad, None


def all_reduce_sum(tensor: Tensor, group=None) -> Tensor:
    """Differentiable sum of ``tensor`` over the processes of ``group``."""
    return _AllReduceSum.apply(tensor, group)


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation over the batches of all processes, on any device.

    In training with an initialised process group the statistics are those of the union of
    the processes' batches; otherwise (evaluation, one process) it is plain batch norm.
    Input ``[N, C, *]``, as ``nn.BatchNorm1d/2d/3d``.

    Args: as :class:`torch.nn.SyncBatchNorm` (``num_features``, ``eps``, ``momentum``,
        ``affine``, ``track_running_stats``, ``process_group``).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 process_group=None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f'SyncBatchNorm expects input [N, C, *], got {input.dim()}D')

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        if not (self.training and dist.is_available() and dist.is_initialized()):
            return super().forward(input)
        dims = [0, *range(2, input.dim())]
        shape = [1, -1] + [1] * (input.dim() - 2)
        count = all_reduce_sum(input.new_tensor([input.numel() / input.size(1)]),
                               self.process_group)
        mean = all_reduce_sum(input.sum(dims), self.process_group) / count
        centred = input - mean.view(shape)
        var = all_reduce_sum(centred.square().sum(dims), self.process_group) / count
        if self.track_running_stats:
            self._update_running_stats(mean.detach(), var.detach(), count.item())
        out = centred * torch.rsqrt(var + self.eps).view(shape)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out

    @torch.no_grad()
    def _update_running_stats(self, mean: Tensor, var: Tensor, count: float) -> None:
        self.num_batches_tracked.add_(1)
        momentum = (1.0 / self.num_batches_tracked.item() if self.momentum is None
                    else self.momentum)
        unbiased = var * count / max(count - 1, 1)
        self.running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
        self.running_var.mul_(1 - momentum).add_(unbiased, alpha=momentum)


def convert_sync_batchnorm(module: nn.Module, process_group=None) -> nn.Module:
    """``module`` with every ``BatchNorm1d/2d/3d`` (and torch ``SyncBatchNorm``) replaced by
    :class:`SyncBatchNorm`, parameters and running statistics carried over."""
    if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
        converted = SyncBatchNorm(module.num_features, module.eps, module.momentum,
                                  module.affine, module.track_running_stats, process_group)
        converted.load_state_dict(module.state_dict())
        converted.train(module.training)
        return converted.to(next(iter(module.state_dict().values()), torch.empty(0)).device)
    for name, child in module.named_children():
        module.add_module(name, convert_sync_batchnorm(child, process_group))
    return module
