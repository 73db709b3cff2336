"""LST's head: a GCN classifier trained with extra text supervision (Xiang et al., ICCV 2023,
"Generative Action Description Prompts for Skeleton-based Action Recognition", official code
MartinXM/GAP).

At test time it is :class:`GCNHead` (same forward, same ``fc.*`` parameters, same cost); the
text terms run only in :meth:`LSTHead.loss`.
"""
import math
from typing import Dict, List, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmskel.registry import MODELS
from mmskel.structures import ActionDataSample
from mmskel.structures.layouts import Layout, get_layout
from mmskel.text.bank import TextBank, bank_from_spec
from .gcn_head import GCNHead

# the official target: softmax over each row of 10 * [label_i == label_j]
TARGET_SHARPNESS = 10.


def multi_positive_kl(logits: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
    """KL of the softmax of ``logits`` from the softmax of ``10 * same``, per row, batch mean
    (the official ``KLLoss``: ``KLDivLoss`` elementwise mean, times the batch size).

    Args:
        logits (Tensor): [N, N] similarities.
        same (Tensor): [N, N] float, 1 where two samples share a label.

    Returns:
        Tensor: Scalar.
    """
    target = F.softmax(TARGET_SHARPNESS * same, dim=1)
    return F.kl_div(F.log_softmax(logits, dim=1), target, reduction='batchmean')


@MODELS.register_module()
class LSTHead(GCNHead):
    """:class:`GCNHead` plus LST's training-only text terms (language-supervised training).

    Each term (``'global'`` and the body parts of the bank, by default head, hand, hip, foot)
    projects a skeleton feature to the text dimension D with its own ``Linear(C, D)``: the
    global term the mean over persons, time and joints, a part term the mean over the part's
    joints (from ``layout``), then time, then persons. The logits of a term are
    ``logit_scale[0, term] * cos(skeleton feature of sample i, text of sample j's class)``
    (the scale is a plain multiplier, not exponentiated), and its loss is the mean of the
    skeleton->text and text->skeleton :func:`multi_positive_kl`. The training loss is::

        loss_cls = CE(fc(features), labels)      loss_text = alpha * mean over terms

    The text features are the bank's fixed embeddings (the encoder is frozen; no trainable
    text projection). For a term with several texts per class (the global term: the name and
    its synonyms) each sample draws one at random each step, from torch's generator.

    Args:
        num_classes (int): Number of classes K.
        in_channels (int): Feature channels C.
        layout (str | dict | Layout): The skeleton layout; it must have the bank's body-part
            groups (:attr:`mmskel.structures.layouts.Layout.parts`).
        text_bank (str | dict | TextBank): The text bank, read when the head is built: a
            spec such as ``dict(texts='nwucla', encoder='use-m3')``, found in the bank cache
            or encoded into it once (see :func:`mmskel.text.bank.bank_from_spec`, which also
            takes ``path=``, ``num_classes=`` and ``shuffle_classes=True, seed=S``, the
            control arm); the path of a bank ``.npz``; or a bank.
        alpha (float): Weight of the text terms (official: 0.8 NTU, 1.0 NW-UCLA). Defaults
            to 1.
        loss_cls (dict): Classification loss. Defaults to ``dict(type='CrossEntropyLoss')``.
        dropout (float): Dropout before the classifier (not before the projections, as in
            the official code). Defaults to 0.
        average_clips (str): ``'prob'``, ``'score'`` or ``None`` (see :class:`BaseHead`).
        init_cfg (dict): Defaults to Normal(std=0.01) for ``fc`` only; the projections keep
            PyTorch's default initialisation, as the official part projections do.

    Shape:
        x: [N, M, C, T, V] -> scores [N, K]; the bank: K classes, D dimensions.

    Example:
        >>> import numpy as np
        >>> bank = TextBank(['a', 'b'], {t: [np.eye(2)[:1], np.eye(2)[1:]] for t in
        ...                 ('global', 'hand')}, 'eye', terms=('global', 'hand'))
        >>> head = LSTHead(2, 8, layout='nw-ucla', text_bank=bank)
        >>> head(torch.randn(3, 1, 8, 4, 20)).shape
        torch.Size([3, 2])
    """

    def __init__(self, num_classes: int, in_channels: int, layout: Union[str, dict, Layout],
                 text_bank: Union[str, dict, TextBank], alpha: float = 1.0,
                 loss_cls: dict = dict(type='CrossEntropyLoss'), dropout: float = 0.,
                 average_clips: str = 'prob',
                 init_cfg: dict = dict(type='Normal', std=0.01, override=dict(name='fc'))
                 ) -> None:
        super().__init__(num_classes, in_channels, loss_cls, dropout, average_clips, init_cfg)
        layout = get_layout(layout)
        bank = bank_from_spec(text_bank)
        where = 'the text bank' if isinstance(text_bank, TextBank) else f'text bank {text_bank!r}'
        if bank.num_classes != num_classes:
            raise ValueError(f'{where} has {bank.num_classes} classes, the head has '
                             f'num_classes={num_classes}')
        groups = layout.part_groups
        if not groups:
            raise ValueError(f'layout {layout.name!r} has no body-part groups, which LSTHead '
                             'pools over; use a layout with parts (e.g. nturgb+d, nw-ucla, coco, '
                             'openpose) or a custom layout dict with parts=dict(head=[...], ...)')
        missing = [t for t in bank.terms if t != 'global' and t not in groups]
        if missing:
            raise ValueError(f'layout {layout.name!r} has no body-part groups {missing} that '
                             f'{where} has terms for; its groups are {sorted(groups)}')
        self.alpha, self.terms = alpha, bank.terms
        self.part_joints = {t: list(groups[t]) for t in self.terms if t != 'global'}
        self.projections = nn.ModuleDict({t: nn.Linear(in_channels, bank.dim)
                                          for t in self.terms})
        self.logit_scale = nn.Parameter(torch.full((1, len(self.terms)),
                                                   math.log(1 / 0.07)))
        for term in self.terms:  # [K, S_max, D] texts, zero-padded, and S per class
            arrays = bank.embeddings[term]
            table = torch.zeros(num_classes, max(len(a) for a in arrays), bank.dim)
            for k, array in enumerate(arrays):
                table[k, :len(array)] = torch.from_numpy(array)
            # not in the state dict: checkpoints stay those of the plain model plus projections
            self.register_buffer(f'texts_{term}', table, persistent=False)
            self.register_buffer(f'counts_{term}', torch.tensor([len(a) for a in arrays]),
                                 persistent=False)

    def term_features(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Pooled skeleton features of each term, before projection.

        Args:
            x (Tensor): [N, M, C, T, V] backbone features.

        Returns:
            dict[str, Tensor]: term -> [N, C]: ``'global'`` the mean over persons, time and
            joints; a part the mean over its joints, then time, then persons.
        """
        return {term: x.mean(dim=(1, 3, 4)) if term == 'global'
                else x[..., self.part_joints[term]].mean(dim=4).mean(dim=3).mean(dim=1)
                for term in self.terms}

    def draw_texts(self, term: str, labels: torch.Tensor) -> torch.Tensor:
        """One text embedding of each sample's class for ``term``, drawn uniformly.

        Args:
            term (str): A term of the bank.
            labels (Tensor): [N] class indices.

        Returns:
            Tensor: [N, D].
        """
        table, counts = getattr(self, f'texts_{term}'), getattr(self, f'counts_{term}')
        counts = counts[labels]
        index = (torch.rand(len(labels), device=labels.device) * counts).long()
        return table[labels, index.clamp(max=table.shape[1] - 1)]

    def text_losses(self, x: torch.Tensor, labels: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The symmetric KL loss of each term (without ``alpha``).

        Args:
            x (Tensor): [N, M, C, T, V] backbone features.
            labels (Tensor): [N] class indices.

        Returns:
            dict[str, Tensor]: term -> scalar 0.5 * (KL skeleton->text + KL text->skeleton).
        """
        same = (labels[:, None] == labels[None, :]).to(x.dtype)
        losses = {}
        for i, (term, feature) in enumerate(self.term_features(x).items()):
            skeleton = F.normalize(self.projections[term](feature), dim=1)
            text = F.normalize(self.draw_texts(term, labels).to(skeleton.dtype), dim=1)
            logits = self.logit_scale[0, i] * skeleton @ text.T  # [N skeletons, N texts]
            losses[term] = 0.5 * (multi_positive_kl(logits, same)
                                  + multi_positive_kl(logits.T, same))
        return losses

    def loss(self, feats: torch.Tensor, data_samples: List[ActionDataSample]) -> Dict:
        """``loss_cls`` (CE), ``loss_text`` (alpha times the mean of the terms' KL losses),
        the batch's ``top1_acc`` and, for the log, each term's loss as ``kl_<term>``.

        Args:
            feats (Tensor): [N, M, C, T, V] backbone features.
            data_samples (list[ActionDataSample]): N samples with ``gt_label``.
        """
        losses = super().loss(feats, data_samples)
        labels = torch.cat([s.gt_label for s in data_samples]).to(feats.device)
        terms = self.text_losses(feats, labels)
        losses['loss_text'] = self.alpha * torch.stack(list(terms.values())).mean()
        losses.update({f'kl_{term}': value.detach() for term, value in terms.items()})
        return losses
