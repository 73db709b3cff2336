"""Encode LST's class texts once into a text bank (.npz), so training needs no text encoder.

    python tools/misc/make_text_bank.py --texts nwucla --encoder use-m3 --out bank.npz
    python tools/misc/make_text_bank.py --texts gap:../shared/data/GAP-text:ntu --num-classes 60 \\
        --encoder hash --out work_dirs/banks/ntu60_gap_hash.npz

``--texts``: ``ntu60``, ``ntu120``, ``nwucla`` (mmskel's descriptions), ``gap:<folder>:<ntu|ucla>``
(the authors' files) or a description file (.yaml/.json, format in docs/lst.md).
``--encoder``: ``use-m3`` (pip install mmskel[lst]), ``hash`` (a baseline without meaning) or
``clip:<local checkpoint>``. A bank already at ``--out`` with the same content hash (encoder and
texts) is kept as it is, unless ``--force``.
"""
import argparse
import os.path as osp
import sys
import time

from mmskel.text.bank import TextBank, bank_key, bank_texts, build_bank
from mmskel.text.descriptions import texts_from_spec
from mmskel.text.encoders import build_encoder


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Encode LST's class texts into a text bank")
    parser.add_argument('--texts', required=True,
                        help='ntu60 | ntu120 | nwucla | gap:<folder>:<ntu|ucla> | <file.yaml>')
    parser.add_argument('--encoder', default='use-m3', help='use-m3 | hash | clip:<checkpoint>')
    parser.add_argument('--out', required=True, help='the bank to write (.npz)')
    parser.add_argument('--num-classes', type=int, help='keep the first N classes (60 of NTU-120)')
    parser.add_argument('--force', action='store_true', help='re-encode even if --out is current')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        class_texts = texts_from_spec(args.texts, args.num_classes)
        encoder = build_encoder(args.encoder)
    except (ValueError, KeyError, FileNotFoundError, ImportError) as error:
        sys.exit(f'error: {error}')
    key = bank_key(encoder.name, bank_texts(class_texts))
    if osp.exists(args.out) and not args.force:
        try:
            current = TextBank.load(args.out).key == key
        except ValueError:
            current = False
        if current:
            print(f'{args.out} is up to date (key {key}, encoder {encoder.name})')
            return
    start = time.perf_counter()
    bank = build_bank(class_texts, encoder.encode, encoder.name)
    bank.save(args.out)
    print(f'{args.out}: {bank.num_classes} classes, terms {list(bank.terms)}, dim {bank.dim}, '
          f'encoder {encoder.name}, key {bank.key}, encoded in '
          f'{time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
