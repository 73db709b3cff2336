"""mmskel against mmaction2 1.2.0 on the same machine: the same weights, outputs checked equal,
then both timed alternately in one run.

For each model, mmaction2's recognizer (its NTU RGB+D 60 joint config's model) is built with a
fixed seed, its weights are loaded into mmskel's model of the same config with ``strict=True``,
and the fp32 logits of both on one eval batch must agree (``--rtol``). Then each setting runs in
a worker process of its own (so that its threads and allocator are its own), and the workers
are timed in turn, one step each per round, for ``--repeats`` rounds after ``--warmup``: the
median of each is printed with its ratio to mmaction2 in fp32.

Settings (training step = forward + loss + backward + SGD step; inference = eval forward
without gradients, a batch of logits):
    mmaction2         mmaction2 fp32, glibc's default allocator (what its tools run on a CPU:
                      its AmpOptimWrapper refuses the CPU, so this is also its fastest setting)
    mmaction2+malloc  the same with mmskel's allocator setting (mmskel/utils/malloc.py), which
                      any program could apply: how much of the gap the allocator alone closes
    mmskel            mmskel fp32, glibc's default allocator (the same computation)
    mmskel+malloc     mmskel fp32 as its tools run it (allocator setting of the default runtime)
    mmskel+amp        mmskel as ``--amp`` runs it on this machine (bf16 autocast on a CPU with
                      native bf16, fp16 on CUDA) with the allocator setting

Install mmaction2 1.2.0 beside mmskel in its own venv (``make venv-mmaction2
MMACTION2_SRC=<its source tree, tag v1.2.0>``, see docs/benchmarks.md); CTR-GCN and MS-G3D come
from the tree's ``projects/`` (``--mmaction2-src``, by default the tree the package is installed
from). Examples:
    .venv-mmaction2/bin/python benchmarks/compare_mmaction2.py
    .venv-mmaction2/bin/python benchmarks/compare_mmaction2.py --models ST-GCN --batch 2 \\
        --frames 16 --repeats 1 --warmup 0
"""
import argparse
import multiprocessing as mp
import statistics
import sys
import tempfile
import types
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import Step  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / 'configs' / 'skeleton'
# model: (mmskel config, mmaction2 backbone, its head's in_channels, module of projects/)
MODELS = {
    'ST-GCN': ('stgcn/stgcn_80e_ntu60_xsub_keypoint_3d.py',
               dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
               256, None),
    'AAGCN': ('2s-agcn/2sagcn_80e_ntu60_xsub_keypoint_3d.py',
              dict(type='AAGCN', graph_cfg=dict(layout='nturgb+d', mode='spatial')), 256, None),
    'CTR-GCN': ('ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py',
                dict(type='CTRGCN', graph_cfg=dict(layout='nturgb+d', mode='spatial')), 256,
                'projects.ctrgcn.models'),
    'ST-GCN++': ('stgcnpp/stgcnpp_80e_ntu60_xsub_keypoint_3d.py',
                 dict(type='STGCN', gcn_adaptive='init', gcn_with_res=True, tcn_type='mstcn',
                      graph_cfg=dict(layout='nturgb+d', mode='spatial')), 256, None),
    'MS-G3D': ('msg3d/msg3d_50e_ntu60_xsub_keypoint_3d.py',
               dict(type='MSG3D', graph_cfg=dict(layout='nturgb+d', mode='binary_adj')), 384,
               'projects.msg3d.models'),
}
SETTINGS = ('mmaction2', 'mmaction2+malloc', 'mmskel', 'mmskel+malloc', 'mmskel+amp')
NUM_CLASSES = 60


