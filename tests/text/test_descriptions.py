"""mmskel's class texts (package data), the reader of the authors' GAP files, the template."""
from pathlib import Path

import pytest
from conftest import shared_path

from mmskel.datasets.converters.nwucla import NWUCLA_CLASSES
from mmskel.text.descriptions import (PARTS, ClassText, load_descriptions, read_descriptions,
                                      read_gap_texts, template_texts, texts_for, texts_from_spec)

META = Path(__file__).resolve().parents[2] / 'mmskel' / 'datasets' / 'meta'


def label_map(name: str) -> list:
    return (META / name).read_text(encoding='utf-8').splitlines()


@pytest.mark.parametrize('name, classes', [('ntu60', label_map('label_map_ntu60.txt')),
                                           ('ntu120', label_map('label_map_ntu120.txt')),
                                           ('nwucla', list(NWUCLA_CLASSES))])
def test_packaged_texts_cover_every_class_in_label_order(name, classes) -> None:
    texts = load_descriptions(name)
    assert [t.name for t in texts] == classes
    assert len(texts) == {'ntu60': 60, 'ntu120': 120, 'nwucla': 10}[name]
    for text in texts:
        assert 3 <= len(text.synonyms) <= 5, text.name
        assert text.name not in text.synonyms and len(set(text.synonyms)) == len(text.synonyms)
        assert tuple(text.parts) == PARTS
        assert all(len(text.parts[p].split()) >= 3 for p in PARTS), text.name


def test_packaged_part_texts_differ_between_classes() -> None:
    texts = load_descriptions('ntu120')
    hands = [t.parts['hand'] for t in texts]
    assert len(set(hands)) == len(hands)


def test_description_file_errors_name_file_entry_and_expectation(tmp_path) -> None:
    path = tmp_path / 'mine.yaml'
    path.write_text('classes:\n- name: wave\n  synonyms: [greet]\n'
                    '  parts: {head: still, hand: waves, hip: still}\n')
    with pytest.raises(ValueError, match=r"mine.yaml: classes\[0\] \('wave'\): parts must have "
                                         r"exactly the keys \['head', 'hand', 'hip', 'foot'\]"):
        read_descriptions(path)
    path.write_text('- just a list\n')
    with pytest.raises(ValueError, match="mine.yaml: expected a top-level mapping with a "
                                         "'classes' list"):
        read_descriptions(path)
    with pytest.raises(FileNotFoundError, match='neither a packaged description set'):
        load_descriptions(str(tmp_path / 'absent.yaml'))


def test_a_json_description_file_reads(tmp_path) -> None:
    path = tmp_path / 'mine.json'
    path.write_text('{"classes": [{"name": "wave", "synonyms": ["greet"], "parts": {"head": '
                    '"faces ahead", "hand": "one hand swings", "hip": "still", "foot": "still"}}]}')
    assert load_descriptions(str(path)) == [ClassText('wave', ['greet'], dict(
        head='faces ahead', hand='one hand swings', hip='still', foot='still'))]


def test_gap_ntu_texts_compose_parts_as_the_official_code() -> None:
    texts = read_gap_texts(shared_path('GAP-text'), 'ntu')
    names = (shared_path('GAP-text') / 'ntu120_label_map.txt').read_text().splitlines()
    assert [t.name for t in texts] == [n.strip() for n in names]
    first = texts[0]
    assert first.name == 'drink water' and first.synonyms[:2] == ['sip', 'guzzle']
    assert first.parts == {'head': 'head tilts back slightly',
                           'hand': 'hand grasps cup,arm lifts cup to mouth',
                           'hip': 'hip remains stationary',
                           'foot': 'leg remains stationary,foot remains stationary.'}
    assert len(read_gap_texts(shared_path('GAP-text'), 'ntu', num_classes=60)) == 60


def test_gap_ucla_texts_strip_part_labels() -> None:
    texts = read_gap_texts(shared_path('GAP-text'), 'ucla')
    assert [t.name for t in texts] == list(NWUCLA_CLASSES)
    assert texts[0].parts['head'] == 'tilts slightly forward'
    assert texts[0].parts['hand'] == 'reaches down and grasps object,extends and lifts object'
    assert not any(':' in p for t in texts for p in t.parts.values())


def write_gap(folder: Path, synonyms: str, pasta: str) -> Path:
    (folder / 'ucla_synonym_openai_t01.txt').write_text(synonyms)
    (folder / 'ucla_pasta_openai_t01.txt').write_text(pasta)
    return folder


def test_gap_reader_without_final_newline_and_its_errors(tmp_path) -> None:
    line = 'wave;head: up;hand: swings;arm: lifts;hip: still;leg: still;foot: still'
    folder = write_gap(tmp_path, 'wave,greet, hail', line)  # no final newline
    assert read_gap_texts(folder, 'ucla') == [ClassText('wave', ['greet', 'hail'], dict(
        head='up', hand='swings,lifts', hip='still', foot='still,still'))]
    write_gap(tmp_path, 'wave,greet\nsit,rest\n', line + '\nsit;head: down;hand: rest\n')
    with pytest.raises(ValueError, match=r"ucla_pasta_openai_t01.txt, line 2: expected 7 "
                                         r"non-empty ';'-separated fields \(name, head, hand"):
        read_gap_texts(folder, 'ucla')
    write_gap(tmp_path, 'walk,greet\n', line + '\n')
    with pytest.raises(ValueError, match=r"ucla_synonym_openai_t01.txt, line 1: expected the "
                                         r"class name 'wave'"):
        read_gap_texts(folder, 'ucla')
    write_gap(tmp_path, 'wave,greet\nsit,rest\n', line + '\n')
    with pytest.raises(ValueError, match='has 2 classes but .* has 1'):
        read_gap_texts(folder, 'ucla')
    with pytest.raises(FileNotFoundError, match='synonym_openai_t01.txt'):
        read_gap_texts(folder, 'ntu')
    with pytest.raises(ValueError, match="dataset must be one of"):
        read_gap_texts(folder, 'kinetics')


def test_template_texts_carry_the_name_in_every_part() -> None:
    texts = template_texts(['juggle', 'spin'])
    assert [t.name for t in texts] == ['juggle', 'spin']
    assert texts[0].synonyms == [] and tuple(texts[0].parts) == PARTS
    assert all('juggle' in p for p in texts[0].parts.values())
    assert texts[0].parts != texts[1].parts
    with pytest.raises(TypeError):
        template_texts('juggle')


def test_a_class_without_text_is_named() -> None:
    texts = load_descriptions('nwucla')
    assert [t.name for t in texts_for(['throw', 'carry'], texts)] == ['throw', 'carry']
    with pytest.raises(KeyError, match=r"no text for class\(es\) \['juggle'\]"):
        texts_for(['throw', 'juggle'], texts)


def test_texts_from_spec() -> None:
    assert [t.name for t in texts_from_spec('ntu120', num_classes=60)] == \
        [t.name for t in load_descriptions('ntu60')]
    gap = texts_from_spec(f"gap:{shared_path('GAP-text')}:ucla")
    assert gap == read_gap_texts(shared_path('GAP-text'), 'ucla')
    with pytest.raises(ValueError, match="expected 'gap:<folder>:<ntu|ucla>'"):
        texts_from_spec('gap:somewhere')
    with pytest.raises(ValueError, match='num_classes=11 but'):
        texts_from_spec('nwucla', num_classes=11)
