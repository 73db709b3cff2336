"""animate_skeleton: GIFs of real NW-UCLA samples and synthetic 2D multi-person clips."""
import pickle

import numpy as np
import pytest
from matplotlib import animation
from matplotlib.colors import to_rgb
from PIL import Image

from mmskel.visualization import animate_skeleton


def frames_of(path):
    """[F, H, W, 3] uint8 frames of a GIF."""
    image = Image.open(path)
    frames = []
    for index in range(image.n_frames):
        image.seek(index)
        frames.append(np.asarray(image.convert('RGB')))
    return np.stack(frames)


def has_color(frame, color, tol=40):
    """Whether any pixel is within ``tol`` of the matplotlib colour ``color``."""
    target = np.array(to_rgb(color)) * 255
    return bool((np.abs(frame.astype(int) - target).max(-1) < tol).any())


@pytest.fixture(scope='module')
def nwucla_sample(tmp_path_factory, request):
    """The shortest real NW-UCLA sample with several frames, converted by the converter."""
    import subprocess
    import sys

    from conftest import shared_path  # tests/conftest.py
    root = shared_path('NW-UCLA', 'all_sqe')
    out = tmp_path_factory.mktemp('nwucla_vis') / 'ann.pkl'
    subprocess.run([sys.executable, 'tools/data/nwucla/convert_nwucla.py', '--root', str(root),
                    '--out', str(out)], check=True, capture_output=True,
                   cwd=request.config.rootpath)
    with open(out, 'rb') as f:
        data = pickle.load(f)
    return min((s for s in data['annotations'] if s['total_frames'] >= 5),
               key=lambda s: s['total_frames'])


def test_gif_of_a_real_3d_sample_has_one_frame_per_input_frame(nwucla_sample, tmp_path):
    out = tmp_path / 'sample.gif'
    keypoint = nwucla_sample['keypoint']
    assert animate_skeleton(keypoint, 'nw-ucla', str(out), title='walk', fps=5) == \
        keypoint.shape[1]
    frames = frames_of(out)
    assert frames.shape == (keypoint.shape[1], 320, 320, 3)
    assert all(has_color(frame, 'tab:blue') for frame in frames)  # the skeleton is drawn
    assert Image.open(out).info['duration'] == 200  # 5 fps


def test_two_persons_in_2d(tmp_path):
    rng = np.random.default_rng(0)
    keypoint = rng.uniform(0, 100, (2, 4, 17, 2))
    keypoint[1, 2:] = 0  # the second person leaves after frame 2 (zero padding)
    out = tmp_path / 'two.gif'
    assert animate_skeleton(keypoint, 'coco', str(out), size=3, dpi=50) == 4
    frames = frames_of(out)
    assert frames.shape == (4, 150, 150, 3)
    assert has_color(frames[0], 'tab:blue') and has_color(frames[0], 'tab:orange')
    assert has_color(frames[3], 'tab:blue') and not has_color(frames[3], 'tab:orange')


def test_custom_layout_dict_and_scores(tmp_path):
    layout = dict(name='chain', parents=[0, 0, 1], center=0)
    keypoint = np.array([[[0, 0], [1, 1], [2, 0]]] * 3, dtype=float)  # [T, V, C]
    score = np.ones((3, 3))
    score[1] = 0  # frame 2 hidden entirely
    out = tmp_path / 'chain.gif'
    assert animate_skeleton(keypoint, layout, str(out), keypoint_score=score, dpi=40) == 3
    frames = frames_of(out)
    assert has_color(frames[0], 'tab:blue') and not has_color(frames[1], 'tab:blue')


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(ValueError, match="layout 'coco' has 17 joints but keypoint has 20"):
        animate_skeleton(np.ones((1, 2, 20, 3)), 'coco', str(tmp_path / 'a.gif'))
    with pytest.raises(ValueError, match=r'must end in \.gif or \.mp4'):
        animate_skeleton(np.ones((1, 2, 17, 2)), 'coco', str(tmp_path / 'a.avi'))
    with pytest.raises(ValueError, match=r'\[T, V, C\] or \[M, T, V, C\]'):
        animate_skeleton(np.ones((2, 17)), 'coco', str(tmp_path / 'a.gif'))
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_the_layout_is_never_guessed_from_the_joint_count(tmp_path):
    """25 joints used to be drawn as nturgb+d whatever their order; now a layout is required."""
    with pytest.raises(TypeError, match="layout"):
        animate_skeleton(np.ones((1, 2, 25, 3)), out_file=str(tmp_path / 'a.gif'))
    with pytest.raises(ValueError, match='needs a layout .*joint count does not tell'):
        animate_skeleton(np.ones((1, 2, 25, 3)), None, str(tmp_path / 'a.gif'))
    assert not list(tmp_path.iterdir())


def test_mp4_needs_ffmpeg(tmp_path):
    out = tmp_path / 'a.mp4'
    if animation.writers.is_available('ffmpeg'):
        assert animate_skeleton(np.ones((1, 3, 17, 2)), 'coco', str(out), dpi=40) == 3
        assert out.stat().st_size > 0
    else:
        with pytest.raises(RuntimeError, match='needs ffmpeg, which is not available'):
            animate_skeleton(np.ones((1, 3, 17, 2)), 'coco', str(out))
        assert not out.exists()
