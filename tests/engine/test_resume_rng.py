"""The pieces of exact resuming (issue 15, defect 4): per-sample seeded pipelines, the random
streams in a checkpoint, and an epoch continued after its first batches."""
import random

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from mmskel.engine.checkpoint import load_checkpoint_file
from mmskel.engine.randomness import SeededPipeline, rng_state, seed_samples, set_rng_state
from mmskel.engine.train_loop import RemainingBatches


@pytest.fixture
def dataset(registries, tmp_path):
    """12 short random sequences through the random training steps of the NTU pipelines."""
    from mmskel.datasets import PoseDataset, dump_annotations
    rng = np.random.default_rng(0)
    samples = [dict(frame_dir=f's{i}', label=i % 3, total_frames=30,
                    keypoint=rng.normal(size=(1, 30, 25, 3)).astype(np.float32))
               for i in range(12)]
    path = tmp_path / 'anno.pkl'
    dump_annotations(samples, str(path), split={'train': [s['frame_dir'] for s in samples]})
    return PoseDataset(str(path), split='train', pipeline=[
        dict(type='RandomRot', theta=0.3),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode')])


def keypoints(dataset, order) -> dict:
    return {i: dataset[i]['keypoint'] for i in order}


def test_a_sample_does_not_depend_on_what_was_loaded_before(dataset):
    seed_samples(dataset, seed=7)
    forward = keypoints(dataset, range(12))
    np.random.seed(123)  # the process's own stream: no influence
    backward = keypoints(dataset, reversed(range(12)))
    for i in range(12):
        np.testing.assert_array_equal(forward[i], backward[i])
    assert not np.array_equal(forward[0], forward[1])


def test_the_epoch_and_the_seed_change_the_draws(dataset):
    (pipeline,) = seed_samples(dataset, seed=7)
    first = dataset[3]['keypoint']
    pipeline.set_epoch(1)
    second = dataset[3]['keypoint']
    pipeline.set_epoch(0, seed=8)
    other_seed = dataset[3]['keypoint']
    pipeline.set_epoch(0, seed=7)
    np.testing.assert_array_equal(dataset[3]['keypoint'], first)
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, other_seed)


def test_the_process_streams_are_left_as_they_were(dataset):
    seed_samples(dataset, seed=7)
    np.random.seed(5)
    random.seed(5)
    expected = np.random.rand(), random.random()
    np.random.seed(5)
    random.seed(5)
    dataset[0]
    assert (np.random.rand(), random.random()) == expected


def test_wrapping_twice_keeps_one_wrapper_and_wrappers_are_looked_into(dataset):
    from mmengine.dataset import ConcatDataset
    (first,) = seed_samples(dataset, seed=1)
    (second,) = seed_samples(dataset, seed=1)
    assert first is second and isinstance(dataset.pipeline, SeededPipeline)
    assert dataset.pipeline.transforms is first.pipeline.transforms
    assert seed_samples(ConcatDataset([dataset, dataset]), seed=1) == [first, first]
    assert seed_samples([1, 2], seed=1) == []  # nothing to seed: the loop warns
    with pytest.raises(KeyError, match='sample_idx'):
        first(dict(keypoint=np.zeros((1, 4, 25, 3))))
    with pytest.raises(ValueError, match='seed must be >= 0'):
        first.set_epoch(0, seed=-1)


def epoch_batches(dataset, num_workers: int, epochs: int) -> list:
    """Every epoch's batches (persistent workers: they must see the epoch set here)."""
    (pipeline,) = seed_samples(dataset, seed=3)
    loader = DataLoader(dataset, batch_size=4, num_workers=num_workers, shuffle=False,
                        collate_fn=pseudo_collate, persistent_workers=num_workers > 0)
    batches = []
    for epoch in range(epochs):
        pipeline.set_epoch(epoch)
        batches.append([np.stack(b['keypoint']) for b in loader])
    return batches


def test_workers_do_not_change_the_draws(dataset):
    in_process = epoch_batches(dataset, num_workers=0, epochs=2)
    workers = epoch_batches(dataset, num_workers=2, epochs=2)
    for epoch in range(2):
        for ours, theirs in zip(in_process[epoch], workers[epoch]):
            np.testing.assert_array_equal(ours, theirs)
    assert not np.array_equal(in_process[0][0], in_process[1][0])


def test_random_streams_round_trip_through_a_safely_loaded_checkpoint(tmp_path):
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    np.random.normal()  # numpy keeps a cached Gaussian: it must come back too
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(meta=dict(rng_state=[rng_state()])), path)
    expected = random.random(), np.random.normal(), np.random.rand(), torch.rand(2)
    random.seed(2)
    np.random.seed(2)
    torch.manual_seed(2)
    loaded = load_checkpoint_file(str(path), weights_only=True, training_state=True)
    set_rng_state(loaded['meta']['rng_state'][0])
    got = random.random(), np.random.normal(), np.random.rand(), torch.rand(2)
    assert got[:3] == expected[:3] and torch.equal(got[3], expected[3])


class CountingDataset(torch.utils.data.Dataset):
    def __init__(self) -> None:
        self.loaded = []

    def __len__(self) -> int:
        return 10

    def __getitem__(self, index: int) -> int:
        self.loaded.append(index)
        return index


def test_an_epoch_continues_after_its_first_batches_without_loading_them():
    data = CountingDataset()
    loader = DataLoader(data, batch_size=3, shuffle=False, collate_fn=list)
    assert [b for b in RemainingBatches(loader, 2)] == [[6, 7, 8], [9]]
    assert data.loaded == [6, 7, 8, 9]
    assert len(loader) == 4  # hooks still count the epoch's batches
    assert [b for b in RemainingBatches(loader, 0)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_another_batch_sampler_skips_by_loading():
    data = CountingDataset()
    batch_sampler = [[0, 1], [2, 3], [4, 5]]  # not torch's BatchSampler
    loader = DataLoader(data, batch_sampler=batch_sampler, collate_fn=list)
    assert list(RemainingBatches(loader, 1)) == [[2, 3], [4, 5]]
    assert data.loaded == [0, 1, 2, 3, 4, 5]
