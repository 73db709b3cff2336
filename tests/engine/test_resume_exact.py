"""A resumed training run ends with exactly the weights of an uninterrupted one (issue 15,
defect 4): resumed at an epoch boundary, in the middle of an epoch, from the work dir's own
checkpoint (trusted) and from an explicit path (loaded safely).

A tiny ST-GCN with dropout trains on mmskel's synthetic actions, 4 epochs of 3 iterations, on
the CPU with ``randomness=dict(seed=0, deterministic=True)``; clips are sampled at random
(numpy), frames rotated at random (numpy) and the head drops out at random (torch), so every
random stream must be carried over for the weights to match bit for bit.
"""
import shutil
from itertools import count
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py'
EPOCHS, ITERS_PER_EPOCH = 4, 3
_names = count()


@pytest.fixture(scope='module')
def synthetic_pkl(tmp_path_factory) -> str:
    from mmskel.datasets.converters.synthetic import generate_synthetic
    path = tmp_path_factory.mktemp('synthetic') / 'synthetic_3danno.pkl'
    generate_synthetic(str(path), num_subjects=4, num_train_subjects=3,
                       samples_per_class_per_subject=1, min_frames=30, max_frames=40)
    return str(path)


def tiny_config(ann_file: str, work_dir: Path, num_workers: int = 0,
                by_epoch: bool = False) -> Config:
    """The synthetic ST-GCN recipe cut to a 4-stage, 8-channel model on 12 samples, with a
    random rotation in the pipeline, dropout in the head and a checkpoint every iteration, or
    every epoch with a validation after each (``by_epoch``)."""
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict({
        'model.backbone.base_channels': 8, 'model.backbone.num_stages': 4,
        'model.backbone.inflate_stages': [3], 'model.backbone.down_stages': [3],
        'model.cls_head.in_channels': 16, 'model.cls_head.dropout': 0.5,
        'train_dataloader.batch_size': 4, 'train_dataloader.num_workers': num_workers,
        'train_dataloader.persistent_workers': num_workers > 0,
        'train_dataloader.dataset.ann_file': ann_file,
        'train_dataloader.dataset.indices': 4 * ITERS_PER_EPOCH,
        'train_dataloader.dataset.pipeline.order': [
            'normalize', 'rotate', 'feats', 'sample', 'decode', 'format', 'pack'],
        'train_dataloader.dataset.pipeline.rotate': dict(type='RandomRot', theta=0.3),
        'train_cfg.max_epochs': EPOCHS,
        'default_hooks.checkpoint': dict(by_epoch=by_epoch, interval=1, max_keep_ckpts=-1,
                                         save_best=None),
        'default_hooks.logger.interval': 1,
        'randomness': dict(seed=0, deterministic=True),
    })
    if by_epoch:
        cfg.merge_from_dict({'val_dataloader.dataset.ann_file': ann_file,
                             'val_dataloader.dataset.indices': 4,
                             'val_dataloader.batch_size': 4})
    else:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'resume_exact_{next(_names)}'
    cfg.env_cfg.keep_freed_memory = False
    return cfg


def train(cfg: Config) -> dict:
    """Train in this process; the model's final state dict."""
    from mmskel.engine.build import build_runner, freeze_pipelines
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: more threads only contend on the CI's 2 cores
    try:
        runner = build_runner(freeze_pipelines(cfg))
        runner.train()
    finally:
        torch.set_num_threads(threads)
    assert runner.iter == EPOCHS * ITERS_PER_EPOCH
    return {k: v.clone() for k, v in runner.model.state_dict().items()}


def assert_same_weights(resumed: dict, straight: dict) -> None:
    assert list(resumed) == list(straight)
    different = [k for k in straight if not torch.equal(resumed[k], straight[k])]
    assert not different, f'{len(different)} of {len(straight)} tensors differ: {different[:5]}'


@pytest.fixture(scope='module')
def straight(synthetic_pkl, tmp_path_factory):
    """An uninterrupted run: its final weights and its work dir (iter_1.pth ... iter_12.pth)."""
    work_dir = tmp_path_factory.mktemp('straight')
    return train(tiny_config(synthetic_pkl, work_dir)), work_dir


@pytest.fixture(scope='module')
def straight_by_epoch(synthetic_pkl, tmp_path_factory):
    """The same run with a validation and a checkpoint every epoch (epoch_1.pth ...
    epoch_4.pth)."""
    work_dir = tmp_path_factory.mktemp('straight_by_epoch')
    return train(tiny_config(synthetic_pkl, work_dir, by_epoch=True)), work_dir


def test_saving_and_validating_do_not_change_training(straight, straight_by_epoch):
    weights, work_dir = straight
    assert sorted(p.name for p in work_dir.glob('iter_*.pth')) == sorted(
        f'iter_{i}.pth' for i in range(1, EPOCHS * ITERS_PER_EPOCH + 1))
    assert sorted(p.name for p in straight_by_epoch[1].glob('epoch_*.pth')) == [
        f'epoch_{i}.pth' for i in range(1, EPOCHS + 1)]
    assert_same_weights(straight_by_epoch[0], weights)


def test_resume_after_a_clean_stop_at_epoch_2(straight_by_epoch, synthetic_pkl, tmp_path):
    """The issue's case: stopped after epoch 2, resumed to epoch 4 from the epoch checkpoint."""
    weights, work_dir = straight_by_epoch
    cfg = tiny_config(synthetic_pkl, tmp_path, by_epoch=True)
    cfg.resume, cfg.load_from = True, str(work_dir / 'epoch_2.pth')
    assert_same_weights(train(cfg), weights)


def test_resume_at_epoch_boundary_from_own_work_dir(straight, synthetic_pkl, tmp_path):
    weights, work_dir = straight
    # the work dir of a run that stopped after epoch 2: auto-resume, trusted
    boundary = f'iter_{2 * ITERS_PER_EPOCH}.pth'
    shutil.copy(work_dir / boundary, tmp_path / boundary)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / boundary))
    cfg = tiny_config(synthetic_pkl, tmp_path)
    cfg.resume, cfg.load_from = True, None
    assert_same_weights(train(cfg), weights)


@pytest.mark.parametrize('done', [4, 8])  # 1 and 2 of the 3 iterations of epochs 2 and 3
def test_resume_in_the_middle_of_an_epoch_from_a_path(straight, synthetic_pkl, tmp_path, done):
    weights, work_dir = straight
    cfg = tiny_config(synthetic_pkl, tmp_path)
    cfg.resume, cfg.load_from = True, str(work_dir / f'iter_{done}.pth')  # loaded safely
    assert_same_weights(train(cfg), weights)
