"""Every config under configs/skeleton builds, and training steps run through the Runner.

A joint-stream config (``*_keypoint*.py``) builds its model, which scores a clip of the shape its
test pipeline produces; a stream variant must differ from its joint config only in the
``feats`` step, a PoseC3D limb variant from its keypoint config only in the ``heatmap`` step.
``test_config_trains`` runs two training iterations through mmengine's Runner on
a small annotation pickle shaped like the config's data: for a sample of configs by default, for
every config in the slow suite.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS

from mmskel.apis import init_recognizer
from mmskel.datasets import dump_annotations, pipeline_steps
from mmskel.engine.build import build_runner, load_config
from mmskel.engine.schedule import fit_schedule
from mmskel.models.complexity import input_shape
from mmskel.models.input_spec import input_spec
from mmskel.registry import TRANSFORMS
from mmskel.utils import register_all_modules

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted((REPO / 'configs' / 'skeleton').rglob('*.py'))
KEYPOINT = [p for p in CONFIGS if '_keypoint_motion' not in p.name and '_keypoint' in p.name]
# PoseC3D's configs keep their upstream names: <backbone>_<dataset>_<split>_<keypoint|limb>,
# then a budget tag (_cpu) as the GCN configs have
POSEC3D_NAME = re.compile(r'^(slowonly_r50_u48_\d+e|slowonly_kinetics400_pretrained_r50_u48_\d+e|'
                          r'x3d_shallow|c3d_light)_(gym|ntu60_xsub|ntu120_xsub|ucf101_split1|'
                          r'hmdb51_split1|nwucla_xview)_(keypoint|limb)(_[a-z]+)?\.py$')
STREAMS = [p for p in CONFIGS if p not in KEYPOINT]
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
# the default suite trains each model on NTU 3D or NW-UCLA, and one config of each other kind
SAMPLE = re.compile(r'^((stgcn|stgcnpp|2sagcn|ctrgcn|msg3d)_80e_ntu60_xsub_keypoint_3d|'
                    r'msagcn_190e_ntu60_xsub_keypoint_3d|msagcn_65e_nwucla_xview_keypoint_3d|'
                    r'(stgcn|mstgcn)_50e_nwucla_xview_keypoint_3d|stgcn_80e_kinetics_val_bone|'
                    r'stgcn_80e_ntu60_xsub_keypoint|stgcn_80e_babel60_val_keypoint_3d_wfl|'
                    r'x3d_shallow_ntu60_xsub_keypoint|'
                    r'lst_ctrgcn_110e_nwucla_xview_keypoint_3d)\.py$')


@pytest.fixture(autouse=True)
def text_bank_cache(tmp_path_factory, monkeypatch) -> None:
    """LST configs encode their text bank into a cache once: one cache for the session, not the
    user's."""
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path_factory.getbasetemp() / 'mmskel_home'))


def joint_config_of(path: Path) -> Path:
    name = re.sub(r'_(bone_motion|keypoint_motion|bone|limb)(?=(_3d)?(_[a-z]+)?\.py$)',
                  '_keypoint', path.name)
    return path.with_name(name)


def sweep(paths) -> list:
    """``paths`` as test parameters: the sample's joint configs (and their streams) in the
    quick inner loop, every other config marked ``integration`` (run by ``make test``)."""
    def sampled(path: Path) -> bool:
        return bool(SAMPLE.search(path.name) or SAMPLE.search(joint_config_of(path).name))
    return [pytest.param(p, id=p.name, marks=() if sampled(p) else pytest.mark.integration)
            for p in paths]


def write_tiny_annotations(cfg: Config, path: Path, per_split: int = 4) -> None:
    """A pickle with the config's splits, layout, dimensions and classes, random motion (2D
    pixels with scores for 2D and heatmap configs; two persons for heatmaps)."""
    spec = input_spec(cfg, cfg.train_dataloader.dataset.pipeline)
    persons, joints, channels = spec.num_persons or 2, spec.layout.num_joints, spec.channels
    two_d = spec.is_2d
    splits = {cfg[loader].dataset.get('split') for loader in LOADERS} - {None}
    rng = np.random.default_rng(0)
    samples, split = [], {}
    for name in sorted(splits):
        split[name] = []
        for i in range(per_split):
            frames = 30 + 5 * i
            sample = dict(frame_dir=f'{name}_{i}', label=i % cfg.model.cls_head.num_classes,
                          total_frames=frames)
            if two_d:
                sample['keypoint'] = rng.uniform(0, 200, (persons, frames, joints, 2))
                sample['keypoint_score'] = rng.uniform(0, 1, (persons, frames, joints))
                sample['img_shape'] = (256, 340)
            else:
                sample['keypoint'] = rng.normal(0, 0.3, (persons, frames, joints, channels))
            sample['keypoint'] = sample['keypoint'].astype(np.float32)
            samples.append(sample)
            split[name].append(sample['frame_dir'])
    dump_annotations(samples, str(path), split=split)


