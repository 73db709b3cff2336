"""init_recognizer / inference_skeleton and demo/demo_skeleton.py on a real NW-UCLA model."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmskel.apis import inference_skeleton, init_recognizer
from mmskel.datasets.converters.nwucla import load_nwucla_json
from mmskel.engine.amp import cpu_supports_bf16

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'
# the width the tool fixtures train with (tests/tools/conftest.py)
NARROW = {'model.backbone.base_channels': 16, 'model.cls_head.in_channels': 64}


@pytest.fixture(scope='module')
def model(trained):
    return init_recognizer(str(CONFIG), str(trained.path / 'epoch_2.pth'), device='cpu',
                           cfg_options=NARROW)


@pytest.fixture(scope='module')
def tested(tools, trained, tmp_path_factory):
    """tools/test.py --out on the same checkpoint: per-sample scores of the val subset."""
    folder = tmp_path_factory.mktemp('tested')
    tools.test(trained.path / 'epoch_2.pth', folder / 'work_dir', '--out', folder / 'result.pkl')
    with open(folder / 'result.pkl', 'rb') as f:
        return pickle.load(f)


@pytest.fixture
def raw(nwucla_root):
    """A val (view 3) sample read straight from its NW-UCLA json: keypoint [1, T, 20, 3]."""
    sample, _ = load_nwucla_json(nwucla_root / 'a04_s01_e00_v03.json')
    return sample


def test_raw_arrays_give_the_top1_of_tools_test(model, tested, nwucla_root):
    for frame_dir, scores in zip(tested['frame_dir'], tested['scores']):
        sample, _ = load_nwucla_json(nwucla_root / f'{frame_dir}.json')
        result = inference_skeleton(model, sample['keypoint'][0])  # [T, V, C], as a user has it
        assert result.labels[0] == int(scores.argmax()), frame_dir
        np.testing.assert_allclose(result.all_scores, scores, atol=1e-5)
    assert len(tested['frame_dir']) == 21


@pytest.mark.skipif(not cpu_supports_bf16(), reason='needs a CPU with native bf16')
def test_amp_inference_runs_in_bf16_close_to_float32(model, trained, raw):
    amp_model = init_recognizer(str(CONFIG), str(trained.path / 'epoch_2.pth'), device='cpu',
                                cfg_options=NARROW, amp=True)
    assert model.amp_dtype is None and amp_model.amp_dtype is torch.bfloat16
    seen = []
    amp_model.cls_head.fc.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    fp32, bf16 = inference_skeleton(model, raw['keypoint']), inference_skeleton(amp_model, raw)
    assert seen == [torch.bfloat16]
    assert bf16.all_scores.dtype == np.float32
    assert not np.array_equal(bf16.all_scores, fp32.all_scores)
    np.testing.assert_allclose(bf16.all_scores, fp32.all_scores, atol=0.03)


def test_result_holds_topk_labels_scores_and_names(model, raw):
    result = inference_skeleton(model, raw['keypoint'], topk=3)
    assert len(result.labels) == len(result.scores) == len(result.names) == 3
    assert result.scores == sorted(result.scores, reverse=True)
    assert result.all_scores.shape == (10,) and result.all_scores.sum() == pytest.approx(1, 1e-5)
    assert result.names[0] == model.class_names[result.labels[0]]
    assert model.class_names[3] == 'walk around'  # from the checkpoint's dataset meta
    assert str(result).splitlines()[1].startswith(f'1. {result.names[0]}')


def test_every_input_kind_gives_the_same_scores(model, raw, nwucla, tmp_path):
    keypoint = raw['keypoint']
    expected = inference_skeleton(model, keypoint).all_scores
    np.save(tmp_path / 'a.npy', keypoint[0])
    np.savez(tmp_path / 'b.npz', keypoint=keypoint)
    (tmp_path / 'c.json').write_text(json.dumps({'keypoint': keypoint.tolist()}))
    (tmp_path / 'd.json').write_text(json.dumps(keypoint[0].tolist()))
    with open(tmp_path / 'e.pkl', 'wb') as f:
        pickle.dump(raw, f)
    with open(nwucla.ann_file, 'rb') as f:
        index = [a['frame_dir'] for a in pickle.load(f)['annotations']].index('a04_s01_e00_v03')
    inputs = [keypoint, torch.from_numpy(keypoint), dict(raw), tmp_path / 'a.npy',
              str(tmp_path / 'b.npz'), tmp_path / 'c.json', tmp_path / 'd.json',
              tmp_path / 'e.pkl']
    for source in inputs:
        np.testing.assert_allclose(inference_skeleton(model, source).all_scores, expected,
                                   atol=1e-6, err_msg=str(type(source)))
    for sample in ('a04_s01_e00_v03', index, str(index)):
        result = inference_skeleton(model, nwucla.ann_file, sample=sample)
        assert result.frame_dir == 'a04_s01_e00_v03'
        np.testing.assert_allclose(result.all_scores, expected, atol=1e-6)


@pytest.mark.parametrize('make, message', [
    (lambda k: k[:, :, :17], "has 17 joints; the config's layout 'nw-ucla' has 20"),
    (lambda k: k[..., :2], 'the model takes 3 channels per joint'),
    (lambda k: k[0, 0], 'keypoint must be [T, V, C] or [M, T, V, C]'),
    (lambda k: np.concatenate([k, k[..., :1]], -1), 'with C = 2 or 3, got shape (1, '),
    (lambda k: np.where(k > 0, np.nan, k), 'NaN or inf'),
    (lambda k: {'keypoint_score': k[..., 0]}, "a sample dict needs a 'keypoint' array"),
])
def test_bad_input_is_refused_with_what_was_expected(model, raw, make, message):
    with pytest.raises(ValueError, match=message.replace('(', r'\(').replace('[', r'\[')):
        inference_skeleton(model, make(raw['keypoint']))


def test_bad_files_are_refused_by_name(model, raw, nwucla, tmp_path):
    with pytest.raises(ValueError, match=r'holds 1484 samples: name one with sample='):
        inference_skeleton(model, nwucla.ann_file)
    with pytest.raises(ValueError, match=r"no sample with frame_dir 'nope'"):
        inference_skeleton(model, nwucla.ann_file, sample='nope')
    with pytest.raises(ValueError, match=r'sample index 5000 is out of range'):
        inference_skeleton(model, nwucla.ann_file, sample=5000)
    (tmp_path / 'x.md').write_text('1,2,3\n')
    with pytest.raises(ValueError, match=r"x.md: unsupported input file type '.md'"):
        inference_skeleton(model, tmp_path / 'x.md')
    (tmp_path / 'x.csv').write_text('1,2,3\n')  # text is read, but 3 values are not 20 joints
    with pytest.raises(ValueError, match=r'x.csv: wrong joint count: line 1: 3 values per line'):
        inference_skeleton(model, tmp_path / 'x.csv')
    with pytest.raises(FileNotFoundError, match='input file not found'):
        inference_skeleton(model, tmp_path / 'missing.npy')
    with pytest.raises(ValueError, match=r'keypoint_score must have shape \(1, 31, 20\)'):
        inference_skeleton(model, raw['keypoint'], keypoint_score=np.ones((31, 19)))


def coco_2d_config(**extra) -> Config:
    """A tiny 2D (COCO, x, y, score) ST-GCN config built from the NTU-60 2D dataset base."""
    cfg = Config.fromfile(str(REPO / 'configs/_base_/datasets/ntu60_xsub_2d.py'))
    cfg.merge_from_dict(dict(model=dict(
        type='RecognizerGCN', backbone=dict(type='STGCN', in_channels=3, base_channels=8,
                                            graph_cfg=dict(layout='coco', mode='stgcn_spatial')),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32)), **extra))
    cfg.test_dataloader.dataset.pipeline.sample.update(clip_len=16, num_clips=2)
    return cfg


def test_2d_input_takes_scores_as_a_third_channel_or_separately(tmp_path):
    torch.manual_seed(0)
    model = init_recognizer(coco_2d_config(), device='cpu')
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 1000, (2, 30, 17, 2)).astype(np.float32)
    score = rng.uniform(0, 1, (2, 30, 17)).astype(np.float32)
    joint = inference_skeleton(model, np.concatenate([xy, score[..., None]], -1)).all_scores
    split = inference_skeleton(model, xy, keypoint_score=score).all_scores
    np.testing.assert_allclose(joint, split, atol=1e-6)
    assert model.class_names == ['class_0', 'class_1', 'class_2', 'class_3']  # no names known
    with pytest.raises(ValueError, match=r'3 channels per joint \(2D \(x, y\) with a score'):
        inference_skeleton(model, xy)


def test_the_config_datasets_build_after_init_recognizer(tmp_path):
    # a fresh process: no default scope set by earlier tests
    config = tmp_path / 'cfg.py'
    coco_2d_config().dump(str(config))
    script = (f'from mmskel.apis import init_recognizer\n'
              f'from mmskel.registry import DATASETS\n'
              f'model = init_recognizer({str(config)!r}, device="cpu")\n'
              f'dataset = model.cfg.test_dataloader.dataset\n'
              f'dataset.update(ann_file="missing.pkl", lazy_init=True)\n'
              f'print(type(DATASETS.build(dataset)).__name__)\n')
    proc = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split()[-1] == 'PoseDataset'


def test_class_names_come_from_the_config_first(tmp_path):
    names = tmp_path / 'names.txt'
    names.write_text('clap\nwave\njump\nsit\n')
    model = init_recognizer(coco_2d_config(class_names=str(names)), device='cpu')
    assert model.class_names == ['clap', 'wave', 'jump', 'sit']
    model = init_recognizer(coco_2d_config(label_map=['a', 'b', 'c', 'd']), device='cpu')
    assert model.class_names == ['a', 'b', 'c', 'd']
    with pytest.raises(ValueError, match="'class_names' gives 2 class names, the model has 4"):
        init_recognizer(coco_2d_config(class_names=['a', 'b']), device='cpu')


class _Note:
    """A plain object whose own code, if ever run on loading, creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __setstate__(self, state: dict) -> None:
        Path(state['marker']).touch()


