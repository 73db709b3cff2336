"""Forward + backward time per batch of every GCN model, measured side by side in one run.

Each model is built from its NTU RGB+D 60 xsub joint config (with ``num_frames`` set to the
benchmark's T where the model has a fixed clip length), put in training mode, and timed on a
random batch [N, 1, M, T, V, C] through ``loss`` and ``backward``. The table gives the median
over ``--repeats`` timed steps after ``--warmup`` untimed ones, and each model's ratio to ST-GCN.

Example:
    python benchmarks/models.py --batch 16 --frames 100 --repeats 3
"""
import argparse
import statistics
import time
from pathlib import Path

import torch
from mmengine.config import Config

from mmskel.models.complexity import complexity
from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample
from mmskel.utils import register_all_modules

CONFIGS = Path(__file__).resolve().parents[1] / 'configs' / 'skeleton'
MODELS_TO_TIME = {
    'ST-GCN': 'stgcn/stgcn_80e_ntu60_xsub_keypoint_3d.py',
    'ST-GCN++': 'stgcnpp/stgcnpp_80e_ntu60_xsub_keypoint_3d.py',
    'AAGCN': '2s-agcn/2sagcn_80e_ntu60_xsub_keypoint_3d.py',
    'CTR-GCN': 'ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py',
    'MS-G3D': 'msg3d/msg3d_50e_ntu60_xsub_keypoint_3d.py',
    'MST-GCN': 'mstgcn/mstgcn_110e_ntu60_xsub_keypoint_3d.py',
    'MSA-GCN': 'msagcn/msagcn_190e_ntu60_xsub_keypoint_3d.py',
}


def model_config(path: Path, frames: int) -> Config:
    cfg = Config.fromfile(str(path))
    if 'num_frames' in cfg.model.backbone:
        cfg.model.backbone.num_frames = frames
    return cfg


def time_steps(model, inputs, samples, warmup: int, repeats: int) -> list:
    times = []
    for step in range(warmup + repeats):
        start = time.perf_counter()
        model.zero_grad(set_to_none=True)
        loss = model(inputs, samples, mode='loss')['loss_cls']
        loss.backward()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--frames', type=int, default=100)
    parser.add_argument('--persons', type=int, default=2)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--models', nargs='+', default=list(MODELS_TO_TIME),
                        choices=list(MODELS_TO_TIME))
    args = parser.parse_args()
    register_all_modules()
    torch.manual_seed(0)
    shape = (args.batch, 1, args.persons, args.frames, 25, 3)
    print(f'batch {list(shape)} ([N, clips, M, T, V, C]), {torch.get_num_threads()} threads, '
          f'median of {args.repeats} steps after {args.warmup} warm-up')
    print(f"{'model':10s} {'params':>10s} {'GFLOPs/sample':>14s} {'s/batch':>8s} "
          f"{'x ST-GCN':>8s}")
    baseline = None
    for name in args.models:
        cfg = model_config(CONFIGS / MODELS_TO_TIME[name], args.frames)
        model = MODELS.build(cfg.model).train()
        inputs = torch.randn(shape)
        samples = [ActionDataSample().set_gt_label(i % cfg.model.cls_head.num_classes)
                   for i in range(args.batch)]
        seconds = statistics.median(time_steps(model, inputs, samples, args.warmup,
                                               args.repeats))
        baseline = baseline or seconds
        stats = complexity(cfg, (args.persons, args.frames, 25, 3))
        print(f"{name:10s} {stats['params']:>10,d} {stats['flops'] / 1e9:>14.2f} "
              f'{seconds:>8.2f} {seconds / baseline:>8.2f}')


if __name__ == '__main__':
    main()