@pytest.mark.parametrize('path', sweep(KEYPOINT))
def test_config_builds(path: Path, tmp_path: Path, monkeypatch) -> None:
    register_all_modules()
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == 'mmskel'
    monkeypatch.chdir(tmp_path)  # no data/ here: building the model reads no data
    model = init_recognizer(cfg, device='cpu')
    shape = input_shape(cfg)
    with torch.no_grad():
        scores = model(torch.randn((1, 1) + shape), mode='tensor')
    assert scores.shape == (1, cfg.model.cls_head.num_classes)
    for loader in LOADERS:
        Compose([TRANSFORMS.build(s) for s in pipeline_steps(cfg[loader].dataset.pipeline)])


@pytest.mark.parametrize('path', sweep([p for p in STREAMS if p.name.endswith('_limb.py')]))
def test_limb_variant_changes_only_the_heatmaps(path: Path) -> None:
    joint = joint_config_of(path)
    assert joint.exists(), f'{path.name}: no keypoint config {joint.name}'
    cfg, base = Config.fromfile(str(path)), Config.fromfile(str(joint))
    assert cfg.model == base.model
    for loader in LOADERS:
        steps, base_steps = cfg[loader].dataset.pipeline, base[loader].dataset.pipeline
        assert (steps.heatmap.with_kp, steps.heatmap.with_limb) == (False, True)
        assert {k: v for k, v in steps.items() if k != 'heatmap'} == \
            {k: v for k, v in base_steps.items() if k != 'heatmap'}
    assert input_spec(cfg).in_channels == cfg.model.backbone.in_channels


@pytest.mark.parametrize('path', sweep([p for p in STREAMS if not p.name.endswith('_limb.py')]))
def test_stream_variant_changes_only_feats(path: Path) -> None:
    joint = joint_config_of(path)
    assert joint.exists(), f'{path.name}: no joint config {joint.name}'
    cfg, base = Config.fromfile(str(path)), Config.fromfile(str(joint))
    feats = {'bone': ['b'], 'keypoint_motion': ['jm'], 'bone_motion': ['bm']}
    stream = re.search(r'_(bone_motion|keypoint_motion|bone)(_3d)?(_[a-z]+)?\.py$',
                       path.name).group(1)
    assert cfg.model == base.model
    for loader in LOADERS:
        steps, base_steps = cfg[loader].dataset.pipeline, base[loader].dataset.pipeline
        assert steps.feats.feats == feats[stream]
        assert {k: v for k, v in steps.items() if k != 'feats'} == \
            {k: v for k, v in base_steps.items() if k != 'feats'}


def pipeline_model_mismatches(cfg: Config) -> list:
    """Where a loader's pipeline computes features in another layout than the model's graph,
    gives it another number of persons than the backbone takes, or draws another number of
    heatmaps than the backbone's input channels."""
    backbone, found = cfg.model.backbone, []
    for loader in LOADERS:
        spec = input_spec(cfg, cfg[loader].dataset.pipeline)
        if spec.heatmap_size and spec.in_channels != backbone.in_channels:
            found.append(f'{loader}: {spec.in_channels} heatmaps')
        for step in pipeline_steps(cfg[loader].dataset.pipeline):
            if step.get('type') == 'GenSkeFeat' and \
                    step.get('layout', 'nturgb+d') != backbone.graph_cfg.layout:
                found.append(f'{loader}: layout {step.get("layout", "nturgb+d")}')
            if step.get('type') == 'FormatGCNInput' and \
                    step.get('num_persons', 2) != backbone.get('num_persons', 2):
                found.append(f'{loader}: {step.get("num_persons", 2)} persons')
    return found


@pytest.mark.parametrize('path', sweep(CONFIGS))
def test_pipelines_feed_the_model_its_layout_and_persons(path: Path) -> None:
    # a mismatch trains on scrambled joints, or fails late
    cfg = Config.fromfile(str(path))
    assert pipeline_model_mismatches(cfg) == []
    # the dataset facts stated at the top are the ones the pipelines act on
    for loader in LOADERS:
        spec = input_spec(cfg, cfg[loader].dataset.pipeline)
        assert spec.layout.name == cfg.layout, loader
        if spec.num_persons is not None:  # heatmaps: every person on one canvas
            assert spec.num_persons == cfg.num_persons, loader
    assert input_spec(cfg).clip_len == cfg.clip_len