class _Touch(_Note):
    def __reduce__(self):
        return (Path.touch, (self.marker,))


class _System(_Note):
    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


def test_checkpoints_load_weights_only_and_run_nothing(model, tmp_path):
    state = {k: v.clone() for k, v in model.state_dict().items()}
    marker = tmp_path / 'pwned'
    # an object outside the state dict is left out, its code never run; the weights load
    torch.save(dict(state_dict=state, meta=dict(note=_Note(marker))), tmp_path / 'a.pth')
    loaded = init_recognizer(str(CONFIG), str(tmp_path / 'a.pth'), device='cpu',
                             cfg_options=NARROW)
    for name, value in loaded.state_dict().items():
        assert torch.equal(value, state[name]), name
    torch.save(dict(state_dict=dict(state, extra=_Note(marker))), tmp_path / 'b.pth')
    with pytest.raises(ValueError, match=r"b.pth: the state dict holds non-tensor entries "
                                         r"\['extra'\]"):
        init_recognizer(str(CONFIG), str(tmp_path / 'b.pth'), cfg_options=NARROW)
    for name, payload, reason in (('c.pth', _Touch(marker), 'Trying to call reduce'),
                                  ('d.pth', _System(marker), 'posix.system')):
        torch.save(dict(state_dict=state, meta=payload), tmp_path / name)
        with pytest.raises(pickle.UnpicklingError,
                           match=rf'{name}: refused by weights_only loading \(.*{reason}'):
            init_recognizer(str(CONFIG), str(tmp_path / name), cfg_options=NARROW)
    assert not marker.exists()
    with pytest.raises(RuntimeError, match='does not fit the model of the config'):
        init_recognizer(str(CONFIG), str(tmp_path / 'a.pth'), device='cpu')  # width 64


