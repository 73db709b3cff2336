"""Distributed training against one process (issue 15, defect 8): mmskel's CPU SyncBN normalises
two processes' half batches as batch norm does the whole batch, and SkeletonRunner uses it for
``sync_bn`` on the CPU; the 2-process training run is measured in benchmarks/ddp_equivalence.py."""
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from conftest import free_port
from torch import nn

from mmskel.engine.sync_bn import SyncBatchNorm, convert_sync_batchnorm

REPO = Path(__file__).resolve().parents[2]


def batch() -> torch.Tensor:
    """[8, 3, 5, 4]: a batch of two halves with different statistics."""
    x = torch.randn(8, 3, 5, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    x[4:] = x[4:] * 3 + 1
    return x


def one_process() -> dict:
    bn = nn.BatchNorm2d(3, momentum=0.3).double()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
    x = batch().requires_grad_()
    (bn(x) * torch.arange(8.0, dtype=torch.float64).view(8, 1, 1, 1)).square().sum().backward()
    return dict(out_grad=x.grad, weight_grad=bn.weight.grad, bias_grad=bn.bias.grad,
                running_mean=bn.running_mean, running_var=bn.running_var)


def rank_half(rank: int, port: int, out_dir: Path) -> None:
    """Rank ``rank`` of 2 normalises its half of the batch with SyncBatchNorm (tensors too
    small for torch's thread pool, which a forked child must not use)."""
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=2)
    try:
        bn = SyncBatchNorm(3, momentum=0.3).double()
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        x = batch()[rank * 4:(rank + 1) * 4].requires_grad_()
        scale = torch.arange(8.0, dtype=torch.float64).view(8, 1, 1, 1)[rank * 4:(rank + 1) * 4]
        (bn(x) * scale).square().sum().backward()
        torch.save(dict(out_grad=x.grad, weight_grad=bn.weight.grad, bias_grad=bn.bias.grad,
                        running_mean=bn.running_mean, running_var=bn.running_var),
                   out_dir / f'rank{rank}.pth')
    finally:
        dist.destroy_process_group()


def test_two_processes_normalise_as_one_whole_batch(tmp_path):
    context = mp.get_context('fork')  # no re-import: a spawned child takes ~10 s to start
    port = free_port()
    ranks = [context.Process(target=rank_half, args=(rank, port, tmp_path)) for rank in (0, 1)]
    for process in ranks:
        process.start()
    for process in ranks:
        process.join(timeout=60)
    assert [p.exitcode for p in ranks] == [0, 0]
    expected = one_process()
    ranks = [torch.load(tmp_path / f'rank{rank}.pth') for rank in (0, 1)]
    torch.testing.assert_close(torch.cat([r['out_grad'] for r in ranks]), expected['out_grad'])
    for key in ('weight_grad', 'bias_grad'):  # DDP sums (then averages) these over ranks
        torch.testing.assert_close(ranks[0][key] + ranks[1][key], expected[key])
    for key in ('running_mean', 'running_var'):
        for r in ranks:
            torch.testing.assert_close(r[key], expected[key])


def test_without_a_process_group_or_in_eval_it_is_batch_norm():
    plain = nn.BatchNorm2d(3)
    synced = convert_sync_batchnorm(nn.Sequential(nn.BatchNorm2d(3)))[0]
    assert isinstance(synced, SyncBatchNorm)
    x = batch().float()
    torch.testing.assert_close(synced(x), plain(x), rtol=0, atol=0)
    synced.eval(), plain.eval()
    torch.testing.assert_close(synced(x), plain(x), rtol=0, atol=0)
    with pytest.raises(ValueError, match='expects input'):
        synced(torch.ones(3))


def test_convert_replaces_every_batch_norm_and_keeps_the_state(registries):
    from mmskel.registry import MODELS
    model = MODELS.build(dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', base_channels=8, num_stages=2, inflate_stages=[],
                      down_stages=[], graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
        cls_head=dict(type='GCNHead', num_classes=5, in_channels=8)))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    kinds = {type(m) for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)}
    assert kinds and SyncBatchNorm not in kinds
    convert_sync_batchnorm(model)
    assert {type(m) for m in model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)} == {SyncBatchNorm}
    after = model.state_dict()
    assert list(after) == list(before)
    assert all(torch.equal(after[k], before[k]) for k in before)


@pytest.mark.slow  # three trainings, one of them on 2 processes each: minutes on 2 loaded cores
def test_two_process_training_with_sync_bn_matches_one_process(tmp_path):
    import subprocess
    import sys
    proc = subprocess.run(
        [sys.executable, 'benchmarks/ddp_equivalence.py', '--epochs', '2',
         '--iters-per-epoch', '2', '--work-dir', str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {line.split('|')[1].strip(): [float(c) for c in line.split('|')[2:5]]
            for line in proc.stdout.splitlines() if line.startswith('| ') and 'process' in line}
    assert rows['1 process, batch 8'] == [0.0, 0.0, 0.0]
    plain, synced = rows['2 processes, batch 4 each'], rows['2 processes, batch 4 each, sync_bn']
    assert synced[1] < 1e-4  # float rounding: summation order
    assert plain[1] > 100 * synced[1]  # per-process BN statistics
