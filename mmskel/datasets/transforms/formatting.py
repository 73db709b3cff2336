"""Shape samples into model inputs and pack them with their data sample."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmskel.registry import TRANSFORMS
from mmskel.structures import ActionDataSample
from mmskel.utils.aliases import renamed_kwargs


def as_tensor(array: np.ndarray) -> torch.Tensor:
    """A tensor sharing ``array``'s memory; copied only where torch cannot share it (negative
    strides). A heatmap volume stays the strided view FormatShape made, as in mmaction2: the
    batch ``torch.stack`` makes it contiguous, and a copy here would double the work of a
    10-clip test sample."""
    if any(stride < 0 for stride in array.strides):
        array = np.ascontiguousarray(array)
    return torch.from_numpy(array)


@TRANSFORMS.register_module()
class FormatGCNInput(BaseTransform):
    """Fix the person count and split clips: [M, nc * T, V, C] -> [nc, num_persons, T, V, C].

    Extra persons are dropped; missing ones are zeros (``mode='zero'``) or copies of the
    present persons (``mode='loop'``).

    Required keys: ``keypoint``, ``num_clips`` (optional, default 1). Modified keys: ``keypoint``.

    Args:
        num_persons (int): Persons per clip. Defaults to 2.
        mode (str): ``'zero'`` or ``'loop'`` padding. Defaults to ``'zero'``.
    """

    @renamed_kwargs(num_person='num_persons')  # mmaction2/pyskl configs
    def __init__(self, num_persons: int = 2, mode: str = 'zero') -> None:
        if mode not in ('zero', 'loop'):
            raise ValueError(f"mode must be 'zero' or 'loop', got {mode!r}")
        self.num_persons, self.mode = num_persons, mode

    def transform(self, results: dict) -> dict:
        keypoint = results['keypoint']
        if 'keypoint_score' in results:  # scores not turned into a channel by GenSkeFeat
            keypoint = np.concatenate([keypoint, results.pop('keypoint_score')[..., None]], -1)
        persons = keypoint.shape[0]
        if persons < self.num_persons:
            missing = self.num_persons - persons
            if self.mode == 'loop' and persons > 0:
                pad = keypoint[np.arange(missing) % persons]
            else:
                pad = np.zeros((missing,) + keypoint.shape[1:], dtype=keypoint.dtype)
            keypoint = np.concatenate([keypoint, pad], axis=0)
        keypoint = keypoint[:self.num_persons]
        num_clips = results.get('num_clips', 1)
        m, t, v, c = keypoint.shape
        if t % num_clips:
            raise ValueError(f'{t} frames cannot be split into {num_clips} clips')
        keypoint = keypoint.reshape(m, num_clips, t // num_clips, v, c).transpose(1, 0, 2, 3, 4)
        results['keypoint'] = np.ascontiguousarray(keypoint, dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(num_persons={self.num_persons}, mode={self.mode!r})'


@TRANSFORMS.register_module()
class FormatShape(BaseTransform):
    """Split heatmap frames into clips: [n * T, K, H, W] -> [n, K, T, H, W] (mmaction2's
    ``'NCTHW_Heatmap'``), n = crops (2 with ``double``) x ``num_clips``, T = ``clip_len``.

    Required keys: ``imgs``, ``num_clips``, ``clip_len``. Modified keys: ``imgs``. Added keys:
    ``input_shape``.

    Args:
        input_format (str): ``'NCTHW_Heatmap'``, the only format of pose heatmaps.
    """

    def __init__(self, input_format: str = 'NCTHW_Heatmap') -> None:
        if input_format != 'NCTHW_Heatmap':
            raise ValueError(f"FormatShape: input_format must be 'NCTHW_Heatmap' (pose "
                             f'heatmaps), got {input_format!r}')
        self.input_format = input_format

    def transform(self, results: dict) -> dict:
        missing = [key for key in ('imgs', 'num_clips', 'clip_len') if key not in results]
        if missing:
            raise KeyError(f'FormatShape needs {missing} (GeneratePoseTarget and '
                           'UniformSampleFrames add them)')
        imgs, num_clips, clip_len = results['imgs'], results['num_clips'], results['clip_len']
        if imgs.ndim != 4 or imgs.shape[0] % (num_clips * clip_len):
            raise ValueError(f'FormatShape: "imgs" {imgs.shape} must be [n * num_clips * '
                             f'clip_len, K, H, W] with num_clips={num_clips}, '
                             f'clip_len={clip_len}')
        clips = imgs.reshape((-1, num_clips, clip_len) + imgs.shape[1:]).transpose(
            0, 1, 3, 2, 4, 5)  # [n_crops, num_clips, K, T, H, W]
        imgs = clips.reshape((-1, ) + clips.shape[2:])
        results['imgs'], results['input_shape'] = imgs, imgs.shape
        return results

    def __repr__(self) -> str:
        return f"{type(self).__name__}(input_format='{self.input_format}')"


@TRANSFORMS.register_module()
class PackActionInputs(BaseTransform):
    """Pack ``imgs`` (heatmaps) or else ``keypoint`` into ``inputs`` and the label and meta keys
    into an ActionDataSample.

    Args:
        meta_keys (Sequence[str]): Keys copied into the data sample's meta info when present.
    """

    def __init__(self, meta_keys: Sequence[str] = ('frame_dir', 'total_frames', 'img_shape',
                                                   'clip_len', 'num_clips')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        key = 'imgs' if 'imgs' in results else 'keypoint'
        if key not in results:
            raise KeyError('PackActionInputs needs "imgs" or "keypoint" in the sample')
        data_sample = ActionDataSample()
        if 'label' in results:
            data_sample.set_gt_label(results['label'])
        data_sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=as_tensor(results[key]),
                    data_samples=data_sample)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(meta_keys={self.meta_keys})'
