"""PoseC3D pipelines run on fixed 2D samples, by mmskel or by mmaction2 1.2.0.

``python posec3d_cases.py OUT.npz`` (in ``.venv-mmaction2``) saves mmaction2's results;
``test_heatmap_parity.py`` runs the same cases with mmskel and compares.
"""
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / 'benchmarks'))
import heatmap_pipeline  # noqa: E402

# (mode, limb heatmaps, frames per clip, clips): the train pipeline flips with ratio 1 and
# draws its crop from seeded generators; the test pipeline appends the flipped copy
CASES = {'train_keypoint': ('train', False, 48, 1), 'train_limb': ('train', True, 48, 1),
         'test_keypoint': ('test', False, 12, 2), 'test_limb': ('test', True, 12, 2)}
KEYS = ('imgs', 'keypoint', 'img_shape', 'crop_quadruple')


def run_case(framework: str, name: str, index: int) -> dict:
    """``framework``'s results of case ``name`` on sample ``index``: the KEYS as arrays."""
    mode, limb, clip_len, num_clips = CASES[name]
    configs = heatmap_pipeline.pipeline(framework, mode, limb, flip_ratio=1., sample=False)
    compose = heatmap_pipeline.build(framework, configs[:-1])  # up to FormatShape
    sample = heatmap_pipeline.load_samples(heatmap_pipeline.SHARED / 'NW-UCLA' / 'all_sqe',
                                           2)[index]
    frames = clip_len * num_clips
    sample.update(keypoint=sample['keypoint'][:, :frames], total_frames=frames,
                  keypoint_score=sample['keypoint_score'][:, :frames], clip_len=clip_len,
                  num_clips=num_clips)
    np.random.seed(index)
    random.seed(index)
    results = compose(sample)
    return {key: np.ascontiguousarray(results[key]) for key in KEYS if key in results}


def main(out: str) -> None:
    arrays = {f'{name}/{index}/{key}': value for name in CASES for index in (0, 1)
              for key, value in run_case('mmaction2', name, index).items()}
    np.savez_compressed(out, **arrays)


if __name__ == '__main__':
    main(sys.argv[1])
