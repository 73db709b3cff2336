"""Input normalisation shared by the GCN backbones."""
import torch
import torch.nn as nn

DATA_BN_TYPES = ('MVC', 'VC', 'none')


def build_data_bn(bn_type: str, num_persons: int, channels: int, num_joints: int) -> nn.Module:
    """The ``data_bn`` of a GCN backbone: a BatchNorm1d over M*V*C features (``'MVC'``: each
    person has its own statistics), over V*C (``'VC'``: shared by persons) or none.

    Args:
        bn_type (str): ``'MVC'``, ``'VC'`` or ``'none'``.
        num_persons (int): Persons M.
        channels (int): Channels C per joint.
        num_joints (int): Joints V.

    Returns:
        nn.Module: ``nn.BatchNorm1d`` or ``nn.Identity``.
    """
    if bn_type not in DATA_BN_TYPES:
        raise ValueError(f'data_bn_type must be one of {DATA_BN_TYPES}, got {bn_type!r}')
    if bn_type == 'none':
        return nn.Identity()
    persons = num_persons if bn_type == 'MVC' else 1
    return nn.BatchNorm1d(persons * num_joints * channels)


def normalize_input(data_bn: nn.Module, x: torch.Tensor, bn_type: str) -> torch.Tensor:
    """Apply :func:`build_data_bn`'s module and fold persons into the batch.

    Shape:
        x: [N, M, T, V, C] -> [N * M, C, T, V].
    """
    n, m, t, v, c = x.shape
    x = x.permute(0, 1, 3, 4, 2).contiguous()  # N, M, V, C, T
    if bn_type == 'MVC':
        x = data_bn(x.view(n, m * v * c, t))
    else:
        x = data_bn(x.view(n * m, v * c, t))
    return x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).reshape(n * m, c, t, v)
