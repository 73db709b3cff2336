"""LSTHead: part pooling, the text loss against numpy, refusals, the plain model at test time."""
import math
import zlib
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger

from mmskel.engine.runner import SkeletonRunner
from mmskel.models.complexity import complexity
from mmskel.models.heads import LSTHead
from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample
from mmskel.structures.layouts import get_layout
from mmskel.text.bank import TERMS, TextBank, build_bank

pytestmark = pytest.mark.usefixtures('registries')


def random_bank(num_classes=2, dim=3, counts=None, seed=0):
    """A bank of random unit-free embeddings; ``counts[term]`` texts per class (default 1)."""
    rng = np.random.default_rng(seed)
    counts = counts or {}
    return TextBank([f'class {k}' for k in range(num_classes)], {
        term: [rng.normal(size=(counts.get(term, 1), dim)) for _ in range(num_classes)]
        for term in TERMS}, 'random')


def samples(labels):
    return [ActionDataSample().set_gt_label(label) for label in labels]


def test_part_features_are_means_over_joints_then_time_then_persons():
    head = LSTHead(2, 4, layout='nturgb+d', text_bank=random_bank())
    x = torch.randn(2, 2, 4, 3, 25)  # [N, M, C, T, V]
    features = head.term_features(x)
    assert list(features) == list(TERMS)
    groups = get_layout('nturgb+d').part_groups
    xn = x.numpy().astype(np.float64)
    for term, feature in features.items():
        joints = groups.get(term, range(25))
        manual = np.zeros((2, 4))
        for n in range(2):
            for m in range(2):
                for t in range(3):
                    manual[n] += sum(xn[n, m, :, t, v] for v in joints) / len(joints) / 6
        np.testing.assert_allclose(feature.numpy(), manual, rtol=1e-5, atol=1e-6)


def kl_batchmean(logits, target):
    """KL(target || softmax(logits)) summed over columns, averaged over rows."""
    log_p = logits - logits.max(1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(1, keepdims=True))
    return (target * (np.log(target) - log_p)).sum() / len(logits)


def test_loss_on_a_three_sample_batch_by_hand():
    bank = random_bank(num_classes=2, dim=3)
    head = LSTHead(2, 4, layout='nw-ucla', text_bank=bank, alpha=0.8)
    torch.manual_seed(1)
    with torch.no_grad():
        for p in head.parameters():
            p.normal_()
        head.logit_scale.copy_(torch.tensor([[1., 2., 3., 4., 5.]]))
    x = torch.randn(3, 1, 4, 2, 20)
    labels = [0, 1, 0]
    losses = head.loss(x, samples(labels))

    xn = x.numpy().astype(np.float64)
    w = {k: v.detach().double().numpy() for k, v in head.state_dict().items()}
    same = np.array([[a == b for b in labels] for a in labels], dtype=float)
    # row softmax of 10 * same: rows 0 and 2 put e^10 on samples 0 and 2, row 1 all on itself
    target = np.exp(10 * same) / np.exp(10 * same).sum(1, keepdims=True)
    e = math.exp(-10)
    np.testing.assert_allclose(target, np.array([[1, e, 1], [e, 1, e], [1, e, 1]])
                               / np.array([[2 + e], [1 + 2 * e], [2 + e]]), rtol=1e-12)
    groups = get_layout('nw-ucla').part_groups
    terms = []
    for i, term in enumerate(TERMS):
        joints = groups.get(term, range(20))
        feature = xn[:, 0][..., list(joints)].mean(axis=(2, 3))  # [N, C]
        skeleton = feature @ w[f'projections.{term}.weight'].T + w[f'projections.{term}.bias']
        skeleton /= np.linalg.norm(skeleton, axis=1, keepdims=True)
        text = np.stack([bank.embeddings[term][label][0] for label in labels]).astype(float)
        text /= np.linalg.norm(text, axis=1, keepdims=True)
        logits = (i + 1) * skeleton @ text.T
        terms.append(0.5 * (kl_batchmean(logits, target) + kl_batchmean(logits.T, target)))
        assert losses[f'kl_{term}'].item() == pytest.approx(terms[-1], rel=1e-5)
    assert losses['loss_text'].item() == pytest.approx(0.8 * np.mean(terms), rel=1e-5)
    scores = xn[:, 0].mean(axis=(2, 3)) @ w['fc.weight'].T + w['fc.bias']
    ce = np.mean([np.log(np.exp(s).sum()) - s[y] for s, y in zip(scores, labels)])
    assert losses['loss_cls'].item() == pytest.approx(ce, rel=1e-5)
    (losses['loss_cls'] + losses['loss_text']).backward()
    assert head.logit_scale.grad.abs().min() > 0  # each term's scale is trained
    assert all(head.projections[t].weight.grad.abs().sum() > 0 for t in TERMS)


