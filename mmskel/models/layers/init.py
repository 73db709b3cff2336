"""The weight initialisation the GCN authors share, as an mmengine ``init_cfg``."""
import torch.nn as nn
from mmengine.model import initialize

# Kaiming (fan-out) convolutions with zero bias, batch norms at weight 1 and bias 0: the
# initialisation of 2s-AGCN, CTR-GCN and MSA-GCN (their blocks then adjust a few layers).
CONV_BN_INIT = [
    dict(type='Kaiming', layer='Conv2d', mode='fan_out', bias=0),
    dict(type='Constant', layer=['BatchNorm1d', 'BatchNorm2d'], val=1, bias=0),
]


def init_conv_bn(module: nn.Module) -> None:
    """Apply :data:`CONV_BN_INIT` to every convolution and batch norm inside ``module``."""
    initialize(module, CONV_BN_INIT)
