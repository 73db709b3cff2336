from .augment import RandomGaussianNoise, RandomRot, RandomScale
from .features import GenSkeFeat, joint_to_bone, to_motion
from .formatting import FormatGCNInput, PackActionInputs
from .normalize import MinMaxNormalize, PreNormalize2D, PreNormalize3D
from .sampling import PoseDecode, UniformSampleFrames

__all__ = ['GenSkeFeat', 'joint_to_bone', 'to_motion', 'FormatGCNInput', 'PackActionInputs',
           'MinMaxNormalize', 'PreNormalize2D', 'PreNormalize3D', 'PoseDecode',
           'RandomGaussianNoise', 'RandomRot', 'RandomScale', 'UniformSampleFrames']
