"""The layout travels with the data: vis_skeleton.py and inspect_pickle.py read it from the
pickle or from --layout (a name or a json file), never from the joint count."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmskel.datasets.io import dump_annotations, load_annotations
from mmskel.structures import get_layout

REPO = Path(__file__).resolve().parents[2]
# 20 joints like NW-UCLA, in another order: the head first
ORDER = [3, 2, 1, 0] + list(range(4, 20))


def _tool(path: str):
    spec = importlib.util.spec_from_file_location(Path(path).stem, REPO / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reordered_layout() -> dict:
    ucla = get_layout('nw-ucla')
    index = {old: new for new, old in enumerate(ORDER)}
    return dict(name='head_first', parents=[index[ucla.parents[j]] for j in ORDER],
                center=index[ucla.center], joint_names=[ucla.joint_names[j] for j in ORDER])


def _write(path: Path, samples: list, layout) -> str:
    dump_annotations(samples, str(path), split={}, classes=['a', 'b', 'c', 'd'],
                     layout=layout)
    return str(path)


@pytest.fixture
def vis(monkeypatch):
    """vis_skeleton.py, recording the layout each animation is drawn with."""
    module = _tool('tools/misc/vis_skeleton.py')
    drawn = []
    real = module.animate_skeleton

    def record(keypoint, layout, *args, **kwargs):
        drawn.append(layout)
        return real(keypoint, layout, *args, **kwargs)
    monkeypatch.setattr(module, 'animate_skeleton', record)
    return module, drawn


def test_vis_skeleton_takes_the_pickles_layout_or_a_json(vis, nwucla_subset, tmp_path, capsys):
    module, drawn = vis
    samples = load_annotations(nwucla_subset)['annotations'][:1]
    samples[0]['keypoint'] = np.ascontiguousarray(samples[0]['keypoint'][:, :3, ORDER])
    samples[0]['total_frames'] = 3
    custom = _reordered_layout()
    own = _write(tmp_path / 'own.pkl', samples, custom)
    module.main([own, '--index', '0', '--out', str(tmp_path / 'a.gif')])
    assert drawn[-1] == get_layout(custom)
    assert drawn[-1].joint_names[0] == 'head' and drawn[-1].parents[0] == 1
    assert Image.open(tmp_path / 'a.gif').n_frames == 3

    bare = _write(tmp_path / 'bare.pkl', samples, None)
    with pytest.raises(SystemExit, match='bare.pkl carries no layout .* pass --layout NAME or '
                       '--layout FILE.json; the joint count does not tell the joint order'):
        module.main([bare, '--index', '0', '--out', str(tmp_path / 'b.gif')])
    (tmp_path / 'layout.json').write_text(json.dumps(custom))
    module.main([bare, '--index', '0', '--out', str(tmp_path / 'b.gif'),
                 '--layout', str(tmp_path / 'layout.json')])
    assert drawn[-1] == get_layout(custom)
    with pytest.raises(SystemExit, match="--layout: layout 'no.json' is neither a built-in"):
        module.main([bare, '--index', '0', '--layout', 'no.json'])
    with pytest.raises(SystemExit, match="layout 'coco' has 17 joints but keypoint has 20"):
        module.main([own, '--index', '0', '--layout', 'coco', '--out', str(tmp_path / 'c.gif')])
    assert len(drawn) == 3  # the coco attempt reached the animation and was refused there


def _inspect(monkeypatch, capsys, *argv) -> str:
    module = _tool('tools/data/inspect_pickle.py')
    monkeypatch.setattr(sys, 'argv', ['inspect_pickle.py', *map(str, argv)])
    module.main()
    return capsys.readouterr().out


def test_inspect_pickle_flags_a_wrong_joint_order(nwucla_subset, tmp_path, monkeypatch, capsys):
    samples = load_annotations(nwucla_subset)['annotations']
    real = _write(tmp_path / 'real.pkl', samples, 'nw-ucla')
    order = np.random.default_rng(0).permutation(20)
    permuted = _write(tmp_path / 'permuted.pkl',
                      [dict(s, keypoint=np.ascontiguousarray(s['keypoint'][:, :, order]))
                       for s in samples], 'nw-ucla')

    out = _inspect(monkeypatch, capsys, real)
    assert "anatomy (layout 'nw-ucla', " in out and 'problems: none' in out
    assert "head 'head' highest (along +y) in 99% of frames" in out
    out = _inspect(monkeypatch, capsys, permuted)
    assert 'problems: none' not in out
    assert ("problem (anatomy): the head joint 'head' is the highest joint (along +y) in 0% of "
            'frames, expected most') in out
    assert 'problem (anatomy): bone lengths vary wildly' in out
    # the same data declared with the layout its joints really follow passes
    (tmp_path / 'permuted.json').write_text(json.dumps(dict(
        name='permuted', center=int(np.argsort(order)[2]),
        parents=[int(np.argsort(order)[get_layout('nw-ucla').parents[j]]) for j in order],
        joint_names=[get_layout('nw-ucla').joint_names[j] for j in order])))
    out = _inspect(monkeypatch, capsys, permuted, '--layout', tmp_path / 'permuted.json')
    assert "anatomy (layout 'permuted'" in out and 'problems: none' in out
    out = _inspect(monkeypatch, capsys, _write(tmp_path / 'bare.pkl', samples, None))
    assert 'anatomy: not checked: the pickle carries no layout; pass --layout' in out
    report = json.loads(_inspect(monkeypatch, capsys, real, '--json', '--up=-y'))
    assert report['anatomy']['up'] == '-y' and report['anatomy']['head_on_top'] < 0.05


def test_merge_keeps_the_layout_and_refuses_two_orders(tmp_path):
    merge = _tool('tools/data/merge.py')
    rng = np.random.default_rng(0)

    def sample(name):
        return dict(frame_dir=name, label=0, total_frames=3,
                    keypoint=rng.normal(0, 1, (1, 3, 20, 3)).astype(np.float32))
    ucla = _write(tmp_path / 'a.pkl', [sample('a')], 'nw-ucla')
    also = _write(tmp_path / 'b.pkl', [sample('b')], 'nw-ucla')
    other = _write(tmp_path / 'c.pkl', [sample('c')], _reordered_layout())
    merge.merge_annotations([ucla, also], str(tmp_path / 'ab.pkl'))
    assert load_annotations(str(tmp_path / 'ab.pkl'))['layout'] == 'nw-ucla'
    with pytest.raises(ValueError, match=r"a.pkl and .*c.pkl have different layouts "
                       r"\('nw-ucla' and 'head_first'\): their joints are not in the same"):
        merge.merge_annotations([ucla, other], str(tmp_path / 'ac.pkl'))
    assert not (tmp_path / 'ac.pkl').exists()