def test_logit_scale_starts_at_log_of_one_over_0_07():
    head = LSTHead(2, 4, layout='nw-ucla', text_bank=random_bank())
    assert head.logit_scale.shape == (1, 5)
    torch.testing.assert_close(head.logit_scale, torch.full((1, 5), math.log(1 / 0.07)))
    assert {n: tuple(p.shape) for n, p in head.projections.named_parameters()} == {
        f'{t}.{p}': (3, 4) if p == 'weight' else (3, ) for t in TERMS for p in ('weight', 'bias')}


def test_each_sample_draws_one_of_its_own_class_texts():
    bank = random_bank(num_classes=3, dim=5, counts={'global': 3})
    head = LSTHead(3, 4, layout='nw-ucla', text_bank=bank)
    labels = torch.tensor([2, 0, 2, 1])
    drawn = [head.draw_texts('global', labels).numpy() for _ in range(60)]
    for i, label in enumerate(labels.tolist()):
        own = bank.embeddings['global'][label]
        hits = [int(np.flatnonzero(np.abs(own - d[i]).max(1) < 1e-6)[0]) for d in drawn]
        assert sorted(set(hits)) == [0, 1, 2]  # every synonym is drawn, only the class's own
    np.testing.assert_allclose(head.draw_texts('hand', labels).numpy(),
                               [bank.embeddings['hand'][k][0] for k in labels.tolist()])


def test_refusals_name_the_layout_or_bank(tmp_path):
    with pytest.raises(ValueError, match="layout 'handmp' has no body-part groups"):
        LSTHead(2, 4, layout='handmp', text_bank=random_bank())
    with pytest.raises(ValueError, match=r"layout 'paw' has no body-part groups \['hip', "
                                         r"'foot'\] that the text bank has terms for"):
        LSTHead(2, 4, layout=dict(name='paw', parents=[0, 0], center=0,
                                  parts=dict(head=[0], hand=[1])), text_bank=random_bank())
    path = str(tmp_path / 'bank.npz')
    random_bank(num_classes=3).save(path)
    with pytest.raises(ValueError, match=r"text bank '.*bank.npz' has 3 classes, the head has "
                                         'num_classes=2'):
        LSTHead(2, 4, layout='nw-ucla', text_bank=path)
    with pytest.raises(FileNotFoundError, match='text bank not found'):
        LSTHead(2, 4, layout='nw-ucla', text_bank=str(tmp_path / 'missing.npz'))
    assert LSTHead(3, 4, layout='nw-ucla', text_bank=path).projections['foot'].out_features == 3


def test_a_bank_spec_is_encoded_into_the_cache_once_and_read_after(tmp_path, monkeypatch):
    monkeypatch.setenv('MMSKEL_HOME', str(tmp_path / 'home'))
    spec = dict(texts='nwucla', encoder='hash')
    head = LSTHead(10, 4, layout='nw-ucla', text_bank=spec)
    (cached, ) = (tmp_path / 'home' / 'text_banks').iterdir()
    assert head.projections['global'].out_features == 512
    assert TextBank.load(str(cached)).classes[0] == 'pick up with one hand'
    mtime = cached.stat().st_mtime_ns
    again = LSTHead(10, 4, layout='nw-ucla', text_bank=spec)
    assert cached.stat().st_mtime_ns == mtime  # read, not rewritten
    assert torch.equal(again.texts_hand, head.texts_hand)
    with pytest.raises(ValueError, match=r"text bank \{'texts': 'nwucla'.* has 10 classes, the "
                                         'head has num_classes=60'):
        LSTHead(60, 4, layout='nw-ucla', text_bank=spec)
    shuffled = LSTHead(10, 4, layout='nw-ucla', text_bank=dict(spec, shuffle_classes=True))
    assert not torch.equal(shuffled.texts_hand, head.texts_hand)


def recognizer(head):
    return dict(type='RecognizerGCN', backbone=dict(
        type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial'), base_channels=8,
        num_stages=2, inflate_stages=(2, ), down_stages=(2, )), cls_head=head)


@pytest.fixture
def lst_and_plain(tmp_path):
    bank = str(tmp_path / 'bank.npz')
    random_bank(num_classes=4, dim=6).save(bank)
    lst_cfg = recognizer(dict(type='LSTHead', num_classes=4, in_channels=16, layout='nw-ucla',
                              text_bank=bank))
    plain_cfg = recognizer(dict(type='GCNHead', num_classes=4, in_channels=16))
    torch.manual_seed(0)
    lst = MODELS.build(lst_cfg)
    lst.init_weights()
    with torch.no_grad():  # BN statistics away from their defaults, so they matter
        for name, buffer in lst.named_buffers():
            if name.endswith('running_mean') or name.endswith('running_var'):
                buffer.uniform_(0.5, 1.5)
    return SimpleNamespace(lst=lst.eval(), plain=MODELS.build(plain_cfg).eval(),
                           lst_cfg=lst_cfg, plain_cfg=plain_cfg, tmp_path=tmp_path)


