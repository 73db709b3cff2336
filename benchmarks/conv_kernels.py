"""Time one temporal convolution of the GCN blocks in float32 and bfloat16, in NCHW and
channels-last memory, forward and forward + backward, side by side in one run.

This isolates the convolution kernels from the rest of a model: the tensors are made in the
dtype and layout under test, so no cast or layout change is timed. It answers whether a
lower-precision or another layout would speed up the convolutions, which take most of a GCN
training step (``benchmarks/models.py --profile``), on this machine.

Examples:
    python benchmarks/conv_kernels.py
    python benchmarks/conv_kernels.py --batch 32 --channels 256 --frames 25 --device cuda
"""
import argparse
import statistics
import time

import torch

DTYPES = {'fp32': torch.float32, 'bf16': torch.bfloat16, 'fp16': torch.float16}
LAYOUTS = {'nchw': torch.contiguous_format, 'channels_last': torch.channels_last}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, default=16, help='N * M (clips times persons)')
    parser.add_argument('--channels', type=int, default=128)
    parser.add_argument('--frames', type=int, default=50)
    parser.add_argument('--joints', type=int, default=25)
    parser.add_argument('--kernel', type=int, default=9, help='temporal kernel size')
    parser.add_argument('--dtypes', nargs='+', default=['fp32', 'bf16'], choices=list(DTYPES))
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return parser.parse_args()


class Case:
    """One convolution and its input in a dtype and memory layout."""

    def __init__(self, args, dtype: torch.dtype, layout: torch.memory_format) -> None:
        conv = torch.nn.Conv2d(args.channels, args.channels, (args.kernel, 1),
                               padding=(args.kernel // 2, 0))
        self.conv = conv.to(args.device, dtype, memory_format=layout)
        self.input = torch.randn(args.batch, args.channels, args.frames, args.joints,
                                 device=args.device, dtype=dtype).contiguous(memory_format=layout)
        self.sync = torch.cuda.synchronize if args.device.startswith('cuda') else (lambda: None)

    def forward(self) -> float:
        self.sync()
        start = time.perf_counter()
        with torch.no_grad():
            self.conv(self.input)
        self.sync()
        return time.perf_counter() - start

    def train(self) -> float:
        self.sync()
        start = time.perf_counter()
        self.conv(self.input.requires_grad_()).sum().backward()
        self.sync()
        return time.perf_counter() - start


def main() -> None:
    args = parse_args()
    cases = {(d, name): Case(args, DTYPES[d], layout)
             for d in args.dtypes for name, layout in LAYOUTS.items()}
    times = {(key, mode): [] for key in cases for mode in ('forward', 'train')}
    for repeat in range(args.repeats + 1):  # the first round is a warm-up
        for key, case in cases.items():
            for mode in ('forward', 'train'):
                seconds = getattr(case, mode)()
                if repeat:
                    times[key, mode].append(seconds)
    where = (torch.cuda.get_device_name() if args.device.startswith('cuda')
             else f'CPU, {torch.get_num_threads()} threads')
    print(f'Conv2d {args.channels}->{args.channels}, kernel ({args.kernel}, 1), input '
          f'[{args.batch}, {args.channels}, {args.frames}, {args.joints}] on {where}, torch '
          f'{torch.__version__}; median of {args.repeats} after 1 warm-up, in turn')
    first = f'{args.dtypes[0]} nchw'
    print(f'| dtype | layout | forward ms | forward + backward ms | forward x {first} | '
          f'forward + backward x {first} |')
    print('|---|---|---|---|---|---|')
    base = {mode: statistics.median(times[(args.dtypes[0], 'nchw'), mode])
            for mode in ('forward', 'train')}
    for key in cases:
        ms = {mode: statistics.median(times[key, mode]) for mode in ('forward', 'train')}
        print(f'| {key[0]} | {key[1]} | {1e3 * ms["forward"]:.2f} | {1e3 * ms["train"]:.2f} | '
              f'{base["forward"] / ms["forward"]:.2f}x | {base["train"] / ms["train"]:.2f}x |')


if __name__ == '__main__':
    main()
