"""The heatmap (PoseC3D) tools on real NW-UCLA 2D pixels (convert_nwucla.py --pixels) and the
X3D-shallow NW-UCLA config: tools/misc/vis_heatmap.py, whose panels are checked against the heatmap
volume that the config's dataset gives the model (as tools/train.py and tools/test.py build it),
not only that a file was written; demo/demo_skeleton.py with a checkpoint of tools/train.py."""
import importlib.util
import pickle
import random
import re
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib import colormaps
from PIL import Image

from mmskel.apis import init_recognizer
from mmskel.apis.inference import load_model_config
from mmskel.registry import DATASETS
from mmskel.utils import register_all_modules
from mmskel.visualization.heatmap import panel_boxes
from .conftest import Tools

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'skeleton' / 'posec3d' / 'x3d_shallow_nwucla_xview_keypoint.py'
GCN_CONFIG = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'
CLIP_LEN = 12  # shorter clips than the config's 52: fewer frames to draw
VAL_ID, TRAIN_ID = 'a01_s01_e01_v03', 'a06_s02_e01_v01'  # view 3 is val, views 1-2 train
LEFT_HAND = 7  # nw-ucla layout
# a narrow X3D-shallow (base width 8; its head takes 9 x 8 channels) on short clips
NARROW_OPTIONS = {'model.backbone.base_channels': 8, 'model.cls_head.in_channels': 72,
                  'clip_len': CLIP_LEN}
