"""Train a recognizer: python tools/train.py CONFIG [--validate] [--work-dir DIR] ..."""
import argparse

from mmskel.apis.zoo import resolve_checkpoint
from mmskel.engine import (CHECKPOINT_ERRORS, NonFiniteLossError, add_trust_argument, apply_trust,
                           load_config, run, use_amp)
from mmskel.engine.cli import add_amp_arguments, add_launch_arguments, exit_on


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a skeleton action recognizer')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='folder for logs and checkpoints')
    parser.add_argument('--validate', action='store_true',
                        help='evaluate on the val split after each val_interval epochs')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic cuDNN / torch algorithms')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from PATH, or from the last checkpoint of the work dir '
                        'when no PATH is given; the work dir\'s own checkpoints are unpickled in '
                        'full, a PATH or URL safely (weights_only, training state allow-listed)')
    add_trust_argument(parser, 'a --resume PATH|URL or load_from')
    add_amp_arguments(parser, 'fp16 with loss scaling')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by total batch size / auto_scale_lr.base_batch_size')
    add_launch_arguments(parser, 'train_cfg.max_epochs=5')
    return parser.parse_args()


def apply_args(cfg, args: argparse.Namespace) -> None:
    """Turn the command-line switches into config edits."""
    if not args.validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        if cfg.get('default_hooks', {}).get('checkpoint', {}).get('save_best'):
            cfg.default_hooks.checkpoint.save_best = None
    if args.seed is not None or args.deterministic:
        cfg.randomness = dict(seed=args.seed, deterministic=args.deterministic)
    if args.amp or args.amp_dtype:
        use_amp(cfg, args.amp_dtype, 'train')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    apply_trust(cfg, args)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if cfg.get('load_from'):  # a path, URL or zoo model name
        cfg.load_from, _ = resolve_checkpoint(cfg.load_from)


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    with exit_on(KeyError, ValueError, RuntimeError, FileNotFoundError):
        apply_args(cfg, args)
    with exit_on(*CHECKPOINT_ERRORS, NonFiniteLossError):
        run(cfg, args.launcher, 'train')


if __name__ == '__main__':
    main()
