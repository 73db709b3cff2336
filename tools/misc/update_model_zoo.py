"""Regenerate the model zoo from the configs: each model README's "Configs" and "Train and test"
sections, every ``metafile.yml``, ``model-index.yml`` and ``docs/model_zoo.md``, with the
parameters and FLOPs measured from every joint-stream config.

    python tools/misc/update_model_zoo.py           # rewrite what is out of date
    python tools/misc/update_model_zoo.py --check   # write nothing; exit 1 naming stale files

Run it after adding or changing a model or a config (it takes a few minutes on a CPU);
``tests/tools/test_update_model_zoo.py`` (slow) runs ``--check``. What cannot be measured (paper
titles, links, reported results) is in ``MODELS`` below.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import mmengine
import torch
from mmengine.config import Config

from mmskel.models.complexity import complexity, input_shape
from mmskel.utils import atomic_open
from mmskel.utils.home import mmskel_home

REPO = Path(__file__).resolve().parents[2]
SKELETON = REPO / 'configs' / 'skeleton'


def _paper(source: str, dataset: str, top1: float) -> dict:
    return dict(dataset=dataset, top1=top1, source=source)


# one entry per configs/skeleton/<folder>; results: config name -> a result its paper reports
MODELS = [
    dict(folder='stgcn', name='ST-GCN', collection='STGCN',
         title='Spatial Temporal Graph Convolutional Networks for Skeleton-Based Action '
               'Recognition',
         url='https://arxiv.org/abs/1801.07455', paper_params='3.1M (mmaction2 model zoo)',
         results={'stgcn_80e_ntu60_xsub_keypoint_3d': _paper(
                      'paper (Yan et al., AAAI 2018, Table 3)', 'NTU60-XSub', 81.5),
                  'stgcn_80e_ntu60_xview_keypoint_3d': _paper(
                      'paper (Yan et al., AAAI 2018, Table 3)', 'NTU60-XView', 88.3)}),
    dict(folder='stgcnpp', name='ST-GCN++', collection='STGCN++',
         title='PYSKL: Towards Good Practices for Skeleton Action Recognition',
         url='https://arxiv.org/abs/2205.09443', paper_params='1.39M (pyskl)', results={}),
    dict(folder='2s-agcn', name='2s-AGCN / MS-AAGCN', collection='AAGCN',
         title='Two-Stream Adaptive Graph Convolutional Networks for Skeleton-Based Action '
               'Recognition',
         url='https://arxiv.org/abs/1805.07694',
         paper_params='3.47M per stream (2s-AGCN, no attention)',
         results={'2sagcn_50e_ntu60_xview_keypoint_3d': _paper(
                      'paper (Shi et al., CVPR 2019), 2s-AGCN joint stream', 'NTU60-XView', 93.7),
                  '2sagcn_50e_ntu60_xview_bone_3d': _paper(
                      'paper (Shi et al., CVPR 2019), 2s-AGCN bone stream', 'NTU60-XView', 93.2)}),
    dict(folder='ctrgcn', name='CTR-GCN', collection='CTRGCN',
         title='Channel-wise Topology Refinement Graph Convolution for Skeleton-Based Action '
               'Recognition',
         url='https://arxiv.org/abs/2107.12213', paper_params='1.46M', results={}),
    dict(folder='msg3d', name='MS-G3D', collection='MSG3D',
         title='Disentangling and Unifying Graph Convolutions for Skeleton-Based Action '
               'Recognition',
         url='https://arxiv.org/abs/2003.14111', paper_params='3.2M',
         results={'msg3d_50e_ntu60_xsub_keypoint_3d': _paper(
             "the authors' README, joint stream", 'NTU60-XSub', 89.4)}),
    dict(folder='mstgcn', name='MST-GCN', collection='MSTGCN',
         title='Multi-Scale Spatial Temporal Graph Convolutional Network for Skeleton-Based '
               'Action Recognition',
         url='https://arxiv.org/abs/2206.13028',
         paper_params='not found (the official model: 2,896,055)', results={}),
    dict(folder='msagcn', name='MSA-GCN', collection='MSAGCN',
         title='MSA-GCN: Exploiting Multi-Scale Temporal Dynamics With Adaptive Graph '
               'Convolution for Skeleton-Based Action Recognition',
         url='https://ieeexplore.ieee.org/document/10807218/',
         paper_params="not retrieved (the authors' code: 3,758,482, 89,754 of them unused)",
         results={}),
]
# folders whose metafile and README are written by hand, imported into model-index.yml: PoseC3D's
# configs keep their upstream names (<backbone>_<dataset>_<split>_<keypoint|limb>), which NAME
# does not parse, and its README tables cite the upstream checkpoints; LST's configs are named
# lst_<backbone config name> over several backbones, and its metafile counts the test-time model
HAND_WRITTEN = ['posec3d', 'lst']
# name token and suffix of a config -> label, training data, modality
DATA = [
    ('ntu60_xsub', '_3d', 'NTU60 xsub 3D', 'NTU60-XSub', 'Pose (3D joints)'),
    ('ntu60_xview', '_3d', 'NTU60 xview 3D', 'NTU60-XView', 'Pose (3D joints)'),
    ('ntu120_xsub', '_3d', 'NTU120 xsub 3D', 'NTU120-XSub', 'Pose (3D joints)'),
    ('ntu120_xset', '_3d', 'NTU120 xset 3D', 'NTU120-XSet', 'Pose (3D joints)'),
    ('nwucla_xview', '_3d', 'NW-UCLA', 'NW-UCLA (views 1+2)', 'Pose (3D joints)'),
    ('kinetics_val', '', 'Kinetics-Skeleton', 'Kinetics-400 (ST-GCN OpenPose skeletons)',
     'Pose (2D OpenPose-18 + scores)'),
    ('ntu60_xsub', '', 'NTU60 xsub 2D', 'NTU60-XSub', 'Pose (2D HRNet COCO-17 + scores)'),
    ('nwucla_xview', '', 'NW-UCLA 2D pixels', 'NW-UCLA (views 1+2)',
     'Pose (Kinect joints projected to 2D pixels + scores)'),
    ('babel60_val', '_3d', 'BABEL-60', 'BABEL-60', 'Pose (3D joints)'),
    ('babel120_val', '_3d', 'BABEL-120', 'BABEL-120', 'Pose (3D joints)'),
    ('synthetic_xsub', '_3d', 'synthetic (demo)', 'mmskel synthetic (generated)',
     'Pose (3D joints)'),
]
STREAMS = {'keypoint': 'joint', 'bone': 'bone', 'keypoint_motion': 'joint motion',
           'bone_motion': 'bone motion'}
NAME = re.compile(r'^(?P<algo>[a-z0-9+-]+)_(?P<epochs>\d+)e_(?P<data>[a-z0-9]+_[a-z]+)_'
                  r'(?P<stream>keypoint_motion|bone_motion|keypoint|bone)(?P<dim>_3d)?'
                  r'(?P<tag>_[a-z]+)?$')
INTRO = (
    'Every model mmskel implements, with its parameters and FLOPs as mmskel measures them '
    '(`tools/analysis/get_flops.py`: one sample, one clip, a multiply-add counted once) beside '
    "the paper's parameter count. Each model's README lists all its configs (NTU RGB+D 60 "
    'xsub/xview, NTU RGB+D 120 xsub/xset, NW-UCLA, Kinetics-Skeleton and NTU60 xsub 2D, each in '
    'four streams), its recipe and the results its paper reports. mmskel has not yet trained '
    'these models on the full benchmarks, so no accuracy here is its own; `model-index.yml` '
    'imports every `metafile.yml`.')
CONFIGS_INTRO = (
    'The joint-stream configs; each has `bone`, `keypoint_motion` and `bone_motion` variants '
    'named like it with the stream replaced (e.g. `..._bone_3d.py`), which change only the '
    '`feats` step of the pipelines. Parameters and FLOPs are for one sample and one clip (M '
    'persons, T frames as the test pipeline feeds the model), as `tools/analysis/get_flops.py` '
    'measures them; a multiply-add counts once.')
TRAIN_INTRO = (
    'Parameters and FLOPs of a config; training and testing on NW-UCLA (convert it first as '
    '[docs/datasets/nwucla.md](../../../docs/datasets/nwucla.md) says); any other config the '
    'same way once its pickle exists:')
ZOO_TAIL = [
    'FLOPs grow linearly with the clip length T; the papers use 64 (CTR-GCN, MSA-GCN), 100 '
    '(pyskl) or 300 frames (2s-AGCN, MS-G3D, MST-GCN). To measure a config at another input, '
    'pass `--shape M T V C`:',
    ['python tools/analysis/get_flops.py '
     'configs/skeleton/ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py',
     'python tools/analysis/get_flops.py '
     'configs/skeleton/msg3d/msg3d_50e_ntu60_xsub_keypoint_3d.py --shape 2 100 25 3'],
    'Speed of a training step of each model, side by side on one machine (here two models on a '
    'tiny batch; without `--models` it times all seven, and [benchmarks.md](benchmarks.md) gives '
    'the full run):',
    ['python benchmarks/models.py --models ST-GCN CTR-GCN --batch 2 --frames 20 --repeats 1 '
     '--warmup 0'],
    'The same in several settings, each setting\'s speed-up over the first printed beside it '
    '(`amp` is what `tools/train.py --amp` trains with; `--device cuda` times a GPU):',
    ['python benchmarks/models.py --models ST-GCN --batch 2 --frames 20 --repeats 1 --warmup 0 '
     '--settings fp32 amp bf16 channels_last'],
]


def parse(stem: str) -> dict:
    """A config name's parts, with the label, training data and modality of its data."""
    match = NAME.match(stem)
    if not match:
        raise ValueError(f'{stem}: not a config name <algo>_<E>e_<dataset>_<split>_<stream>...')
    parts = match.groupdict()
    for token, suffix, label, training, modality in DATA:
        if parts['data'] == token and (parts['dim'] or '') == suffix:
            return dict(parts, label=label, training=training, modality=modality)
    raise ValueError(f'{stem}: dataset {parts["data"]} is not in DATA')