def test_at_test_time_the_lst_model_is_the_plain_model(lst_and_plain):
    lst, plain = lst_and_plain.lst, lst_and_plain.plain
    lst_state, plain_state = lst.state_dict(), plain.state_dict()
    assert set(plain_state) < set(lst_state)
    assert sorted({k.split('.')[1] for k in set(lst_state) - set(plain_state)}) == [
        'logit_scale', 'projections']
    plain.load_state_dict({k: lst_state[k] for k in plain_state}, strict=True)
    inputs = torch.randn(3, 2, 1, 12, 20, 3)  # [N, clips, M, T, V, C]
    with torch.no_grad():
        torch.testing.assert_close(lst(inputs), plain(inputs), rtol=0, atol=0)
        lst_pred = lst(inputs, samples([0, 1, 2]), mode='predict')
        plain_pred = plain(inputs, samples([0, 1, 2]), mode='predict')
    for a, b in zip(lst_pred, plain_pred):
        assert torch.equal(a.pred_score, b.pred_score)
    shape = (1, 12, 20, 3)
    lst_cost = complexity(Config(dict(model=lst_and_plain.lst_cfg)), shape)
    plain_cost = complexity(Config(dict(model=lst_and_plain.plain_cfg)), shape)
    assert lst_cost['flops'] == plain_cost['flops'] > 0
    assert lst_cost['params'] - plain_cost['params'] == 1 * 5 + 5 * (16 * 6 + 6)


def test_an_lst_checkpoint_loads_as_tools_test_loads_it(lst_and_plain):
    lst, plain = lst_and_plain.lst, lst_and_plain.plain
    path = str(lst_and_plain.tmp_path / 'epoch_1.pth')
    torch.save(dict(meta=dict(epoch=1), state_dict=lst.state_dict()), path)
    for model in (plain, MODELS.build(lst_and_plain.lst_cfg)):
        # SkeletonRunner.load_checkpoint is what tools/test.py's load_from runs
        runner = SimpleNamespace(safe_checkpoint_load=True, strict_checkpoint_load=True,
                                 _resuming=False, model=model,
                                 call_hook=lambda *args, **kwargs: None,
                                 logger=MMLogger.get_current_instance())
        SkeletonRunner.load_checkpoint(runner, path)
        state = model.state_dict()
        for key, value in lst.state_dict().items():
            if key in state:
                assert torch.equal(state[key], value), key
        assert runner._has_loaded


def words_encoder(dim=64):
    """A deterministic stand-in encoder: the sum of a fixed random vector per word."""
    def encode(texts):
        rows = []
        for text in texts:
            words = text.replace(',', ' ').lower().split()
            rows.append(sum(np.random.default_rng(zlib.crc32(w.encode())).normal(size=dim)
                            for w in words))
        return np.stack(rows)
    return encode


def test_lst_training_loss_falls_on_real_nwucla(train_losses, tmp_path):
    # the 4 classes of the NW-UCLA subset (tests/conftest.py), with short texts of our own
    texts = [SimpleNamespace(name=name, synonyms=synonyms, parts=parts) for name, synonyms, parts
             in (('walk around', ['walk in a circle'], dict(
                     head='head turns along the path', hand='arms swing by the sides',
                     hip='trunk moves forward', foot='legs step in turn')),
                 ('sit down', ['take a seat'], dict(
                     head='head lowers', hand='hands reach for the seat',
                     hip='hips bend and lower', foot='knees bend')),
                 ('stand up', ['get up'], dict(
                     head='head rises', hand='hands push on the knees',
                     hip='hips straighten and rise', foot='knees straighten')),
                 ('throw', ['toss'], dict(
                     head='head faces the target', hand='one arm swings forward and releases',
                     hip='trunk twists', foot='one leg steps forward')))]
    bank = str(tmp_path / 'nwucla_bank.npz')
    build_bank(texts, words_encoder(), 'words').save(bank)
    model = recognizer(dict(type='LSTHead', num_classes=4, in_channels=32, layout='nw-ucla',
                            text_bank=bank, alpha=1.0))
    model['backbone'].update(base_channels=16, num_stages=4, inflate_stages=(3, ),
                             down_stages=(3, ))
    losses = np.array(train_losses(model, key=('loss', 'loss_cls', 'loss_text')))  # [40, 3]
    first, last = losses[:5].mean(0), losses[-5:].mean(0)
    assert first[1] == pytest.approx(np.log(4), abs=0.3), losses  # CE starts at chance
    assert first[0] == pytest.approx(first[1] + first[2]), losses  # the total is CE + text
    assert last[0] < 0.6 * first[0], losses
    assert last[2] < 0.8 * first[2], losses  # the text terms fall too
