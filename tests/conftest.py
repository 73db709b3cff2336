"""Shared fixtures: the third-party data beside the repository, and a temporary cwd."""
import os
import random
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get('MMSKEL_SHARED_DATA', REPO.parent / 'shared' / 'data'))
# What makes a test an integration test: it runs the tools in subprocesses, trains on real data,
# or runs the docs' commands. `pytest -m "not slow and not integration"` leaves them out.
INTEGRATION_FIXTURES = {'tools', 'trained', 'train_losses', 'nwucla_subset'}
INTEGRATION_FILES = {'test_docs.py', 'test_demo.py', 'test_install.py', 'test_benchmarks.py'}
LONG_FIRST = {'test_docs.py': 0, 'test_configs.py': 1, 'test_demo.py': 2, 'test_install.py': 3}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, 'fixturenames', ())) \
                or item.path.name in INTEGRATION_FILES or item.path.parent.name == 'tools':
            item.add_marker(pytest.mark.integration)
    # the longest modules first (each module's tests stay together, in their order): parallel
    # workers (make test's pytest -n) then end on short tests instead of waiting on one long one
    items.sort(key=lambda item: LONG_FIRST.get(item.path.name, len(LONG_FIRST) +
                                               (item.path.parent.name != 'tools')))


@pytest.fixture(autouse=True)
def seeded() -> None:
    """Every test starts from the same random state, so none passes or fails by the draw."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; skip the test, saying why, when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f'third-party data not found at {path} (it lives in ../shared/data beside '
                    'the repository; set MMSKEL_SHARED_DATA to point elsewhere)')
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a launcher or server of one test (tests run in
    parallel workers, so none may take a fixed port)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def table_rows(output: str) -> dict:
    """The rows of the markdown tables a benchmark or tool prints: first cell -> other cells."""
    table = [line.split('|')[1:-1] for line in output.splitlines() if line.startswith('| ')]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in table[1:]}


@pytest.fixture
def nwucla_root() -> Path:
    return shared_path('NW-UCLA', 'all_sqe')


@pytest.fixture(scope='session')
def nwucla_pixels(tmp_path_factory) -> Path:
    """NW-UCLA projected to 2D pixels (``convert_nwucla.py --pixels``), converted once."""
    out = tmp_path_factory.mktemp('nwucla_2d') / 'nwucla_2danno.pkl'
    subprocess.run([sys.executable, str(REPO / 'tools/data/nwucla/convert_nwucla.py'), '--root',
                    str(shared_path('NW-UCLA', 'all_sqe')), '--out', str(out), '--pixels'],
                   check=True, capture_output=True)
    return out


@pytest.fixture
def babel_release(tmp_path: Path) -> Path:
    """A small BABEL-60 action-recognition release, written in the released layout.

    Per split: ``<split>_ntu_sk_60.npy`` float32 [N, 3, 150, 25, 1] and ``<split>_label_60.pkl``
    = (names, (labels, sids, chunks, annotators)) pickled with protocol 2, as Python 2 wrote it.
    Sample k of a split moves for 150 - 20 k frames, then is zero padding.
    """
    import pickle

    import numpy as np
    folder = tmp_path / 'babel_v1.0_release'
    folder.mkdir()
    rng = np.random.default_rng(0)
    for split, num in (('train', 4), ('val', 2)):
        data = np.zeros((num, 3, 150, 25, 1), dtype=np.float32)
        for k in range(num):
            data[k, :, :150 - 20 * k] = rng.normal(0, 1, (3, 150 - 20 * k, 25, 1))
        np.save(folder / f'{split}_ntu_sk_60.npy', data)
        names = [f'{split}_seg{k}' for k in range(num)]
        fields = ([3 * k % 60 for k in range(num)], [100 + k for k in range(num)],
                  [k % 2 for k in range(num)], [f'ann{k}' for k in range(num)])
        with open(folder / f'{split}_label_60.pkl', 'wb') as f:
            pickle.dump((names, fields), f, protocol=2)
    return folder


@pytest.fixture
def hagrid_checkpoint() -> Path:
    """pyskl's real ST-GCN++ HaGRID hand-gesture checkpoint (see its PROVENANCE.md)."""
    return shared_path('checkpoints', 'pyskl-stgcnpp-hagrid', 'hagrid.pth')


@pytest.fixture
def file_server():
    """A local HTTP server (tests/local_http.py) on a free port of 127.0.0.1, stopped after the
    test."""
    from local_http import FileServer
    server = FileServer()
    yield server
    server.close()


@pytest.fixture(scope='module')
def registries():
    """mmskel's modules registered, with ``mmskel`` as the default scope."""
    from mmskel.utils import register_all_modules
    register_all_modules()


