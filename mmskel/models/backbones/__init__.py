from .aagcn import AAGCN
from .ctrgcn import CTRGCN, CTRGCNBlock
from .msagcn import MSAGCN, MSAGCNBlock
from .msg3d import MSG3D
from .mstgcn import MSTGCN, MSTGCNBlock
from .stgcn import STGCN, STGCNBlock

__all__ = ['AAGCN', 'CTRGCN', 'CTRGCNBlock', 'MSAGCN', 'MSAGCNBlock', 'MSG3D', 'MSTGCN',
           'MSTGCNBlock', 'STGCN', 'STGCNBlock']
