"""Forward + backward time per batch of every GCN model, measured side by side in one run, in
each of several settings (float32, mixed precision, channels-last, torch.compile).

Each model is built from its NTU RGB+D 60 xsub joint config (with ``num_frames`` set to the
benchmark's T where the model has a fixed clip length), put in training mode, and timed on a
random batch [N, 1, M, T, V, C] through ``loss``, ``backward`` and an SGD step. The settings of a
model take their steps in turn. The table gives the median over ``--repeats`` timed steps after
``--warmup`` untimed ones, each model's ratio to ST-GCN in the first setting, and each
setting's speed-up over the first one. A compiled model's
first step (the compilation) is reported separately.

Settings: ``fp32``; ``plain`` (fp32 without the in-place sums of
:mod:`mmskel.models.layers.inplace`, the plain computation); ``amp`` (bf16 autocast on the CPU,
fp16 autocast with loss scaling on CUDA, as ``--amp`` trains); ``bf16`` (bf16 autocast on any
device); ``channels_last`` (the model's 4-D weights in channels-last memory); ``compile``
(``torch.compile`` of the model). A setting named twice is run once.

Examples:
    python benchmarks/models.py --batch 16 --frames 100 --repeats 3
    python benchmarks/models.py --device cuda --batch 64 --settings fp32 amp channels_last
    python benchmarks/models.py --models ST-GCN CTR-GCN --profile 10
"""
import argparse
import copy
import statistics
import time
from pathlib import Path
from typing import Optional

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.config import Config

from mmskel.engine.amp import amp_dtype, autocast
from mmskel.models.complexity import complexity
from mmskel.models.layers.inplace import in_place
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
SETTINGS = ('fp32', 'plain', 'amp', 'bf16', 'channels_last', 'compile', 'fold_bn')


def model_config(path: Path, frames: int) -> Config:
    cfg = Config.fromfile(str(path))
    if 'num_frames' in cfg.model.backbone:
        cfg.model.backbone.num_frames = frames
    return cfg


def to_channels_last(model: torch.nn.Module) -> None:
    """Every 4-D parameter in channels-last memory, in place (``Module.to`` would also try the
    5-D ones, which channels-last does not take)."""
    for param in model.parameters():
        if param.dim() == 4:
            param.data = param.data.contiguous(memory_format=torch.channels_last)


class Step:
    """One training step of ``model`` in ``setting`` on ``device``: forward under autocast
    where the setting asks, backward (through a loss scaler for fp16) and an SGD update (``lr``);
    with ``inference``, the eval-mode forward to the logits without gradients instead. Extra
    ``forward_kwargs`` go to that forward (mmaction2's recognizers need ``stage='head'`` for the
    logits); benchmarks/compare_mmaction2.py times both kinds of step of one model."""

    def __init__(self, model, setting: str, device: torch.device, inference: bool = False,
                 lr: float = 1e-3, **forward_kwargs):
        self.device, self.inference, self.forward_kwargs = device, inference, forward_kwargs
        self.dtype = {'amp': amp_dtype(device.type), 'bf16': torch.bfloat16}.get(setting)
        if inference:
            model.eval()
        if setting == 'channels_last':
            to_channels_last(model)
        if setting == 'fold_bn':
            fuse_conv_bn(model)
        self.model = torch.compile(model) if setting == 'compile' else model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        self.scaler = torch.amp.GradScaler(device.type, enabled=self.dtype == torch.float16)
        self.in_place = setting != 'plain'
        self.logits = None

    def __call__(self, inputs, samples, inference: Optional[bool] = None) -> float:
        """Seconds for one step (the device synchronised at both ends), a training step or an
        inference one as ``inference`` says (default: as built)."""
        inference = self.inference if inference is None else inference
        self.model.train(not inference)
        sync = torch.cuda.synchronize if self.device.type == 'cuda' else (lambda: None)
        sync()
        start = time.perf_counter()
        if inference:
            with torch.inference_mode(), autocast(self.device.type, self.dtype):
                self.logits = self.model(inputs, mode='tensor', **self.forward_kwargs)
        else:
            self.train(inputs, samples)
        sync()
        return time.perf_counter() - start

    def train(self, inputs, samples) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        with autocast(self.device.type, self.dtype), in_place(self.in_place):
            loss = self.model(inputs, samples, mode='loss')['loss_cls']
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()


def time_settings(model, settings, device, inputs, samples, warmup, repeats, inference=False):
    """{setting: (median seconds per step, seconds of the first step, the last step's logits
    in inference)}, the settings' steps taken in turn so that a change in the machine's load
    touches them all alike."""
    steps = {s: Step(copy.deepcopy(model), s, device, inference) for s in settings}
    first = {s: step(inputs, samples) for s, step in steps.items()}
    times = {s: [] for s in settings}
    for _ in range(max(warmup - 1, 0) + repeats):
        for setting, step in steps.items():
            times[setting].append(step(inputs, samples))
    return {s: (statistics.median(times[s][-repeats:]), first[s], steps[s].logits)
            for s in settings}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--frames', type=int, default=100)
    parser.add_argument('--persons', type=int, default=2)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--settings', nargs='+', default=['fp32'], choices=SETTINGS)
    parser.add_argument('--models', nargs='+', default=list(MODELS_TO_TIME),
                        choices=list(MODELS_TO_TIME))
    parser.add_argument('--profile', type=int, default=0, metavar='ROWS',
                        help='also profile one step of each model in the first setting '
                        '(torch.profiler) and print its ROWS most expensive operators')
    parser.add_argument('--inference', action='store_true',
                        help='time the eval-mode forward to the logits without gradients '
                        'instead of a training step, and compare the logits of the settings')
    args = parser.parse_args()
    if 'fold_bn' in args.settings and not args.inference:
        parser.error('fold_bn (batch norm folded into the convolutions) needs --inference')
    return args


