"""Train a recognizer: python tools/train.py CONFIG [--validate] [--work-dir DIR] ..."""
import argparse
import sys

from mmengine.config import DictAction

from mmskel.apis.zoo import resolve_checkpoint
from mmskel.engine import (CHECKPOINT_ERRORS, add_trust_argument, apply_trust, load_config, run,
                           use_amp)


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
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bf16 autocast on the CPU (where it has native '
                        'bf16), fp16 with loss scaling on CUDA')
    parser.add_argument('--amp-dtype', choices=['float16', 'bfloat16'],
                        help='the --amp dtype (default: float16 on CUDA, bfloat16 on the CPU)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by total batch size / auto_scale_lr.base_batch_size')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. train_cfg.max_epochs=5')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)
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
    try:
        apply_args(cfg, args)
    except (KeyError, ValueError, RuntimeError, FileNotFoundError) as error:
        sys.exit(f'error: {error.args[0] if isinstance(error, KeyError) else error}')
    try:
        run(cfg, args.launcher, 'train')
    except CHECKPOINT_ERRORS as error:
        sys.exit(f'error: {error}')


if __name__ == '__main__':
    main()
