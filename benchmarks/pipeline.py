"""Samples per second of each model's train and test data pipeline, beside its training step's,
measured side by side in one run.

Real NTU RGB+D samples (``.skeleton`` files, read by mmskel's NTU reader) go through the train
and test pipelines of each model's NTU RGB+D 60 xsub joint config, in this one process (a
DataLoader worker does the same work); the training step is timed as ``benchmarks/models.py``
times it (float32, ``--batch`` clips of the config's clip length). A pipeline that keeps the
model fed gives at least 10 times the step's samples per second on the same cores.

Example:
    python benchmarks/pipeline.py --samples 200
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.dataset import Compose

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import CONFIGS, MODELS_TO_TIME, time_settings  # noqa: E402

from mmskel.datasets.converters.ntu import load_ntu_sample  # noqa: E402
from mmskel.models.input_spec import input_spec  # noqa: E402
from mmskel.registry import MODELS, TRANSFORMS  # noqa: E402
from mmskel.structures import ActionDataSample  # noqa: E402
from mmskel.utils import register_all_modules  # noqa: E402
from mmskel.utils.pipeline import pipeline_steps  # noqa: E402

SHARED = Path(os.environ.get('MMSKEL_SHARED_DATA',
                             Path(__file__).resolve().parents[2] / 'shared' / 'data'))
NTU_SAMPLES = SHARED / 'NTU-RGBD-skeleton-samples'


def load_samples(root: Path) -> list:
    files = sorted(root.rglob('*.skeleton'))
    if not files:
        sys.exit(f'error: no .skeleton files under {root} (--ntu-root)')
    return [load_ntu_sample(path) for path in files]


def pipeline_rate(cfg: Config, loader: str, samples: list, count: int) -> float:
    """Samples per second of ``cfg[loader]``'s pipeline over ``count`` samples (cycled)."""
    pipeline = Compose([TRANSFORMS.build(dict(step)) for step in
                        pipeline_steps(cfg[loader].dataset.pipeline)])
    test_mode = cfg[loader].dataset.get('test_mode', False)
    start = time.perf_counter()
    for i in range(count):
        sample = samples[i % len(samples)]
        if pipeline(dict(sample, test_mode=test_mode)) is None:
            raise RuntimeError(f'{loader} pipeline dropped {sample["frame_dir"]}')
    return count / (time.perf_counter() - start)


def step_rate(cfg: Config, batch: int, warmup: int, repeats: int) -> float:
    """Training samples per second of the model (float32, CPU)."""
    model = MODELS.build(cfg.model).train()
    spec = input_spec(cfg)
    inputs = torch.randn((batch, 1) + spec.shape)
    labels = [ActionDataSample().set_gt_label(i % cfg.model.cls_head.num_classes)
              for i in range(batch)]
    seconds = time_settings(model, ['fp32'], torch.device('cpu'), inputs, labels, warmup,
                            repeats)['fp32'][0]
    return batch / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ntu-root', type=Path, default=NTU_SAMPLES,  # ../shared/data's
                        help='folder with NTU .skeleton files (searched recursively)')
    parser.add_argument('--samples', type=int, default=200, help='samples per pipeline run')
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--models', nargs='+', default=list(MODELS_TO_TIME),
                        choices=list(MODELS_TO_TIME))
    args = parser.parse_args()
    register_all_modules()
    torch.manual_seed(0)
    samples = load_samples(args.ntu_root)
    print(f'{len(samples)} real NTU samples cycled {args.samples} times per pipeline; training '
          f'step batch {args.batch}, median of {args.repeats}; {torch.get_num_threads()} threads')
    print('| model | clip | train pipeline samples/s | test pipeline samples/s '
          '| training step samples/s | train pipeline / step |')
    print('|---|---|---|---|---|---|')
    ratios = []
    for name in args.models:
        cfg = Config.fromfile(str(CONFIGS / MODELS_TO_TIME[name]))
        train = pipeline_rate(cfg, 'train_dataloader', samples, args.samples)
        test = pipeline_rate(cfg, 'test_dataloader', samples, args.samples)
        step = step_rate(cfg, args.batch, args.warmup, args.repeats)
        ratios.append(train / step)
        print(f'| {name} | {input_spec(cfg).clip_len} | {train:.0f} | {test:.0f} | {step:.2f} | '
              f'{train / step:.0f}x |')
    print(f'smallest train pipeline / step: {min(ratios):.0f}x (goal: >= 10x); median '
          f'{statistics.median(ratios):.0f}x')


if __name__ == '__main__':
    main()