def import_mmaction2(src: str = None):
    """Import mmaction2's models (and its ``projects/`` from ``src``); returns the source tree.

    mmaction2 1.2.0 imports torchvision at module level for its DRN localizer only, and no
    torchvision wheel matches the CPU torch 2.13 build here: where it does not import, an empty
    module stands in for it (no skeleton model uses it).
    """
    warnings.filterwarnings('ignore', 'Fail to import ``MultiScaleDeformableAttention``')
    try:
        import torchvision  # noqa: F401
    except (ImportError, RuntimeError):
        sys.modules['torchvision'] = types.ModuleType('torchvision')
    import mmaction
    import mmaction.models  # noqa: F401
    tree = Path(src) if src else Path(mmaction.__file__).resolve().parents[1]
    if (tree / 'projects').is_dir() and str(tree) not in sys.path:
        sys.path.insert(0, str(tree))
    return tree


def build_mmaction2(name: str):
    from mmaction.registry import MODELS as MMACTION2_MODELS
    from mmaction.utils import register_all_modules
    from mmengine.registry import DefaultScope
    register_all_modules(init_default_scope=False)
    _, backbone, channels, project = MODELS[name]
    if project:
        __import__(project)
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MMACTION2_MODELS.build(dict(
            type='RecognizerGCN', backbone=backbone,
            cls_head=dict(type='GCNHead', num_classes=NUM_CLASSES, in_channels=channels)))


def build_mmskel(name: str):
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmskel.registry import MODELS as MMSKEL_MODELS
    from mmskel.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(str(CONFIGS / MODELS[name][0]))
    with DefaultScope.overwrite_default_scope('mmskel'):
        return MMSKEL_MODELS.build(cfg.model)


class Worker:
    """One setting of one model in a process of its own, driven through a pipe."""

    def __init__(self, context, setting: str, args, name: str, weights: str):
        self.setting = setting
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=serve, daemon=True,
                                    args=(child, setting, vars(args), name, weights))
        self.proc.start()
        reply = self.conn.recv()
        if isinstance(reply, BaseException):
            raise RuntimeError(f'{setting} worker for {name} failed') from reply

    def ask(self, command: str):
        self.conn.send(command)
        reply = self.conn.recv()
        if isinstance(reply, BaseException):
            raise RuntimeError(f'{self.setting}: {command} failed') from reply
        return reply

    def close(self) -> None:
        self.conn.send('stop')
        self.proc.join()


def serve(conn, setting: str, args: dict, name: str, weights: str) -> None:
    """The worker process: build, load the weights strictly, then answer commands."""
    try:
        torch.set_num_threads(args['threads'])
        if setting.endswith(('+malloc', '+amp')):
            from mmskel.utils.malloc import keep_freed_memory
            keep_freed_memory()
        job = Job(setting, args, name, weights)
        conn.send('ready')
    except BaseException as error:  # reported to the parent, which stops
        conn.send(error)
        return
    while (command := conn.recv()) != 'stop':
        try:
            conn.send(getattr(job, command)())
        except BaseException as error:
            conn.send(error)


class Job:
    """A model with its weights, its batch and its :class:`Step` (optimizer, autocast), in one
    setting."""

    def __init__(self, setting: str, args: dict, name: str, weights: str):
        if setting.startswith('mmaction2'):
            import_mmaction2(args['mmaction2_src'])
            from mmaction.structures import ActionDataSample
            model = build_mmaction2(name)
            # the logits: mmaction2's tensor mode stops after the backbone unless asked
            head = dict(stage='head')
        else:
            from mmskel.structures import ActionDataSample
            model, head = build_mmskel(name), {}
        device = torch.device(args['device'])
        model.load_state_dict(torch.load(weights, map_location='cpu', weights_only=True),
                              strict=True)
        self.step = Step(model.to(device), 'amp' if setting.endswith('+amp') else 'fp32', device,
                         lr=1e-4, **head)
        generator = torch.Generator().manual_seed(0)
        shape = (args['batch'], 1, 2, args['frames'], 25, 3)
        self.inputs = torch.randn(shape, generator=generator).to(device)
        self.samples = [ActionDataSample().set_gt_label(i % NUM_CLASSES).to(device)
                        for i in range(args['batch'])]

    def logits(self):
        """Eval logits (fp32 in the settings without amp), before any training step changes
        the weights."""
        self.infer()
        return self.step.logits.float().cpu()

    def train(self) -> float:
        return self.step(self.inputs, self.samples, inference=False)

    def infer(self) -> float:
        return self.step(self.inputs, self.samples, inference=True)