def run_demo(monkeypatch, *args) -> None:
    """``python demo/demo_skeleton.py ARGS``, in this process (the imports are paid once)."""
    import runpy
    monkeypatch.setattr(sys, 'argv', ['demo_skeleton.py', *map(str, args)])
    runpy.run_path(str(REPO / 'demo' / 'demo_skeleton.py'), run_name='__main__')


def test_demo_prints_top5_and_writes_a_gif(trained, nwucla, tmp_path, monkeypatch, capsys):
    from PIL import Image
    out = tmp_path / 'result.gif'
    run_demo(monkeypatch, nwucla.ann_file, CONFIG, trained.path / 'epoch_2.pth', '--sample',
             'a04_s01_e00_v03', '--out-gif', out, '--device', 'cpu', '--cfg-options',
             *[f'{k}={v}' for k, v in NARROW.items()])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'a04_s01_e00_v03: top-5'
    assert [line[:3] for line in lines[1:6]] == ['1. ', '2. ', '3. ', '4. ', '5. ']
    with open(nwucla.ann_file, 'rb') as f:
        sample = next(a for a in pickle.load(f)['annotations']
                      if a['frame_dir'] == 'a04_s01_e00_v03')
    num_frames = sample['keypoint'].shape[1]
    assert lines[6] == f'wrote {out} ({num_frames} frames)'
    with Image.open(out) as gif:
        assert gif.n_frames == num_frames and gif.size == (320, 320)
        assert len(set(np.asarray(gif.convert('L')).ravel().tolist())) > 2  # something drawn


