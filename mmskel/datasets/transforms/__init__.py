from .augment import RandomGaussianNoise, RandomRot, RandomScale
from .crop import CenterCrop, PoseCompact, RandomResizedCrop, Resize
from .features import GenSkeFeat, joint_to_bone, to_motion
from .flip import Flip
from .formatting import FormatGCNInput, FormatShape, PackActionInputs
from .heatmap import GeneratePoseTarget
from .normalize import MinMaxNormalize, PreNormalize2D, PreNormalize3D
from .sampling import PoseDecode, UniformSampleFrames

__all__ = ['GenSkeFeat', 'joint_to_bone', 'to_motion', 'FormatGCNInput', 'PackActionInputs',
           'MinMaxNormalize', 'PreNormalize2D', 'PreNormalize3D', 'PoseDecode',
           'RandomGaussianNoise', 'RandomRot', 'RandomScale', 'UniformSampleFrames',
           'CenterCrop', 'PoseCompact', 'RandomResizedCrop', 'Resize', 'Flip', 'FormatShape',
           'GeneratePoseTarget']