NARROW = [f'{key}={value}' for key, value in NARROW_OPTIONS.items()]


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('vis_heatmap',
                                                  REPO / 'tools' / 'misc' / 'vis_heatmap.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def pixels(nwucla_pixels) -> Path:
    return nwucla_pixels  # tests/conftest.py


def model_input(pixels: Path, pipeline: str, frame_dir: str, seed: int = 0) -> np.ndarray:
    """The heatmap volume [clips, K, T, H, W] the config's ``pipeline`` dataset gives the model
    for ``frame_dir``, its random draws seeded with ``seed``."""
    register_all_modules()
    cfg = load_model_config(str(CONFIG), {'clip_len': CLIP_LEN})
    dataset = DATASETS.build(dict(cfg[f'{pipeline}_dataloader'].dataset, ann_file=str(pixels),
                                  test_mode=pipeline != 'train'))
    index = next(i for i in range(len(dataset))
                 if dataset.get_data_info(i)['frame_dir'] == frame_dir)
    random.seed(seed)
    np.random.seed(seed)
    return dataset[index]['inputs'].numpy()


def panel(image: Image.Image, box: tuple) -> np.ndarray:
    """The RGB pixels [h, w, 3] of a (left, top, right, bottom) box."""
    return np.asarray(image.convert('RGB'), dtype=np.int64)[box[1]:box[3], box[0]:box[2]]


def block_centres(pixels: np.ndarray, zoom: int) -> np.ndarray:
    """The centre pixel of each zoom x zoom block: one RGB per heatmap pixel [H, W, 3]."""
    return pixels[zoom // 2::zoom, zoom // 2::zoom]


def test_gif_shows_the_joint_channel_where_the_transform_put_the_joint(tool, pixels, tmp_path,
                                                                       capsys):
    out = tmp_path / 'heatmap.gif'
    tool.main([str(CONFIG), str(pixels), '--id', VAL_ID, '--channel', 'left_hand', '--out',
               str(out), '--cfg-options', f'clip_len={CLIP_LEN}'])
    printed = capsys.readouterr().out
    assert (f'{VAL_ID}: test pipeline, clip 1/10, {CLIP_LEN} of {CLIP_LEN} frames, 20 channels '
            f'of 64 x 64, channel {LEFT_HAND}: left_hand -> {out}') in printed
    assert f'{VAL_ID}  label: pick up with one hand (0)' in printed
    heatmaps = model_input(pixels, 'test', VAL_ID)[0, LEFT_HAND]  # clip 1: [T, 64, 64]
    zoom = 4  # panels of 256 pixels
    size, [(skeleton_box, heatmap_box)] = panel_boxes(64, 64, zoom)
    gif = Image.open(out)
    assert gif.n_frames == CLIP_LEN and gif.size == size
    checked = 0
    for t in range(CLIP_LEN):
        if heatmaps[t].max() < 0.5:  # the hand is not drawn in this frame
            continue
        gif.seek(t)
        peak = np.unravel_index(heatmaps[t].argmax(), heatmaps[t].shape)  # (y, x)
        shown = block_centres(panel(gif, heatmap_box), zoom).sum(-1)
        assert np.unravel_index(shown.argmax(), shown.shape) == peak, t
        # the highlighted joint on the skeleton sits on the same pixel of the cropped frame
        rgb = panel(gif, skeleton_box)
        red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
        ys, xs = np.nonzero(red)
        centre = np.array([ys.mean(), xs.mean()]) / zoom - 0.5
        assert np.abs(centre - peak).max() <= 0.75, (t, centre, peak)
        checked += 1
    assert checked >= CLIP_LEN // 2


def test_png_rows_show_the_max_over_channels_of_the_train_pipeline(tool, pixels, tmp_path,
                                                                   capsys):
    out = tmp_path / 'heatmap.png'
    frames = [0, 5, 11]
    tool.main([str(CONFIG), str(pixels), '--id', TRAIN_ID, '--pipeline', 'train', '--seed', '3',
               '--frames', *map(str, frames), '--out', str(out), '--cfg-options',
               f'clip_len={CLIP_LEN}'])
    assert (f'{TRAIN_ID}: train pipeline, clip 1/1, 3 of {CLIP_LEN} frames, 20 channels of '
            f'56 x 56, max over 20 channels -> {out}') in capsys.readouterr().out
    # the same random crop and flip: the tool seeds as the dataset is seeded here
    volume = model_input(pixels, 'train', TRAIN_ID, seed=3)[0]  # [K, T, 56, 56]
    assert volume.shape == (20, CLIP_LEN, 56, 56)
    zoom = 5  # round(256 / 56)
    size, boxes = panel_boxes(56, 56, zoom, rows=len(frames))
    image = Image.open(out)
    assert image.format == 'PNG' and image.size == size
    expected = np.round(colormaps['inferno'](np.clip(volume.max(0), 0, 1))[..., :3] * 255)
    for (skeleton_box, heatmap_box), t in zip(boxes, frames):
        shown = block_centres(panel(image, heatmap_box), zoom)
        assert np.abs(shown - expected[t]).max() <= 1, t
        drawn = panel(image, skeleton_box).sum(-1) < 600  # bones and joints on white
        assert drawn.sum() > 200, t


def test_bad_arguments_are_refused_naming_what_was_expected(tool, pixels, tmp_path):
    out = str(tmp_path / 'x.gif')
    common = ['--out', out, '--cfg-options', f'clip_len={CLIP_LEN}']
    with pytest.raises(SystemExit, match=f"{pixels}: no sample with frame_dir 'nope' "
                       r'\(1484 samples there\)'):
        tool.main([str(CONFIG), str(pixels), '--id', 'nope', *common])
    with pytest.raises(SystemExit, match=f'{GCN_CONFIG} is not a heatmap config: its test '
                       'pipeline has no GeneratePoseTarget step'):
        tool.main([str(GCN_CONFIG), str(pixels), '--id', VAL_ID, '--out', out])
    with pytest.raises(SystemExit, match=r"--channel 'wing': expected a channel index 0\.\.19 "
                       r"or one of the channel names \['hip_center'"):
        tool.main([str(CONFIG), str(pixels), '--id', VAL_ID, '--channel', 'wing', *common])
    with pytest.raises(SystemExit, match=f"sample '{VAL_ID}': clip 10: the pipeline makes "
                       r'10 clip\(s\) of this sample \(0\.\.9\)'):
        tool.main([str(CONFIG), str(pixels), '--id', VAL_ID, '--clip', '10', *common])
    with pytest.raises(SystemExit, match=rf'--frames \[12\]: the clip has {CLIP_LEN} frames'):
        tool.main([str(CONFIG), str(pixels), '--id', VAL_ID, '--frames', '12', *common])
    with pytest.raises(SystemExit, match=f"{CONFIG}: {pixels}: the pickle's layout is 'nw-ucla' "
                       r".*but the config says layout 'coco'"):
        tool.main([str(CONFIG), str(pixels), '--id', VAL_ID, '--out', out, '--cfg-options',
                   'layout=coco'])
    assert not Path(out).exists()


@pytest.fixture(scope='module')
def random_checkpoint(pixels, tmp_path_factory) -> Path:
    """The narrow X3D-shallow as initialised, saved with the class names, as training does."""
    torch.manual_seed(0)
    model = init_recognizer(str(CONFIG), device='cpu', cfg_options=NARROW_OPTIONS)
    with open(pixels, 'rb') as f:
        classes = pickle.load(f)['classes']
    path = tmp_path_factory.mktemp('x3d_init') / 'init.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(dataset_meta=dict(classes=classes))),
               path)
    return path


@pytest.fixture(scope='module')
def trained_checkpoint(pixels, tmp_path_factory) -> Path:
    """tools/train.py: one epoch of the narrow X3D-shallow on 8 real samples, as a user runs it."""
    work_dir = tmp_path_factory.mktemp('x3d') / 'work_dir'
    Tools().run(['tools/train.py', CONFIG, '--work-dir', work_dir, '--cfg-options',
                 'train_cfg.max_epochs=1', f'ann_file={pixels}', *NARROW,
                 'train_dataloader.dataset.indices=8', 'train_dataloader.dataset.repeat=1',
                 'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
                 'train_dataloader.persistent_workers=False'], cwd=work_dir.parent)
    return work_dir / 'epoch_1.pth'


def run_demo(monkeypatch, *args) -> None:
    """``python demo/demo_skeleton.py ARGS``, in this process (the imports are paid once)."""
    monkeypatch.setattr(sys, 'argv', ['demo_skeleton.py', *map(str, args)])
    runpy.run_path(str(REPO / 'demo' / 'demo_skeleton.py'), run_name='__main__')


@pytest.mark.parametrize('kind', ['random', pytest.param('trained', marks=pytest.mark.slow)])
def test_demo_recognises_2d_pixels_with_a_heatmap_model(kind, pixels, tmp_path, monkeypatch,
                                                        capsys, request):
    checkpoint = request.getfixturevalue(f'{kind}_checkpoint')
    out = tmp_path / 'demo.gif'
    monkeypatch.chdir(tmp_path)  # no data/ here: the class names come with the checkpoint
    run_demo(monkeypatch, pixels, CONFIG, checkpoint, '--sample', VAL_ID, '--topk', '3',
             '--device', 'cpu', '--out-gif', out, '--cfg-options', *NARROW)
    lines = capsys.readouterr().out.splitlines()
    # the scores of the 10 clips and their flipped copies, as tools/test.py's dataloader makes
    # them for this sample
    model = init_recognizer(str(CONFIG), str(checkpoint), 'cpu',
                            cfg_options=NARROW_OPTIONS)
    model.cfg.test_dataloader.dataset.ann_file = str(pixels)
    register_all_modules()
    dataset = DATASETS.build(model.cfg.test_dataloader.dataset)
    index = next(i for i in range(len(dataset)) if dataset.get_data_info(i)['frame_dir'] == VAL_ID)
    data = dataset[index]
    assert data['inputs'].shape == (20, 20, CLIP_LEN, 64, 64)  # 10 clips x 2, K, T, H, W
    with torch.no_grad():
        scores = model.test_step(dict(inputs=[data['inputs']],
                                      data_samples=[data['data_samples']]))[0].pred_score.numpy()
    with open(pixels, 'rb') as f:
        classes = pickle.load(f)['classes']
    assert lines[0] == f'{VAL_ID}: top-3'
    printed = [re.fullmatch(rf'{rank + 1}\. (.+?) +\(class +(\d+)\)  ([\d.]+)', line).groups()
               for rank, line in enumerate(lines[1:4])]
    for name, label, score in printed:
        assert name == classes[int(label)] and abs(float(score) - scores[int(label)]) < 6e-5
    # the three best (scores a rounding apart may swap places)
    np.testing.assert_allclose([float(p[2]) for p in printed], np.sort(scores)[::-1][:3],
                               atol=6e-5)
    num_frames = 21  # a01_s01_e01_v03's frames: the GIF draws the input, not the clip
    assert lines[4] == f'wrote {out} ({num_frames} frames)'
    with Image.open(out) as gif:
        assert gif.n_frames == num_frames and gif.size == (320, 320)


def test_demo_names_the_file_of_normalised_keypoints(pixels, random_checkpoint, tmp_path,
                                                     monkeypatch):
    with open(pixels, 'rb') as f:
        sample = next(s for s in pickle.load(f)['annotations'] if s['frame_dir'] == VAL_ID)
    sample['keypoint'] = sample['keypoint'] / 1920  # coordinates in [0, 1]: not pixels
    with_shape, without_shape = tmp_path / 'with_shape.pkl', tmp_path / 'without_shape.pkl'
    with open(with_shape, 'wb') as f:
        pickle.dump(sample, f)
    with open(without_shape, 'wb') as f:
        pickle.dump({k: v for k, v in sample.items() if k != 'img_shape'}, f)
    # img_shape (1080, 1920) given: the pipeline's first heatmap step refuses the keypoints
    with pytest.raises(SystemExit, match=f'error: {with_shape}: PoseCompact: "keypoint" looks '
                       r'normalised .* but img_shape \(1080, 1920\) asks for pixels'):
        run_demo(monkeypatch, with_shape, CONFIG, random_checkpoint, '--device', 'cpu',
                 '--cfg-options', *NARROW)
    with pytest.raises(SystemExit, match=r'error: --topk must be >= 1, got 0'):
        run_demo(monkeypatch, with_shape, CONFIG, random_checkpoint, '--topk', '0')
    # none: the canvas cannot be taken from the keypoints' extent
    with pytest.raises(SystemExit, match=f'error: {without_shape}: {VAL_ID}: keypoints look '
                       'normalised .* a heatmap config takes pixel coordinates'):
        run_demo(monkeypatch, without_shape, CONFIG, random_checkpoint, '--device', 'cpu',
                 '--cfg-options', *NARROW)
