"""tools/test.py refuses labels the model cannot predict instead of printing accuracies for them
(issue 15 defect 6, issue 17 point 4)."""
import numpy as np
import torch

from mmskel.datasets import dump_annotations
from .conftest import CONFIG, Tools


def test_labels_outside_the_configs_classes_are_refused_before_any_accuracy(tmp_path):
    from mmskel.engine import load_config
    from mmskel.registry import MODELS
    from mmskel.utils import register_all_modules
    register_all_modules()
    cfg = load_config(str(CONFIG))
    assert cfg.num_classes == 10
    # a pickle in the pyskl form (no 'classes'): two of its six labels are not NW-UCLA classes
    rng = np.random.default_rng(0)
    labels = [0, 3, 10, 9, 12, 1]
    samples = [dict(frame_dir=f'clip{i}', label=label,
                    keypoint=rng.normal(size=(1, 20, 20, 3)).astype(np.float32))
               for i, label in enumerate(labels)]
    ann_file = tmp_path / 'labels.pkl'
    dump_annotations(samples, str(ann_file), split={'val': [s['frame_dir'] for s in samples]})
    checkpoint = tmp_path / 'weights.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(), meta={}), checkpoint)

    proc = Tools().run(
        ['tools/test.py', CONFIG, checkpoint, '--work-dir', tmp_path / 'work', '--cfg-options',
         f'test_dataloader.dataset.ann_file={ann_file}', 'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False'], cwd=tmp_path, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'acc/top1' not in output
    assert (f"{ann_file}: sample 2 (frame_dir='clip2'), field 'label': expected a class index "
            'in [0, 10) (num_classes=10 of the dataset), got 10 (2 samples are outside)') \
        in output
