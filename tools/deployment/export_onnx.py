"""Export a skeleton recognizer to ONNX and check it against onnxruntime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT [--out model.onnx] \
        [--shape M T V C | --shape C T H W] [--opset 17] [--device cpu] [--cfg-options ...]

The exported graph maps ``input`` float32 [N, M, T, V, C] (one clip per sample; the batch axis
N is dynamic), or for a PoseC3D (Recognizer3D) config one heatmap volume [N, C, T, H, W], to
``scores`` [N, K], the head's class scores before softmax, exactly what
``model(inputs, mode='tensor')`` gives. The script then runs the file with onnxruntime at
batch 1 and batch 3 and prints the largest absolute difference from PyTorch; it exits with an
error when that difference exceeds ``--tol`` times max(1, largest |score|) (float32 keeps about
seven significant digits, and an untrained model's scores can reach thousands).
"""
import argparse
import io
import os
import sys
import tempfile
import warnings
from contextlib import contextmanager
from typing import Dict, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import DictAction
from torch import nn

from mmskel.apis import init_recognizer
from mmskel.models.complexity import input_shape
from mmskel.utils import atomic_open

CHECK_BATCHES = (1, 3)


class ScoresModel(nn.Module):
    """A recognizer as a plain module: [N, M, T, V, C] clips (or [N, C, T, H, W] heatmap
    volumes) -> [N, K] class scores."""

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.recognizer = recognizer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.recognizer(x.unsqueeze(1), mode='tensor')


@contextmanager
def quiet_output():
    """Silence file descriptors 1 and 2: on failure the TorchScript exporter logs the whole
    traced graph (thousands of lines) from C++, bypassing Python; the error says enough."""
    sys.stdout.flush(), sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1), os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            for fd, copy in zip((1, 2), saved):
                os.dup2(copy, fd)
                os.close(copy)


def export_onnx(model: nn.Module, shape: Sequence[int], out_file: str, opset: int = 17) -> None:
    """Trace ``model`` (a recognizer in eval mode) at batch 2 and write ONNX atomically.

    Raises:
        RuntimeError: The model holds an operator ONNX cannot express; the message names it.
    """
    wrapped = ScoresModel(model).eval()
    device = next(model.parameters()).device
    dummy = torch.randn(2, *shape, device=device)
    buffer = io.BytesIO()
    try:
        # The TorchScript exporter (dynamo=False) handles the einsum-based graph convolutions
        # with a dynamic batch axis without onnxscript. Its warnings (deprecation notice, the
        # tracer's notes on the models' input-shape checks, constant at a fixed clip shape)
        # are expected; the onnxruntime check below is what tells a good export.
        with torch.no_grad(), warnings.catch_warnings(), quiet_output():
            warnings.simplefilter('ignore')
            torch.onnx.export(wrapped, (dummy,), buffer, input_names=['input'],
                              output_names=['scores'], opset_version=opset, dynamo=False,
                              dynamic_axes={'input': {0: 'batch'}, 'scores': {0: 'batch'}})
    except Exception as e:  # torch raises several types (SymbolicValueError, ...)
        backbone = type(getattr(model, 'backbone', model)).__name__
        # the exporter appends the whole traced graph to its message: keep the reason only
        reason = str(e).split('[Caused by')[0].split('\n')[0].strip()
        raise RuntimeError(f'{backbone} cannot be exported to ONNX opset {opset}: '
                           f'{type(e).__name__}: {reason}') from e
    with atomic_open(out_file, 'wb') as f:
        f.write(buffer.getvalue())


def check_onnx(model: nn.Module, onnx_file: str, shape: Sequence[int],
               batches: Sequence[int] = CHECK_BATCHES,
               seed: int = 0) -> Dict[int, Tuple[float, float]]:
    """Compare onnxruntime with PyTorch on seeded random clips of each batch size.

    Returns:
        dict: batch size -> (max |onnxruntime - PyTorch|, max |PyTorch score|).

    Raises:
        RuntimeError: PyTorch's own scores are not finite, or the shapes differ.
    """
    import onnx
    import onnxruntime as ort

    onnx.checker.check_model(onnx_file)
    session = ort.InferenceSession(onnx_file, providers=['CPUExecutionProvider'])
    wrapped = ScoresModel(model).eval()
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    diffs = {}
    for batch in batches:
        x = torch.randn(batch, *shape, generator=generator)
        with torch.no_grad():
            expected = wrapped(x.to(device)).float().cpu().numpy()
        if not np.isfinite(expected).all():
            raise RuntimeError(f'{type(model.backbone).__name__} gives NaN or inf scores on a '
                               'random clip in PyTorch itself, so there is nothing to compare')
        (got,) = session.run(['scores'], {'input': x.numpy()})
        if got.shape != expected.shape:
            raise RuntimeError(f'onnxruntime gave scores of shape {got.shape} for batch {batch}, '
                               f'PyTorch {expected.shape}')
        diffs[batch] = (float(np.abs(got - expected).max()), float(np.abs(expected).max()))
    return diffs


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Export a recognizer to ONNX')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', nargs='?',
                        help='checkpoint path, URL or zoo name (default: initial weights)')
    parser.add_argument('--out', default='model.onnx', help='ONNX file to write')
    parser.add_argument('--shape', type=int, nargs=4, metavar='DIM',
                        help='one clip: M T V C, or C T H W for a heatmap config (default: '
                        'from the test pipeline and backbone)')
    parser.add_argument('--opset', type=int, default=17, help='ONNX opset. Defaults to 17')
    parser.add_argument('--tol', type=float, default=1e-4,
                        help='largest accepted |onnxruntime - PyTorch| per unit of score scale '
                        '(max(1, max |score|)). Defaults to 1e-4')
    parser.add_argument('--device', help="device of the PyTorch model (default: 'cuda' if "
                        "available, else 'cpu'); onnxruntime runs on the CPU")
    parser.add_argument('--weights-only', choices=['true', 'false'], default='true',
                        help='load the checkpoint with torch.load(weights_only=...)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, as in tools/train.py')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    model = init_recognizer(args.config, args.checkpoint, device,
                            weights_only=args.weights_only == 'true',
                            cfg_options=args.cfg_options)
    shape = tuple(args.shape) if args.shape else input_shape(model.cfg)
    try:
        export_onnx(model, shape, args.out, args.opset)
    except RuntimeError as e:
        raise SystemExit(str(e))
    print(f'exported {type(model.backbone).__name__} to {args.out}: input [N, '
          f'{", ".join(map(str, shape))}] (N dynamic), scores [N, {model.cls_head.num_classes}]')
    try:
        diffs = check_onnx(model, args.out, shape)
    except RuntimeError as e:
        raise SystemExit(f'{args.out} was written but not checked: {e}')
    worst = 0.0
    for batch, (diff, scale) in diffs.items():
        print(f'batch {batch}: max abs difference onnxruntime vs PyTorch {diff:.2e} '
              f'(largest score {scale:.3g})')
        worst = max(worst, diff / max(1.0, scale))  # float32 keeps ~7 significant digits
    if worst > args.tol:
        raise SystemExit(f'{args.out}: onnxruntime and PyTorch differ by {worst:.2e} per unit '
                         f'of score scale > --tol {args.tol}')
    print(f'onnxruntime matches PyTorch within {args.tol} (relative to max(1, |score|))')


if __name__ == '__main__':
    main()
