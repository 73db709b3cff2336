"""Reading mmengine scalars.json logs, plotting curves and timing."""
import json

import numpy as np
import pytest
from PIL import Image

from mmskel.visualization.curves import find_scalars, load_run_log, plot_curves, train_time


def write_run(work_dir, name, losses, accs, times):
    folder = work_dir / name / 'vis_data'
    folder.mkdir(parents=True)
    lines, step = [], 0
    for epoch, (epoch_losses, acc) in enumerate(zip(losses, accs), 1):
        for i, loss in enumerate(epoch_losses, 1):
            step += 1
            lines.append(dict(lr=0.1 / epoch, loss=loss, time=times[epoch - 1],
                              data_time=times[epoch - 1] / 10, epoch=epoch, iter=step, step=step))
        lines.append({'acc/top1': acc, 'step': epoch})
    (folder / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in lines) + '\n')
    return folder / 'scalars.json'


def test_series_split_train_and_val(tmp_path):
    path = write_run(tmp_path / 'wd', '20260101_000000', [[3, 2], [1.5, 1]], [0.2, 0.6],
                     [0.5, 0.3])
    assert find_scalars(str(tmp_path / 'wd')) == str(path)  # a work dir: its latest run
    log = load_run_log(str(tmp_path / 'wd'))
    x, y, label = log.series('loss')
    assert label == 'iteration' and x.tolist() == [1, 2, 3, 4] and y.tolist() == [3, 2, 1.5, 1]
    x, y, label = log.series('acc/top1')
    assert label == 'epoch' and x.tolist() == [1, 2] and y.tolist() == [0.2, 0.6]
    with pytest.raises(KeyError, match="no record has 'acc/top5'; keys logged there"):
        log.series('acc/top5')
    stats = train_time(log)
    assert stats['slowest_epoch'] == 1 and stats['fastest_epoch'] == 2
    assert stats['average'] == pytest.approx(0.4) and stats['std'] == pytest.approx(0.1)
    assert stats['data_time'] == pytest.approx(0.04)


def test_plot_two_runs(tmp_path):
    a = load_run_log(str(write_run(tmp_path, 'a', [[3, 2]], [0.2], [1.0])))
    b = load_run_log(str(write_run(tmp_path, 'b', [[4, 1], [0.5, 0.2]], [0.1, 0.9], [1, 1])))
    out = tmp_path / 'curves.png'
    plotted = plot_curves([a, b], ['loss', 'acc/top1'], str(out), legend=['A', 'B'], dpi=50)
    assert plotted['loss']['B'].tolist() == [4, 1, 0.5, 0.2]
    assert np.asarray(Image.open(out)).shape[:2] == (350, 300)  # 2 panels of 6 x 3.5 inches


def test_malformed_log_names_the_line(tmp_path):
    path = tmp_path / 'scalars.json'
    path.write_text('{"loss": 1, "iter": 1, "epoch": 1, "step": 1}\nnot json\n')
    with pytest.raises(ValueError, match=r'scalars.json, line 2: not json'):
        load_run_log(str(path))
    with pytest.raises(FileNotFoundError, match='expected a vis_data/scalars.json'):
        load_run_log(str(tmp_path / 'missing'))