def test_layout_and_person_mismatches_are_found() -> None:
    cfg = Config.fromfile(str(REPO / 'configs' / 'skeleton' / 'stgcn' /
                              'stgcn_50e_nwucla_xview_keypoint_3d.py'))
    cfg.model.backbone.graph_cfg.layout = 'nturgb+d'
    cfg.model.backbone.num_persons = 2
    assert pipeline_model_mismatches(cfg) == [
        f'{loader}: {what}' for loader in LOADERS for what in ('layout nw-ucla', '1 persons')]


def test_heatmap_channel_mismatches_are_found() -> None:
    cfg = Config.fromfile(str(REPO / 'configs' / 'skeleton' / 'posec3d' /
                              'x3d_shallow_ntu60_xsub_keypoint.py'))
    cfg.model.backbone.in_channels = 34
    assert pipeline_model_mismatches(cfg) == [f'{loader}: 17 heatmaps' for loader in LOADERS]
    for loader in LOADERS:
        cfg[loader].dataset.pipeline.heatmap.with_limb = True  # 17 joints + 17 limbs
    assert pipeline_model_mismatches(cfg) == []


def test_config_names_follow_the_scheme() -> None:
    # an LST config is named after its backbone's, with the prefix lst_
    pattern = re.compile(r'^(lst_)?[a-z0-9+-]+_\d+e_[a-z0-9]+_[a-z]+_'
                         r'(keypoint|bone|keypoint_motion|bone_motion|limb)(_3d)?(_[a-z]+)?\.py$')
    for path in CONFIGS:
        match = POSEC3D_NAME if path.parent.name == 'posec3d' else pattern
        assert match.match(path.name), f'{path.name} does not follow the config name scheme'


def test_stream_variant_changes_one_named_step(tmp_path: Path) -> None:
    """The bone-stream variant of docs/configs.md: five lines change every pipeline."""
    base = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_80e_ntu60_xsub_keypoint_3d.py'
    variant = tmp_path / 'stgcn_80e_ntu60_xsub_bone_3d.py'
    variant.write_text(f"_base_ = ['{base}']\n"
                       "bone = dict(feats=dict(feats=['b']))\n"
                       'train_dataloader = dict(dataset=dict(pipeline=bone))\n'
                       'val_dataloader = dict(dataset=dict(pipeline=bone))\n'
                       'test_dataloader = dict(dataset=dict(pipeline=bone))\n')
    cfg = Config.fromfile(str(variant))
    for loader in LOADERS:
        steps = cfg[loader].dataset.pipeline
        assert steps.feats == dict(type='GenSkeFeat', layout='nturgb+d', feats=['b'])
        assert [s['type'] for s in pipeline_steps(steps)] == [
            'PreNormalize3D', 'GenSkeFeat', 'UniformSampleFrames', 'PoseDecode', 'FormatGCNInput',
            'PackActionInputs']
    assert cfg.test_dataloader.dataset.pipeline.sample.num_clips == 10


def train_two_iterations(path: Path, tmp_path: Path) -> None:
    cfg = Config.fromfile(str(path))
    ann_file = str(tmp_path / 'ann.pkl')
    write_tiny_annotations(cfg, tmp_path / 'ann.pkl')
    for loader in LOADERS:
        cfg[loader].update(batch_size=2, num_workers=0, persistent_workers=False)
        cfg[loader].dataset.ann_file = ann_file
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=100)
    cfg.param_scheduler = None
    cfg.load_from = None  # a fine-tuning config's pretrained weights: a download
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    cfg.work_dir = str(tmp_path / 'work')
    runner = build_runner(cfg)
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    after = runner.model.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())


@pytest.mark.integration
@pytest.mark.parametrize('path', [p for p in CONFIGS if SAMPLE.search(p.name)],
                         ids=lambda p: p.name)