def check_outputs(workers: dict, rtol: float) -> float:
    """The largest logit difference between the two toolboxes in fp32, relative to the largest
    logit; fails above ``rtol``."""
    reference = workers['mmaction2'].ask('logits')
    worst = 0.0
    for setting in ('mmaction2+malloc', 'mmskel', 'mmskel+malloc'):
        if setting in workers:
            difference = (workers[setting].ask('logits') - reference).abs().max()
            worst = max(worst, (difference / reference.abs().max()).item())
    if worst > rtol:
        raise SystemExit(f'outputs differ by {worst:.2e} of the largest logit (--rtol {rtol})')
    return worst


def time_rounds(workers: dict, command: str, warmup: int, repeats: int) -> dict:
    """Median seconds of ``command`` per setting, the settings taking turns step by step."""
    times = {setting: [] for setting in workers}
    for _ in range(warmup + repeats):
        for setting, worker in workers.items():
            times[setting].append(worker.ask(command))
    return {setting: statistics.median(values[warmup:]) for setting, values in times.items()}


def compare(name: str, args, context) -> dict:
    torch.manual_seed(0)
    model = build_mmaction2(name)
    with tempfile.TemporaryDirectory() as tmp:
        weights = str(Path(tmp) / 'weights.pth')
        torch.save(model.state_dict(), weights)
        workers = {s: Worker(context, s, args, name, weights) for s in args.settings}
    try:
        result = {'diff': check_outputs(workers, args.rtol)}
        for command in ('train', 'infer'):
            result[command] = time_rounds(workers, command, args.warmup, args.repeats)
    finally:
        for worker in workers.values():
            worker.close()
    return result


def table(results: dict, command: str, settings: list) -> str:
    lines = ['| model | ' + ' | '.join(f's {s}' for s in settings) + ' | ' +
             ' | '.join(f'{s} / mmaction2' for s in settings[1:]) + ' |',
             '|---' * (1 + 2 * len(settings) - 1) + '|']
    for name, result in results.items():
        seconds = result[command]
        base = seconds[settings[0]]
        lines.append(f'| {name} | ' + ' | '.join(f'{seconds[s]:.3f}' for s in settings) + ' | '
                     + ' | '.join(f'{base / seconds[s]:.2f}x' for s in settings[1:]) + ' |')
    return '\n'.join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--models', nargs='+', default=['ST-GCN', 'AAGCN', 'CTR-GCN'],
                        choices=list(MODELS))
    parser.add_argument('--settings', nargs='+', default=list(SETTINGS), choices=SETTINGS)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--frames', type=int, default=100)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--rtol', type=float, default=1e-5,
                        help='largest logit difference allowed, relative to the largest logit')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--mmaction2-src', help='mmaction2 source tree (for projects/)')
    args = parser.parse_args(argv)
    if args.settings[0] != 'mmaction2':
        args.settings.insert(0, 'mmaction2')  # the reference of the ratios and outputs
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    tree = import_mmaction2(args.mmaction2_src)
    context = mp.get_context('spawn')
    import mmaction
    print(f'mmaction2 {mmaction.__version__} ({tree}), torch {torch.__version__}, '
          f'{args.device}, {args.threads} threads; batch [{args.batch}, 1, 2, {args.frames}, 25, '
          f'3]; median of {args.repeats} steps after {args.warmup}, settings taking turns')
    results = {}
    for name in args.models:
        results[name] = compare(name, args, context)
        print(f'{name}: weights loaded with strict=True, largest fp32 logit difference '
              f'{results[name]["diff"]:.1e} of the largest logit', flush=True)
    for command, title in (('train', 'Training step'), ('infer', 'Inference')):
        print(f'\n{title}\n')
        print(table(results, command, args.settings))


if __name__ == '__main__':
    main()
