"""benchmarks/gpu_check.sh, the GPU figures' one command, as a dry run on the CPU at tiny sizes."""
import subprocess

from .conftest import REPO

# a narrow SlowOnly (base width 8: its head takes 16 x 8 channels) on 8 short clips
POSEC3D_OPTIONS = ('model.backbone.base_channels=8 model.cls_head.in_channels=128 clip_len=8 '
                   'train_dataloader.dataset.repeat=1 train_dataloader.dataset.indices=8 '
                   'train_dataloader.batch_size=4 train_dataloader.persistent_workers=False')


def test_gpu_check_dry_run_writes_every_table(tools, nwucla_pixels, tmp_path):
    options = [o for o in tools.options() if not o.startswith('train_cfg.max_epochs=')]
    env = dict(tools.env(), DEVICE='cpu', PRECISIONS='fp32 bf16', EPOCHS='2', WARMUP='1',
               BATCH='1', FRAMES='8', REPEATS='1', COMPILE_TIMEOUT='1', RUNS=str(tmp_path / 'runs'),
               TRAIN_OPTIONS=' '.join(options), PIXELS=str(nwucla_pixels), WORKERS='0',
               POSEC3D_OPTIONS=POSEC3D_OPTIONS)
    out = tmp_path / 'out'
    proc = subprocess.run(['bash', 'benchmarks/gpu_check.sh', str(out)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / 'device.txt').read_text().startswith('torch ')
    models = (out / 'models.md').read_text()
    assert '| ST-GCN |' in models and '| MSA-GCN |' in models and 'channels_last/fp32' in models
    nwucla = (out / 'nwucla.md').read_text()
    for run in ('fp32_seed0', 'fp32_seed1', 'bf16_seed0', 'bf16_seed1'):
        assert f'| {run} | 2 |' in nwucla
    assert (out / 'compile.md').exists()
    posec3d = (out / 'posec3d.md').read_text()
    assert posec3d.count('average iter time:') == 2, posec3d  # fp32 and --amp
    assert posec3d.count('average data time:') == 2, posec3d