def joint_name(stem: str) -> str:
    stream = parse(stem)['stream']
    return stem.replace(f'_{stream}', '_keypoint', 1)


def order(path: Path) -> tuple:
    parts = parse(path.stem)
    data = [d[:2] for d in DATA].index((parts['data'], parts['dim'] or ''))
    return data, int(parts['epochs']), parts['tag'] or '', path.stem


def joint_configs(folder: str) -> List[Path]:
    return sorted((p for p in (SKELETON / folder).glob('*.py')
                   if parse(p.stem)['stream'] == 'keypoint'), key=order)


def first_ntu_3d(folder: str) -> Path:
    return next(p for p in joint_configs(folder)
                if parse(p.stem)['data'] == 'ntu60_xsub' and parse(p.stem)['dim'])


def recipe(path: Path) -> str:
    """A config's recipe in a few words, from the ``Recipe:`` of its header comment."""
    text = ' '.join(line[2:] for line in path.read_text().splitlines() if line.startswith('# '))
    text = text.split('Recipe: ', 1)[1] if 'Recipe: ' in text else ''
    if not text:
        return 'the `make demo` model (see its header)'
    if text.startswith("mmskel's CPU budget"):
        return "mmskel's CPU budget recipe"
    if text.startswith("mmskel's NW-UCLA"):
        return "mmskel's NW-UCLA recipe"
    if text.startswith(("pyskl's recipe", 'mmaction2/pyskl')):
        return 'mmaction2/pyskl 80e' + (' + class-balanced focal loss'
                                        if 'focal loss' in text else '')
    if text.startswith(('not in the paper', "not in the authors'")):
        return 'not in paper: ' + ('NTU recipe' if 'NTU' in text else "mmskel's NW-UCLA recipe")
    return 'paper'