def profile(model, setting, device, inputs, samples, rows: int, inference: bool) -> str:
    """The ``rows`` operators of one step with the most self time, and their share of it."""
    step = Step(copy.deepcopy(model), setting, device, inference)
    step(inputs, samples)  # warm-up
    activities = [torch.profiler.ProfilerActivity.CPU]
    if device.type == 'cuda':
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    with torch.profiler.profile(activities=activities) as prof:
        step(inputs, samples)
    events = prof.key_averages()
    total = sum(e.self_device_time_total if device.type == 'cuda' else e.self_cpu_time_total
                for e in events)
    events = sorted(events, reverse=True, key=lambda e: e.self_device_time_total
                    if device.type == 'cuda' else e.self_cpu_time_total)
    lines = ['| operator | calls | self ms | share |', '|---|---|---|---|']
    for event in events[:rows]:
        self_time = (event.self_device_time_total if device.type == 'cuda'
                     else event.self_cpu_time_total)
        lines.append(f'| {event.key} | {event.count} | {self_time / 1e3:.1f} | '
                     f'{100 * self_time / total:.1f}% |')
    return '\n'.join(lines)


def logit_differences(timed, first: str) -> dict:
    """{setting: largest |logit - first setting's logit| / largest |first setting's logit|}."""
    reference = timed[first][2].float()
    scale = reference.abs().max()
    return {setting: float((logits.float() - reference).abs().max() / scale)
            for setting, (_, _, logits) in timed.items() if setting != first}


def describe(args, device) -> str:
    where = (torch.cuda.get_device_name(device) if device.type == 'cuda'
             else f'CPU, {torch.get_num_threads()} threads')
    what = 'inference (eval forward, no gradients)' if args.inference else 'training step'
    return (f'{what}, batch [{args.batch}, 1, {args.persons}, {args.frames}, 25, 3] ([N, clips, '
            f'M, T, V, C]) on {where}, torch {torch.__version__}; median of {args.repeats} '
            f'steps after {args.warmup} warm-up')


def main():
    args = parse_args()
    register_all_modules()
    torch.manual_seed(0)
    device = torch.device(args.device)
    print(describe(args, device))
    first = args.settings[0]
    columns = [f's/batch {s}' for s in args.settings] + ['x ST-GCN'] + [
        f'{s}/{first}' for s in args.settings[1:]]
    print('| model | params | GFLOPs/sample | ' + ' | '.join(columns) + ' |')
    print('|---' * (3 + len(columns)) + '|')
    baseline, compile_times, profiles, differences = None, {}, {}, {}
    inputs = torch.randn(args.batch, 1, args.persons, args.frames, 25, 3, device=device)
    for name in args.models:
        cfg = model_config(CONFIGS / MODELS_TO_TIME[name], args.frames)
        model = MODELS.build(cfg.model).to(device).train()
        samples = [ActionDataSample().set_gt_label(i % cfg.model.cls_head.num_classes).to(device)
                   for i in range(args.batch)]
        timed = time_settings(model, args.settings, device, inputs, samples, args.warmup,
                              args.repeats, args.inference)
        seconds = {setting: median for setting, (median, _, _) in timed.items()}
        if args.inference:
            differences[name] = logit_differences(timed, first)
        if 'compile' in timed:
            compile_times[name] = timed['compile'][1]
        baseline = baseline or seconds[first]
        stats = complexity(cfg, (args.persons, args.frames, 25, 3))
        cells = [f'{seconds[s]:.3f}' for s in args.settings] + [f'{seconds[first] / baseline:.2f}']
        cells += [f'{seconds[first] / seconds[s]:.2f}x' for s in args.settings[1:]]
        print(f"| {name} | {stats['params']:,d} | {stats['flops'] / 1e9:.2f} | "
              + ' | '.join(cells) + ' |')
        if args.profile:
            profiles[name] = profile(model, first, device, inputs, samples, args.profile,
                                     args.inference)
    for name, seconds in compile_times.items():
        print(f'{name}: first compiled step (compilation included) {seconds:.1f} s')
    for name, diffs in differences.items():
        print(f'{name}: largest logit difference from {first}, relative to its largest logit: '
              + ', '.join(f'{s} {d:.1e}' for s, d in diffs.items()))
    for name, table in profiles.items():
        print(f'\n{name}, one step in {first}, operators by self time:\n\n{table}')


if __name__ == '__main__':
    main()
