"""The plotting tools on a real NW-UCLA run: vis_skeleton.py, confusion_matrix.py,
analyze_logs.py, and a TensorBoard visualizer backend switched on from a config."""
import pickle
import re

import numpy as np
import pytest
from PIL import Image

from mmskel.evaluation import confusion_matrix
from mmskel.visualization.confusion import most_confused
from .conftest import CONFIG, WorkDir


@pytest.fixture(scope='module')
def result_file(tools, trained, tmp_path_factory):
    """tools/test.py --out on the trained run's last checkpoint."""
    folder = tmp_path_factory.mktemp('vis_result')
    tools.test(trained.path / 'epoch_2.pth', folder / 'work_dir', '--out', folder / 'result.pkl')
    with open(folder / 'result.pkl', 'rb') as f:
        return folder / 'result.pkl', pickle.load(f)


def gif_frames(path) -> int:
    return Image.open(path).n_frames


def test_vis_skeleton_shows_label_and_prediction(tools, result_file, tmp_path):
    path, result = result_file
    with open(tools.data.ann_file, 'rb') as f:
        samples = {s['frame_dir']: s for s in pickle.load(f)['annotations']}
    k = min(range(len(result['frame_dir'])),
            key=lambda i: samples[result['frame_dir'][i]]['total_frames'])
    sample = samples[result['frame_dir'][k]]
    out = tmp_path / 'sample.gif'
    proc = tools.run(['tools/misc/vis_skeleton.py', tools.data.ann_file, '--id',
                      sample['frame_dir'], '--pred', path, '--out', out], cwd=tmp_path)
    pred = int(result['scores'][k].argmax())
    assert f"label: {result['classes'][sample['label']]} ({sample['label']})" in proc.stdout
    assert f"pred: {result['classes'][pred]} ({pred})" in proc.stdout
    assert gif_frames(out) == sample['total_frames']
    assert Image.open(out).size == (320, 320)


def test_vis_skeleton_by_index_and_errors(tools, tmp_path):
    with open(tools.data.ann_file, 'rb') as f:
        data = pickle.load(f)
    index = min(range(len(data['annotations'])),
                key=lambda i: (data['annotations'][i]['total_frames'] < 3,
                               data['annotations'][i]['total_frames']))
    sample = data['annotations'][index]
    out = tmp_path / 'by_index.gif'
    proc = tools.run(['tools/misc/vis_skeleton.py', tools.data.ann_file, '--index', index,
                      '--out', out], cwd=tmp_path)
    assert f"{sample['frame_dir']}: {sample['total_frames']} frames, 1 person(s), 3D" in \
        proc.stdout
    assert gif_frames(out) == sample['total_frames']
    proc = tools.run(['tools/misc/vis_skeleton.py', tools.data.ann_file, '--id', 'nope'],
                     cwd=tmp_path, check=False)
    assert proc.returncode != 0 and "no sample with frame_dir 'nope'" in proc.stderr


def test_confusion_matrix_tool(tools, result_file, tmp_path):
    path, result = result_file
    out = tmp_path / 'cm.png'
    proc = tools.run(['tools/analysis/confusion_matrix.py', path, '--out', out, '--top', '3'],
                     cwd=tmp_path)
    image = Image.open(out)
    assert image.format == 'PNG' and image.size == (650, 650)  # 10 classes: 6.5 in at 100 dpi
    assert np.asarray(image.convert('RGB')).std() > 10  # not a blank canvas
    matrix = confusion_matrix(result['scores'].argmax(1), result['labels'], 10)
    names = result['classes']
    for true, pred, count in most_confused(matrix, 3):
        assert f'  {names[true]} -> {names[pred]}: {count} / {matrix[true].sum()}' in proc.stdout
    assert f"{len(result['labels'])} samples, 10 classes" in proc.stdout


def test_analyze_logs_plots_and_times_real_runs(tools, trained, tmp_path):
    out = tmp_path / 'curves.png'
    run = trained.runs()[-1]
    proc = tools.run(['tools/analysis/analyze_logs.py', 'plot_curve', trained.path, run,
                      '--keys', 'loss', 'lr', 'acc/top1', '--legend', 'work_dir', 'run',
                      '--out', out], cwd=tmp_path)
    assert Image.open(out).size == (600, 1050)  # three 6 x 3.5 inch panels at 100 dpi
    num_train = len(trained.train_records())
    assert f'run: loss: {num_train} points' in proc.stdout
    assert f'work_dir: acc/top1: {len(trained.val_top1())} points' in proc.stdout
    proc = tools.run(['tools/analysis/analyze_logs.py', 'cal_train_time', trained.path],
                     cwd=tmp_path)
    assert 'slowest epoch' in proc.stdout and 'average iter time:' in proc.stdout
    assert re.search(r'average data time: [0-9.]+ s/iter \([0-9.]+% of the iter time\)',
                     proc.stdout)
    proc = tools.run(['tools/analysis/analyze_logs.py', 'plot_curve', trained.path, '--keys',
                      'acc/top9'], cwd=tmp_path, check=False)
    assert proc.returncode != 0 and "no record has 'acc/top9'" in proc.stderr


def test_tensorboard_backend_is_one_config_switch_away(tools, tmp_path):
    pytest.importorskip('tensorboard', reason='tensorboard (an optional dependency, '
                        'requirements/optional.txt) is not installed')
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    config = tmp_path / 'stgcn_tensorboard.py'
    config.write_text(f"_base_ = '{CONFIG}'\n"
                      "visualizer = dict(type='Visualizer', vis_backends=["
                      "dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])\n")
    work_dir = tmp_path / 'work_dir'
    tools.run(['tools/train.py', config, '--work-dir', work_dir, '--validate', '--cfg-options',
               *tools.options(max_epochs=1)], cwd=tmp_path)
    run = WorkDir(work_dir).runs()[-1]
    events = list((run / 'vis_data').glob('events.out.tfevents.*'))
    assert events, f'no TensorBoard event file in {run / "vis_data"}'
    accumulator = EventAccumulator(str(run / 'vis_data'))
    accumulator.Reload()
    tags = accumulator.Tags()['scalars']
    assert {'loss', 'lr', 'acc/top1'} <= set(tags)
    logged = [e.value for e in accumulator.Scalars('loss')]
    expected = [r['loss'] for r in WorkDir(work_dir).train_records()]
    np.testing.assert_allclose(logged, expected, rtol=1e-6)
