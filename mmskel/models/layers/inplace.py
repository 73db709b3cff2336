"""In-place arithmetic in forward passes, where autograd allows it: adding to the output of a
convolution, BatchNorm or einsum (whose backward does not read its output) and the ReLU that
follows.
Saves an allocation per add without changing a result; ``in_place(False)`` turns it off, so
tests and benchmarks can compare with the plain computation."""
import contextlib

import torch

_state = {'enabled': True}


@contextlib.contextmanager
def in_place(enabled: bool):
    """Within the block, the helpers below work in place (True) or out of place (False)."""
    previous, _state['enabled'] = _state['enabled'], enabled
    try:
        yield
    finally:
        _state['enabled'] = previous


def add_(y: torch.Tensor, z) -> torch.Tensor:
    """``y + z``, into ``y`` where in-place is on (``y`` must be a conv, BN or einsum
    output)."""
    return y.add_(z) if _state['enabled'] else y + z


def relu_(y: torch.Tensor) -> torch.Tensor:
    """``relu(y)``, into ``y`` where in-place is on."""
    return torch.relu_(y) if _state['enabled'] else torch.relu(y)