def para(text: str) -> str:
    return '\n'.join(textwrap.wrap(text, 100, break_on_hyphens=False, break_long_words=False))


def size(stats: dict) -> str:
    persons, frames = stats['shape'][:2]
    return (f"M={persons} T={frames} | {stats['params'] / 1e6:.2f} M | "
            f"{stats['flops'] / 1e9:.2f} G")


def configs_section(folder: str, stats: Dict[str, dict]) -> List[str]:
    rows = ['## Configs', '', para(CONFIGS_INTRO), '',
            '| config | data | recipe | input | params | FLOPs |', '|---|---|---|---|---|---|']
    for path in joint_configs(folder):
        rows.append(f'| [`{path.name}`]({path.name}) | {parse(path.stem)["label"]} | '
                    f'{recipe(path)} | {size(stats[path.stem])} |')
    return rows + ['', 'Each config states its full recipe in its header comment.', '']


def train_section(folder: str) -> List[str]:
    ucla = next(p for p in joint_configs(folder) if parse(p.stem)['data'] == 'nwucla_xview')
    config = f'configs/skeleton/{folder}/{ucla.name}'
    checkpoint = f'work_dirs/{ucla.stem}/epoch_{parse(ucla.stem)["epochs"]}.pth'
    return ['## Train and test', '', para(TRAIN_INTRO), '', '```shell',
            f'python tools/analysis/get_flops.py configs/skeleton/{folder}/'
            f'{first_ntu_3d(folder).name}',
            f'python tools/train.py {config} --validate',
            f'python tools/test.py {config} {checkpoint} --out result.pkl', '```', '']


