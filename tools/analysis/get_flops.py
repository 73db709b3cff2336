"""Print a config's parameters and FLOPs for one sample and one clip.

    python tools/analysis/get_flops.py CONFIG [--shape M T V C]

A heatmap config (PoseC3D) takes one volume of C heatmaps, T frames, H x W pixels: its
``--shape`` is C T H W.
"""
import argparse

from mmengine.config import Config, DictAction

from mmskel.models.complexity import complexity
from mmskel.models.input_spec import input_spec
from mmskel.utils.data_vars import apply_data_vars


def parse_args():
    parser = argparse.ArgumentParser(description='Parameters and FLOPs of a model config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--shape', type=int, nargs=4, metavar='N',
                        help='input of one clip: M T V C, or C T H W for a heatmap config '
                             '(default: from the test pipeline and backbone)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, as in tools/train.py')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    apply_data_vars(cfg)  # a child config's clip_len, num_persons, ... (docs/configs.md)
    result = complexity(cfg, args.shape)
    axes = 'CTHW' if input_spec(cfg).heatmap_size else 'MTVC'
    print(f'config: {args.config}')
    print('input: 1 sample, 1 clip, ' +
          ' '.join(f'{axis}={size}' for axis, size in zip(axes, result['shape'])))
    print(f"params: {result['params'] / 1e6:.2f} M ({result['params']})")
    print(f"FLOPs: {result['flops'] / 1e9:.2f} G ({result['flops']}; a multiply-add counts once)")


if __name__ == '__main__':
    main()
