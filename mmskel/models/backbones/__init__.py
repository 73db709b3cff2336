from .aagcn import AAGCN
from .c3d import C3D
from .ctrgcn import CTRGCN, CTRGCNBlock
from .msagcn import MSAGCN, MSAGCNBlock
from .msg3d import MSG3D
from .mstgcn import MSTGCN, MSTGCNBlock
from .resnet3d_slowonly import Bottleneck3d, ResNet3dSlowOnly
from .stgcn import STGCN, STGCNBlock
from .x3d import X3D, BlockX3D

__all__ = ['AAGCN', 'BlockX3D', 'Bottleneck3d', 'C3D', 'CTRGCN', 'CTRGCNBlock', 'MSAGCN',
           'MSAGCNBlock', 'MSG3D', 'MSTGCN', 'MSTGCNBlock', 'ResNet3dSlowOnly', 'STGCN',
           'STGCNBlock', 'X3D']