def readme(model: dict, stats: Dict[str, dict]) -> Tuple[Path, str]:
    """The README with its generated sections replaced (before the citation)."""
    path = SKELETON / model['folder'] / 'README.md'
    text = path.read_text()
    for title in ('## Configs', '## Train and test'):
        text = re.sub(rf'\n{re.escape(title)}\n.*?(?=\n## |\Z)', '\n', text, flags=re.S)
    new = '\n'.join(configs_section(model['folder'], stats) + train_section(model['folder']))
    if '\n## Citation' in text:
        text = text.replace('\n## Citation', f'\n{new}\n## Citation', 1)
    else:
        text = f'{text.rstrip()}\n\n{new}'
    return path, re.sub(r'\n{3,}', '\n\n', text).rstrip() + '\n'


def metafile(model: dict, stats: Dict[str, dict]) -> Tuple[Path, str]:
    folder, collection = model['folder'], model['collection']
    lines = ['Collections:', f'  - Name: {collection}',
             f'    README: configs/skeleton/{folder}/README.md', '    Paper:',
             f"      URL: {model['url']}", f"      Title: '{model['title']}'", '', 'Models:']
    for path in sorted((SKELETON / folder).glob('*.py'), key=order):
        parts, measured = parse(path.stem), stats[joint_name(path.stem)]
        lines += [f'  - Name: {path.stem}', f'    Config: configs/skeleton/{folder}/{path.name}',
                  f'    In Collection: {collection}', '    Metadata:',
                  f'      Architecture: {collection}', f"      Epochs: {parts['epochs']}",
                  f"      Parameters: {measured['params']}", f"      FLOPs: {measured['flops']}",
                  f"      Training Data: {parts['training']}",
                  f"      Modality: {parts['modality']}, {STREAMS[parts['stream']]} stream"]
        result = model['results'].get(path.stem)
        if result:
            lines += ['    Results:', f"      - Dataset: {result['dataset']}",
                      '        Task: Skeleton-based Action Recognition', '        Metrics:',
                      f"          Top 1 Accuracy: {result['top1']}",
                      f"        Source: {result['source']}; reported, not yet reproduced by mmskel"]
    return SKELETON / folder / 'metafile.yml', '\n'.join(lines) + '\n'


