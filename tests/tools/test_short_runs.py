"""A shortened run as a user types it (issue 17): tools/train.py --cfg-options
train_cfg.max_epochs=2 on a 50-epoch recipe warms up and decays within the 2 epochs and logs the
rescaling; tools/test.py --out says where the results went."""
import pytest

from .conftest import WorkDir


def test_a_shortened_run_decays_its_lr_and_logs_why(trained: WorkDir) -> None:
    assert ('param_scheduler written for 50 epochs rescaled to train_cfg.max_epochs=2 (x0.04): '
            'LinearLR end 5 -> 1; CosineAnnealingLR begin 5 -> 1, end 50 -> 2, T_max 45 -> 1'
            in trained.log())
    lrs = [r['lr'] for r in trained.train_records()]
    assert lrs[0] == pytest.approx(0.01)  # warm-up from lr 0.1 x 0.1 over epoch 1
    assert max(lrs) == pytest.approx(0.1, rel=0.05)
    assert lrs[-1] < 0.02  # cosine to 0 over epoch 2 (it stayed near 0.05 before)


def test_test_tool_prints_where_it_wrote_out(tools, trained: WorkDir, tmp_path) -> None:
    proc = tools.test(trained.path / 'epoch_2.pth', tmp_path / 'work_dir', '--out',
                      'result.pkl')
    assert (tmp_path / 'result.pkl').is_file()
    assert f'wrote per-sample scores, labels and ids to {tmp_path / "result.pkl"}' in \
        proc.stdout.splitlines()