@pytest.fixture(scope='module')
def one_thread():
    """torch on one thread for a module of small models: extra threads only contend on the
    2 cores of the CI machine."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --- a short real-data training run on NW-UCLA, for the model tests ---------------------------
# ``nwucla_subset`` writes 80 real sequences from 4 classes to a pickle; ``train_losses`` trains a
# recognizer on them through the pipeline of configs/_base_/datasets/nwucla.py (with a shorter
# clip) and returns the loss of every SGD iteration, with fixed seeds.

NWUCLA_ACTIONS = (4, 5, 6, 11)  # walk around, sit down, stand up, throw (a07 / a10 do not exist)
NWUCLA_PER_CLASS = 20


@pytest.fixture
def nwucla_subset(nwucla_root, tmp_path) -> str:
    import json

    import numpy as np

    from mmskel.datasets import dump_annotations
    samples = []
    for label, action in enumerate(NWUCLA_ACTIONS):
        files = sorted(nwucla_root.glob(f'a{action:02d}_*.json'))[:NWUCLA_PER_CLASS]
        assert len(files) == NWUCLA_PER_CLASS
        for path in files:
            with open(path) as f:
                data = json.load(f)
            keypoint = np.array(data['skeletons'], dtype=np.float32)[None]  # [1, T, 20, 3]
            samples.append(dict(frame_dir=data['file_name'], label=label, keypoint=keypoint,
                                total_frames=keypoint.shape[1]))
    path = tmp_path / 'nwucla_subset.pkl'
    dump_annotations(samples, str(path), split={'train': [s['frame_dir'] for s in samples]})
    return str(path)


def _train(ann_file: str, model_cfg: dict, iterations: int = 40, clip_len: int = 20,
           lr: float = 0.05, batch_size: int = 16, before_feats: tuple = (
               dict(type='PreNormalize3D', center_joint=1),), key='loss_cls') -> list:
    import numpy as np
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import OptimWrapper
    from torch.utils.data import DataLoader

    from mmskel.datasets import PoseDataset
    from mmskel.registry import MODELS
    from mmskel.utils import register_all_modules
    register_all_modules()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small models: extra threads only contend on 2 cores
    try:
        torch.manual_seed(0)
        np.random.seed(0)  # UniformSampleFrames draws training clips from numpy's global state
        dataset = PoseDataset(ann_file, split='train', pipeline=[
            *before_feats,
            dict(type='GenSkeFeat', layout='nw-ucla', feats=['j']),
            dict(type='UniformSampleFrames', clip_len=clip_len),
            dict(type='PoseDecode'),
            dict(type='FormatGCNInput', num_persons=1),
            dict(type='PackActionInputs')])
        assert len(dataset) == len(NWUCLA_ACTIONS) * NWUCLA_PER_CLASS
        loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                            collate_fn=pseudo_collate, drop_last=True,
                            generator=torch.Generator().manual_seed(0))
        model = MODELS.build(model_cfg)
        model.init_weights()
        model.train()
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9,
                                               nesterov=True, weight_decay=5e-4))
        losses = []
        while len(losses) < iterations:
            for data in loader:
                logged = model.train_step(data, wrapper)
                losses.append(logged[key].item() if isinstance(key, str)
                              else tuple(logged[k].item() for k in key))
                if len(losses) == iterations:
                    break
    finally:
        torch.set_num_threads(threads)
    return losses


@pytest.fixture
def train_losses(nwucla_subset):
    """``train_losses(model_cfg, iterations=40, clip_len=20, lr=0.05)`` -> losses per step.

    ``model_cfg`` is a recognizer config for the ``nw-ucla`` layout, one person, 4 classes;
    ``before_feats`` (the steps before ``GenSkeFeat``) replaces ``PreNormalize3D``; ``key`` is
    the logged value returned (``'loss_cls'``, ``'loss'`` for the sum of all losses), or a
    tuple of such names for a tuple of values per step.
    """
    def run(model_cfg: dict, **kwargs) -> list:
        return _train(nwucla_subset, model_cfg, **kwargs)
    return run


def assert_loss_falls(losses: list, num_classes: int = len(NWUCLA_ACTIONS),
                      ratio: float = 0.7) -> None:
    """Chance-level loss at the start, and the last five steps below ``ratio`` of the first."""
    import numpy as np
    first, last = np.mean(losses[:5]), np.mean(losses[-5:])
    assert first == pytest.approx(np.log(num_classes), abs=0.3), losses
    assert last < ratio * first, losses


@pytest.fixture
def loss_falls():
    """The check of :func:`assert_loss_falls`, as a fixture (test basenames stay unique)."""
    return assert_loss_falls