def model_zoo(stats: Dict[str, dict]) -> Tuple[Path, str]:
    rows = ['# Model zoo', '', para(INTRO), '',
            '| model | README | config measured | input | params (mmskel) | params (paper) '
            '| FLOPs (mmskel) |', '|---|---|---|---|---|---|---|']
    for model in MODELS:
        path = first_ntu_3d(model['folder'])
        measured = stats[path.stem]
        persons, frames = measured['shape'][:2]
        rows.append(f"| {model['name']} | [README](../configs/skeleton/{model['folder']}/"
                    f"README.md) | `{path.name}` | M={persons} T={frames} | "
                    f"{measured['params']:,} | {model['paper_params']} | "
                    f"{measured['flops'] / 1e9:.2f} G |")
    for text, commands in zip(ZOO_TAIL[::2], ZOO_TAIL[1::2]):
        rows += ['', para(text), '', '```shell', *commands, '```']
    return REPO / 'docs' / 'model_zoo.md', '\n'.join(rows) + '\n'


def model_index() -> Tuple[Path, str]:
    folders = [m['folder'] for m in MODELS] + HAND_WRITTEN
    imports = ''.join(f'  - configs/skeleton/{folder}/metafile.yml\n' for folder in folders)
    return REPO / 'model-index.yml', 'Import:\n' + imports


def code_version() -> str:
    """What a count depends on besides the model config and input: mmskel's model code, and
    the torch and mmengine (its FLOP counter) versions."""
    digest = hashlib.sha256(f'{torch.__version__} {mmengine.__version__}'.encode())
    for source in sorted((REPO / 'mmskel' / 'models').rglob('*.py')):
        digest.update(source.relative_to(REPO).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()


def measure() -> Dict[str, dict]:
    """Parameters, FLOPs and input shape of every joint-stream config, by config name.

    Counting traces each model (about a second each); a count is kept in
    ``$MMSKEL_HOME/model_zoo_counts.json`` under the hash of the model config, its input shape
    and :func:`code_version`, so configs with the same model and a rerun reuse it.
    """
    cache_file = mmskel_home('model_zoo_counts.json')
    cache = {}
    if os.path.isfile(cache_file):
        with open(cache_file, encoding='utf-8') as f:
            cache = json.load(f)
    code, stats, used = code_version(), {}, {}
    for model in MODELS:
        for path in joint_configs(model['folder']):
            cfg = Config.fromfile(str(path))
            shape = list(input_shape(cfg))
            key = hashlib.sha256(json.dumps([cfg.model.to_dict(), shape, code], sort_keys=True,
                                            default=str).encode()).hexdigest()
            if key not in cache:
                result = complexity(cfg, tuple(shape))
                cache[key] = dict(params=result['params'], flops=result['flops'], shape=shape)
            stats[path.stem] = used[key] = cache[key]
    os.makedirs(os.path.dirname(cache_file), exist_ok=True)
    with atomic_open(cache_file, 'w') as f:  # only what these configs use: no stale entries
        json.dump(used, f)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description='Regenerate the model zoo from the configs')
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if a file is out of date')
    args = parser.parse_args()
    stats = measure()
    files = [readme(m, stats) for m in MODELS] + [metafile(m, stats) for m in MODELS]
    files += [model_index(), model_zoo(stats)]
    stale = [(path, text) for path, text in files
             if not path.exists() or path.read_text() != text]
    for path, text in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(REPO)}")
        if not args.check:
            with atomic_open(str(path), 'w') as f:
                f.write(text)
    print(f'{len(files) - len(stale)} of {len(files)} files were up to date')
    sys.exit(1 if args.check and stale else 0)


if __name__ == '__main__':
    main()
