"""Test a checkpoint: python tools/test.py CONFIG NAME|URL|PATH [--out result.pkl] ...

The checkpoint is a local path, a URL (downloaded into the mmskel cache, hash-checked) or a zoo
model name (its ``Weights:`` URL in model-index.yml). Checkpoints are loaded with
``weights_only=True`` (see mmskel.engine.checkpoint) unless ``--trust-checkpoint`` is given, and
strictly: a checkpoint whose keys or shapes do not fit the config's model is refused, naming the
keys, unless ``--load-partial`` is given. The LST head's training-only keys
(``cls_head.projections.*``, ``cls_head.logit_scale``) are left out, with a log line, when the
config's model has no such head.
"""
import argparse
import os
import os.path as osp

from mmskel.apis.zoo import resolve_checkpoint
from mmskel.engine import (CHECKPOINT_ERRORS, add_trust_argument, apply_trust, load_config, run,
                           use_amp)
from mmskel.engine.cli import add_amp_arguments, add_launch_arguments, exit_on
from mmskel.evaluation.acc_metric import METRIC_NAMES


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a skeleton action recognizer')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', metavar='NAME|URL|PATH',
                        help='checkpoint file, URL or zoo model name')
    parser.add_argument('--work-dir', help='folder for the test logs')
    parser.add_argument('--out', help='write per-sample scores, labels and ids to this .pkl')
    parser.add_argument('--eval', nargs='+', choices=METRIC_NAMES,
                        help='metrics to compute (default: the config\'s)')
    parser.add_argument('--dump', help='write every predicted data sample (mmaction2 style, a '
                        'list of dicts) to this .pkl')
    add_amp_arguments(parser, 'fp16')
    parser.add_argument('--load-partial', action='store_true',
                        help='load only the keys of the checkpoint that fit the model (the '
                        'others are listed in a warning) instead of refusing it')
    add_trust_argument(parser, 'the checkpoint')
    add_launch_arguments(parser, 'test_dataloader.batch_size=8')
    return parser.parse_args()


def apply_args(cfg, args: argparse.Namespace) -> None:
    """Point the run at the checkpoint and set up the requested outputs."""
    cfg.load_from = args.checkpoint
    cfg.strict_checkpoint_load = not args.load_partial
    apply_trust(cfg, args)
    evaluators = cfg.test_evaluator
    if not isinstance(evaluators, (list, tuple)):
        evaluators = [evaluators]
    evaluators = [dict(e) for e in evaluators]
    for evaluator in evaluators:
        if evaluator.get('type') == 'AccMetric':
            if args.eval:
                evaluator['metric_list'] = args.eval
            if args.out:
                evaluator['out_file'] = args.out
    if args.out and not any(e.get('type') == 'AccMetric' for e in evaluators):
        evaluators.append(dict(type='AccMetric', out_file=args.out))
    if args.dump:
        evaluators.append(dict(type='DumpSamples', out_file=args.dump))
    cfg.test_evaluator = evaluators
    if args.amp or args.amp_dtype:
        use_amp(cfg, args.amp_dtype, 'test')


def report_outputs(args: argparse.Namespace) -> None:
    """Say where ``--out`` and ``--dump`` were written (once, by the first process)."""
    if int(os.environ.get('RANK', 0)) != 0:
        return
    for path, what in ((args.out, 'per-sample scores, labels and ids'),
                       (args.dump, 'predicted data samples')):
        if path and osp.isfile(path):
            print(f'wrote {what} to {osp.abspath(path)}')


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    with exit_on(KeyError, ValueError, RuntimeError, FileNotFoundError):
        args.checkpoint, _ = resolve_checkpoint(args.checkpoint)
    with exit_on(ValueError):
        apply_args(cfg, args)
    with exit_on(*CHECKPOINT_ERRORS):
        run(cfg, args.launcher, 'test')
    report_outputs(args)


if __name__ == '__main__':
    main()