def test_demo_exits_with_the_error_of_a_bad_input(nwucla, monkeypatch):
    with pytest.raises(SystemExit, match=r'error: .*holds 1484 samples: name one with sample='):
        run_demo(monkeypatch, nwucla.ann_file, CONFIG, 'unused.pth')


def test_the_python_example_of_the_docs_runs(trained, raw, tmp_path, capsys, monkeypatch):
    """docs/inference.md's ```python block, in a folder laid out as the page assumes."""
    import re
    code = re.search(r'```python\n(.*?)```', (REPO / 'docs' / 'inference.md').read_text(),
                     flags=re.S).group(1)
    (tmp_path / 'configs').symlink_to(REPO / 'configs')
    (tmp_path / 'work_dirs' / 'stgcn_nwucla').mkdir(parents=True)
    (tmp_path / 'work_dirs' / 'stgcn_nwucla' / 'epoch_1.pth').symlink_to(
        trained.path / 'epoch_2.pth')
    np.save(tmp_path / 'walk.npy', raw['keypoint'][0])
    monkeypatch.chdir(tmp_path)
    exec(compile(code, 'docs/inference.md', 'exec'), {})
    names, scores = capsys.readouterr().out.strip().split('] [')
    assert len(eval(names + ']')) == 3 and len(eval('[' + scores)) == 3


def test_class_balanced_loss_configs_build_without_the_training_data(tmp_path, monkeypatch):
    # the BABEL _wfl configs weigh classes by the training set's counts; the model builds (and
    # runs inference) with no annotation file anywhere: the weights come with a checkpoint
    monkeypatch.chdir(tmp_path)
    config = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_80e_babel60_val_keypoint_3d_wfl.py'
    assert not Path(Config.fromfile(str(config)).train_dataloader.dataset.ann_file).exists()
    model = init_recognizer(str(config), device='cpu')
    assert model.cls_head.loss_cls.class_weight.shape == (60, )
    assert 'cls_head.loss_cls.class_weight' in model.state_dict()
    x = np.random.default_rng(0).normal(0, 0.3, (1, 40, 25, 3)).astype(np.float32)
    assert len(inference_skeleton(model, x).all_scores) == 60