def test_config_trains(path: Path, tmp_path: Path) -> None:
    train_two_iterations(path, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize('path', [p for p in CONFIGS if not SAMPLE.search(p.name)],
                         ids=lambda p: p.name)
def test_every_config_trains(path: Path, tmp_path: Path) -> None:
    train_two_iterations(path, tmp_path)


@pytest.mark.integration
def test_augmentation_steps_join_a_named_pipeline_and_train(tmp_path: Path) -> None:
    """docs/transforms.md: a config adds RandomRot and RandomScale to the training pipeline by
    naming them in ``order``; validation and test pipelines keep theirs."""
    base = REPO / 'configs' / 'skeleton' / 'stgcn' / 'stgcn_50e_nwucla_xview_keypoint_3d.py'
    variant = tmp_path / 'stgcn_50e_nwucla_xview_keypoint_3d_aug.py'
    variant.write_text(
        f"_base_ = ['{base}']\n"
        'train_dataloader = dict(dataset=dict(pipeline=dict(\n'
        "    order=['normalize', 'rotate', 'scale', 'feats', 'sample', 'decode', 'format',\n"
        "           'pack'],\n"
        "    rotate=dict(type='RandomRot', theta=0.3),\n"
        "    scale=dict(type='RandomScale', scale=0.1))))\n")
    cfg = Config.fromfile(str(variant))
    assert [s['type'] for s in pipeline_steps(cfg.train_dataloader.dataset.pipeline)][:4] == [
        'PreNormalize3D', 'RandomRot', 'RandomScale', 'GenSkeFeat']
    assert 'RandomRot' not in str(pipeline_steps(cfg.val_dataloader.dataset.pipeline))
    train_two_iterations(variant, tmp_path)


# Issue 17: schedules follow train_cfg.max_epochs, and dataset variables can be overridden. At
# the length a config is written for, neither changes what it resolves to.
RECORDED_SCHEDULES = json.loads((REPO / 'tests' / 'data' / 'config_schedules.json').read_text())
DATASET_BASES = sorted((REPO / 'configs' / '_base_' / 'datasets').glob('*.py'))
DATASET_VARS = ('ann_file', 'layout', 'num_classes', 'num_persons', 'clip_len')


def lr_curve(schedulers, epochs: int, epoch_length: int = 4) -> list:
    """The lr (from 1.0) at each iteration of an epoch-based run of ``epochs``, with the
    schedulers built and stepped as mmengine's Runner and ParamSchedulerHook do."""
    optimizer = OptimWrapper(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0))
    built = []
    for entry in schedulers:
        entry = dict(entry)
        if entry.get('by_epoch', True):
            entry.setdefault('end', epochs)
        built.append(PARAM_SCHEDULERS.build(entry, default_args=dict(
            optimizer=optimizer, epoch_length=epoch_length)))
    lrs = []
    for _ in range(epochs):
        for _ in range(epoch_length):
            lrs.append(optimizer.param_groups[0]['lr'])
            optimizer.step()  # no gradients: only keeps torch's step order
            for scheduler in built:
                if not scheduler.by_epoch:
                    scheduler.step()
        for scheduler in built:
            if scheduler.by_epoch:
                scheduler.step()
    return lrs


@pytest.mark.parametrize('path', sweep(CONFIGS))
def test_schedule_and_dataset_variables_resolve_as_before(path: Path, monkeypatch) -> None:
    from mmskel.engine import build
    cfg = load_config(str(path))
    assert fit_schedule(cfg) is None  # written for its own length
    name = str(path.relative_to(REPO / 'configs' / 'skeleton'))
    if name in RECORDED_SCHEDULES['configs']:  # configs added since are checked below
        recorded = RECORDED_SCHEDULES['schedules'][RECORDED_SCHEDULES['configs'][name]]
        assert cfg.train_cfg.max_epochs == recorded['max_epochs']
        assert json.loads(json.dumps(cfg.to_dict()['param_scheduler'])) == \
            recorded['param_scheduler']
    # carrying dataset variables changes nothing in a config as shipped
    monkeypatch.setattr(build, 'apply_data_vars', lambda cfg: [])
    assert cfg.to_dict() == load_config(str(path)).to_dict()
    # and its data_vars record its own values, so a --cfg-options change of one reaches the
    # entries written for it (a stale record made clip_len=N "reach nothing")
    raw = Config.fromfile(str(path))
    record = {k: v for k, v in (raw.get('data_vars') or {}).items() if k in raw}
    assert {k: raw[k] for k in record} == record


@pytest.mark.parametrize('path', sweep(CONFIGS))
def test_a_shortened_run_keeps_the_schedule_shape(path: Path) -> None:
    """10 epochs of any config: every scheduler builds (iteration-based ones converted), and the
    lr ends as low, relative to its peak, as at the full length (the cosine of a shortened run
    used to stay near its peak)."""
    cfg = Config.fromfile(str(path))
    full = lr_curve(cfg.param_scheduler, cfg.train_cfg.max_epochs)
    cfg.train_cfg.max_epochs = 10
    fit_schedule(cfg)
    short = lr_curve(cfg.param_scheduler, 10)
    assert short[-1] / max(short) == pytest.approx(full[-1] / max(full), abs=0.01)
    assert short[0] == pytest.approx(full[0])  # the same warm-up start


@pytest.mark.parametrize('path', DATASET_BASES, ids=lambda p: p.name)
def test_dataset_bases_record_their_variables(path: Path) -> None:
    # a base that changes a variable without recording it would make a child's change of it
    # reach nothing (refused by apply_data_vars)
    cfg = Config.fromfile(str(path))
    assert {name: cfg[name] for name in DATASET_VARS} == dict(cfg.data_vars)
