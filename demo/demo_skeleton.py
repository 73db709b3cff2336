"""Recognise the action in a skeleton sequence and optionally render it with the prediction.

    python demo/demo_skeleton.py INPUT CONFIG CHECKPOINT [--out-gif result.gif] [--device cpu]

INPUT is a ``.npy``/``.npz``/``.json`` keypoint file ([T, V, C] or [M, T, V, C]), a ``.pkl``
(one sample, or an annotation file with ``--sample ID|INDEX``) or a raw ``.txt``/``.csv`` file
of one person, read as the custom converter reads it (``--text-rows``, ``--text-columns``; the
joints a frame has are the layout's); CHECKPOINT a path, URL or zoo model name. Prints the
top-5 classes with their scores. The input's joints must follow the config's layout: an
annotation file's own ``layout``, or ``--layout NAME|FILE.json``, is checked against it (the
joint count alone does not tell the order); the GIF draws the config's layout.
"""
import argparse
import sys

from mmengine.config import DictAction

from mmskel.apis import inference_skeleton, init_recognizer
from mmskel.apis.inference import config_layout, default_device, fit_to_model
from mmskel.apis.inputs import read_skeleton_input
from mmskel.datasets.converters.readers import parse_with_text_arguments
from mmskel.structures.layouts import load_layout


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('input', help='.npy/.npz/.json/.pkl/.txt/.csv skeleton file')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', metavar='NAME|URL|PATH', help='checkpoint')
    parser.add_argument('--sample', help='frame_dir or index of the sample in an annotation .pkl')
    parser.add_argument('--topk', type=int, default=5, help='classes to print (default 5)')
    parser.add_argument('--layout', help="the input's layout, checked against the config's: a "
                        'built-in name or a json file (default: what the input carries)')
    parser.add_argument('--out-gif', help='render the sequence with the prediction to this GIF')
    parser.add_argument('--fps', type=int, default=10, help='frames per second of the GIF')
    parser.add_argument('--device', default=default_device(),
                        help='cpu, cuda or cuda:N (default: cuda if available, else cpu)')
    parser.add_argument('--unsafe-load', action='store_true',
                        help='load the checkpoint with full unpickling (only a file you trust)')
    parser.add_argument('--trusted-input', action='store_true',
                        help='load a .pkl input with the plain unpickler (a file you trust)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. model.cls_head.num_classes=10')
    return parse_with_text_arguments(parser)


def main() -> None:
    args = parse_args()
    if args.topk < 1:
        sys.exit(f'error: --topk must be >= 1, got {args.topk}')
    try:
        # the input is read before the weights load: a bad input fails fast, by name
        layout = (load_layout(args.layout)[0] if args.layout is not None
                  else config_layout(args.config, args.cfg_options))
        sample = read_skeleton_input(args.input, sample=args.sample, trusted=args.trusted_input,
                                     text=args.text, num_joints=layout.num_joints,
                                     layout_name=layout.name)
        if args.layout is not None:
            sample['layout'] = args.layout
        model = init_recognizer(args.config, args.checkpoint, args.device,
                                weights_only=not args.unsafe_load, cfg_options=args.cfg_options)
        try:
            sample = fit_to_model(sample, model)
            # a heatmap config's pipeline checks the pixels (normalised ones are refused)
            result = inference_skeleton(model, sample, topk=args.topk)
        except ValueError as error:
            raise ValueError(f'{args.input}: {error}') from error
    except (ValueError, FileNotFoundError, KeyError) as error:
        sys.exit(f'error: {error}')
    print(result)
    if args.out_gif:
        from mmskel.visualization import animate_skeleton
        frames = animate_skeleton(
            sample['keypoint'], model.layout, args.out_gif, fps=args.fps,
            title=f'{result.names[0]} ({result.scores[0]:.2f})',
            keypoint_score=sample.get('keypoint_score'))
        print(f'wrote {args.out_gif} ({frames} frames)')


if __name__ == '__main__':
    main()
