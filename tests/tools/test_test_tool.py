"""tools/test.py on the checkpoint of a real NW-UCLA run: result file, metrics and dump."""
import pickle

import numpy as np
import pytest
import torch

from mmskel.engine.amp import cpu_supports_bf16
from mmskel.evaluation.functional import mean_class_accuracy
from .conftest import WorkDir


@pytest.fixture(scope='module')
def tested(tools, trained, tmp_path_factory):
    """tools/test.py on epoch_2.pth with --out, --eval and --dump."""
    folder = tmp_path_factory.mktemp('tested')
    tools.test(trained.path / 'epoch_2.pth', folder / 'work_dir', '--out', folder / 'result.pkl',
               '--eval', 'top_k_accuracy', 'mean_class_accuracy',
               '--dump', folder / 'dump.pkl')
    with open(folder / 'result.pkl', 'rb') as f:
        result = pickle.load(f)
    return folder, result


def test_result_file_holds_the_val_samples(tools, tested):
    _, result = tested
    data = tools.data
    assert result['frame_dir'] == [data.ids['val'][i] for i in data.val_indices]
    assert result['labels'].tolist() == [data.labels['val'][i] for i in data.val_indices]
    assert result['scores'].dtype == np.float32
    assert result['scores'].shape == (len(data.val_indices), 10)
    assert np.isfinite(result['scores']).all()
    assert len(result['classes']) == 10 and result['classes'][0] == 'pick up with one hand'


def test_top1_from_result_file_equals_logged_val_top1(trained, tested):
    # val and test share the pipeline (test-mode sampling is seeded), so they agree exactly
    _, result = tested
    top1 = float((result['scores'].argmax(1) == result['labels']).mean())
    assert top1 == pytest.approx(trained.val_top1()[2], abs=1e-9)


def test_eval_reports_the_requested_metrics(tested):
    folder, result = tested
    metrics = WorkDir(folder / 'work_dir').test_metrics()
    assert {'acc/top1', 'acc/top5', 'acc/mean1'} <= metrics.keys()
    assert metrics['acc/top1'] == pytest.approx(
        (result['scores'].argmax(1) == result['labels']).mean())
    assert metrics['acc/mean1'] == pytest.approx(
        mean_class_accuracy(result['scores'], result['labels']))


def test_dump_holds_one_predicted_sample_per_val_sample(tested):
    folder, result = tested
    with open(folder / 'dump.pkl', 'rb') as f:
        dump = pickle.load(f)
    assert isinstance(dump, list) and len(dump) == len(result['frame_dir'])
    assert [d['frame_dir'] for d in dump] == result['frame_dir']
    np.testing.assert_allclose(np.stack([d['pred_score'] for d in dump]), result['scores'],
                               rtol=1e-6)
    assert [int(np.ravel(d['gt_label'])[0]) for d in dump] == result['labels'].tolist()


def test_eval_with_one_metric_reports_only_it(tools, trained, tmp_path):
    tools.test(trained.path / 'epoch_2.pth', tmp_path / 'work_dir',
               '--eval', 'mean_class_accuracy')
    metrics = WorkDir(tmp_path / 'work_dir').test_metrics()
    assert 'acc/mean1' in metrics
    assert 'acc/top1' not in metrics and 'acc/top5' not in metrics


@pytest.mark.skipif(not cpu_supports_bf16() or torch.cuda.is_available(),
                    reason='needs a CPU with native bf16 (and the tool on the CPU)')
def test_amp_test_scores_stay_close_to_float32(tools, trained, tested, tmp_path):
    tools.test(trained.path / 'epoch_2.pth', tmp_path / 'work_dir', '--amp',
               '--out', tmp_path / 'result.pkl')
    assert "type='AutocastTestLoop'" in WorkDir(tmp_path / 'work_dir').log()
    with open(tmp_path / 'result.pkl', 'rb') as f:
        amp = pickle.load(f)
    _, fp32 = tested
    assert amp['frame_dir'] == fp32['frame_dir']
    assert not np.array_equal(amp['scores'], fp32['scores'])  # bf16 did run
    np.testing.assert_allclose(amp['scores'], fp32['scores'], atol=0.03)


@pytest.mark.skipif(torch.cuda.is_available(), reason='the refusal is for the CPU')
def test_float16_on_the_cpu_is_refused_clearly(tools, trained, tmp_path):
    proc = tools.test(trained.path / 'epoch_2.pth', tmp_path / 'work_dir',
                      '--amp-dtype', 'float16', check=False)
    assert proc.returncode != 0
    assert 'error: float16 mixed precision needs a GPU; on the CPU use bfloat16' in proc.stderr


def edited_checkpoint(trained, path, drop=(), add=None, reshape=()):
    """epoch_2.pth with keys dropped, added and reshaped, saved at ``path``."""
    checkpoint = torch.load(trained.path / 'epoch_2.pth', weights_only=False)
    weights = checkpoint['state_dict']
    for key in drop:
        del weights[key]
    for key in reshape:
        weights[key] = torch.zeros(weights[key].shape[0] + 1, *weights[key].shape[1:])
    weights.update(add or {})
    torch.save(checkpoint, path)
    return path


def test_a_checkpoint_that_does_not_fit_is_refused_naming_the_keys(tools, trained, tmp_path):
    weights = torch.load(trained.path / 'epoch_2.pth', weights_only=False)['state_dict']
    block = sorted(k for k in weights if k.startswith('backbone.gcn.1.'))
    assert block  # a whole block of the backbone goes missing
    bad = edited_checkpoint(trained, tmp_path / 'bad.pth', drop=block,
                            add={'backbone.other.weight': torch.ones(3)},
                            reshape=['cls_head.fc.weight'])
    proc = tools.test(bad, tmp_path / 'work_dir', check=False)
    assert proc.returncode != 0
    assert f'error: {bad} does not fit the model of the config' in proc.stderr
    assert f'missing keys ({len(block)}): ' in proc.stderr
    assert all(key in proc.stderr for key in block)
    assert 'unexpected keys (1): backbone.other.weight' in proc.stderr
    assert 'shape mismatches (1): cls_head.fc.weight (11, 64) (model: (10, 64))' in proc.stderr
    assert '--load-partial' in proc.stderr
    # --load-partial tests it anyway, with a warning naming what did not load
    tools.test(bad, tmp_path / 'partial', '--load-partial')
    log = WorkDir(tmp_path / 'partial').log()
    assert (f'WARNING - {bad}: loading only the weights that fit the model; missing keys '
            f'({len(block)})' in log)
    assert 'backbone.other.weight' in log
    assert 'acc/top1' in WorkDir(tmp_path / 'partial').test_metrics()


def test_lst_training_only_keys_are_left_out_for_a_plain_config(tools, trained, tested,
                                                                tmp_path):
    extra = {'cls_head.logit_scale': torch.ones(1, 2),
             'cls_head.projections.global.weight': torch.ones(4, 64)}
    lst = edited_checkpoint(trained, tmp_path / 'lst.pth', add=extra)
    tools.test(lst, tmp_path / 'work_dir', '--out', tmp_path / 'result.pkl')
    assert (f'{lst}: left out 2 training-only keys that this model does not have: '
            'cls_head.logit_scale, cls_head.projections.global.weight'
            in WorkDir(tmp_path / 'work_dir').log())
    with open(tmp_path / 'result.pkl', 'rb') as f:
        scores = pickle.load(f)['scores']
    np.testing.assert_allclose(scores, tested[1]['scores'], rtol=1e-6)
