"""publish_checkpoint (tools/misc/publish_model.py): the published file depends on the weights,
not on when the run started."""
import hashlib
from pathlib import Path

import torch

from mmskel.engine import publish_checkpoint as publish
from mmskel.engine import published_checkpoint


def training_checkpoint(path: Path, weight: torch.Tensor, started: str) -> Path:
    meta = dict(epoch=3, iter=30, seed=0, experiment_name=f'stgcn_{started}', time=started,
                mmengine_version='0.10.7', dataset_meta=dict(classes=['a', 'b']))
    torch.save(dict(state_dict={'fc.weight': weight}, meta=meta, optimizer={'state': {}}), path)
    return path


def test_runs_with_the_same_weights_publish_the_same_bytes(tmp_path: Path) -> None:
    weight = torch.arange(6.).reshape(2, 3)
    names = []
    for run, started in enumerate(('20261130_085933', '20261201_101010')):
        folder = tmp_path / f'run{run}'
        folder.mkdir()
        checkpoint = training_checkpoint(folder / 'epoch_3.pth', weight, started)
        names.append(Path(publish(str(checkpoint), str(folder / 'stgcn_nwucla.pth'))))
    assert names[0].name == names[1].name
    assert published_checkpoint(str(tmp_path / 'run1' / 'stgcn_nwucla')) == str(names[1])
    assert published_checkpoint(str(tmp_path / 'run1' / 'stgcn')) is None
    assert names[0].read_bytes() == names[1].read_bytes()
    sha = hashlib.sha256(names[0].read_bytes()).hexdigest()
    assert names[0].name.endswith(f'-{sha[:8]}.pth')
    published = torch.load(names[0], weights_only=True)
    assert published['meta'] == dict(epoch=3, iter=30, seed=0, mmengine_version='0.10.7',
                                     dataset_meta=dict(classes=['a', 'b']))
    assert torch.equal(published['state_dict']['fc.weight'], weight)


def test_other_weights_publish_under_another_hash(tmp_path: Path) -> None:
    first = training_checkpoint(tmp_path / 'a.pth', torch.zeros(2, 3), '20261130_085933')
    second = training_checkpoint(tmp_path / 'b.pth', torch.ones(2, 3), '20261130_085933')
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    assert (Path(publish(str(first), str(tmp_path / 'a' / 'm.pth'))).name
            != Path(publish(str(second), str(tmp_path / 'b' / 'm.pth'))).name)
