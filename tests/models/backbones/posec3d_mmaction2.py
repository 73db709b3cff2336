"""mmaction2 1.2.0's PoseC3D recognizer on a fixed input, for ``test_resnet3d_slowonly.py``.

``python posec3d_mmaction2.py CONFIG OUT.pth`` (in ``.venv-mmaction2``) builds the model of
mmaction2's config ``CONFIG`` (a path under its ``configs/``) with a fixed seed, gives its batch
norms and zero-initialised layers random values (so that every parameter and buffer shapes the
output), and saves its state dict, the input [2, 3, 17, 16, 32, 32] (2 samples of 3 clips), the
clip scores and the predicted (clip-averaged) scores. Exit status 3: the config is not there.
"""
import sys
import types
from pathlib import Path

import torch

INPUT_SHAPE = (2, 3, 17, 16, 32, 32)


def main(config: str, out: str) -> None:
    try:
        import torchvision  # noqa: F401
    except (ImportError, RuntimeError):  # mmaction2 imports it for a video model only
        sys.modules['torchvision'] = types.ModuleType('torchvision')
    import mmaction
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    from mmaction.utils import register_all_modules
    from mmengine.config import Config
    path = Path(mmaction.__file__).resolve().parents[1] / 'configs' / config
    if not path.exists():
        print(f'{path} is absent (mmaction2 installed without its configs)')
        sys.exit(3)
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(path)).model)
    model.init_weights()
    state = model.state_dict()
    generator = torch.Generator().manual_seed(1)
    for name, value in state.items():
        if name.endswith('running_var'):
            value.copy_(torch.rand(value.shape, generator=generator) + 0.5)
        elif value.is_floating_point() and 'bn' in name:
            value.copy_(torch.randn(value.shape, generator=generator) * 0.2
                        + (name.endswith('weight')))
    model.eval()
    inputs = torch.rand(INPUT_SHAPE, generator=generator)
    with torch.no_grad():
        scores = model.cls_head(model.backbone(inputs.flatten(0, 1)))
        predicted = model(inputs, [ActionDataSample() for _ in inputs], mode='predict')
    torch.save(dict(state_dict=state, inputs=inputs, scores=scores,
                    predicted=torch.stack([s.pred_score for s in predicted])), out)


if __name__ == '__main__':
    main(*sys.argv[1:])
