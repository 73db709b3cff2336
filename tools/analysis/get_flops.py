"""Print a config's parameters and FLOPs for one sample and one clip.

    python tools/analysis/get_flops.py CONFIG [--shape M T V C]
"""
import argparse

from mmengine.config import Config, DictAction

from mmskel.models.complexity import complexity


def parse_args():
    parser = argparse.ArgumentParser(description='Parameters and FLOPs of a model config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--shape', type=int, nargs=4, metavar=('M', 'T', 'V', 'C'),
                        help='input of one clip (default: from the test pipeline and backbone)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, as in tools/train.py')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    result = complexity(cfg, args.shape)
    m, t, v, c = result['shape']
    print(f'config: {args.config}')
    print(f'input: 1 sample, 1 clip, M={m} T={t} V={v} C={c}')
    print(f"params: {result['params'] / 1e6:.2f} M ({result['params']})")
    print(f"FLOPs: {result['flops'] / 1e9:.2f} G ({result['flops']}; a multiply-add counts once)")


if __name__ == '__main__':
    main()
