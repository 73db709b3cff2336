"""Layouts from json files, their plain form, and joint-order comparison."""
import json

import pytest

from mmskel.structures.layouts import LAYOUTS, get_layout, layout_dict, load_layout

HAND = dict(name='five', parents=[0, 0, 1, 2, 3], center=0,
            joint_names=['wrist', 'a', 'b', 'c', 'd'])


def test_json_file_name_and_dict_give_the_same_layout(tmp_path):
    path = tmp_path / 'hand.json'
    path.write_text(json.dumps(HAND))
    from_file, spec = load_layout(path)
    assert spec == HAND and from_file == get_layout(HAND)
    assert from_file.parents == (0, 0, 1, 2, 3) and from_file.joint_names[4] == 'd'
    assert load_layout(str(path))[0] == from_file
    assert load_layout('nw-ucla') == (LAYOUTS['nw-ucla'], 'nw-ucla')
    assert load_layout(LAYOUTS['coco'])[1] == 'coco'


@pytest.mark.parametrize('name', sorted(LAYOUTS))
def test_layout_dict_round_trips(name):
    layout = LAYOUTS[name]
    assert get_layout(layout_dict(layout)) == layout
    assert json.loads(json.dumps(layout_dict(layout))) == layout_dict(layout)


def test_bad_json_files_are_named(tmp_path):
    with pytest.raises(KeyError, match='nope.json.* is neither a built-in layout'):
        load_layout('nope.json')
    broken = tmp_path / 'broken.json'
    broken.write_text('{"parents": [0, 0')
    with pytest.raises(ValueError, match=r'broken.json: not a json file'):
        load_layout(broken)
    listed = tmp_path / 'list.json'
    listed.write_text('[0, 0, 1]')
    with pytest.raises(ValueError, match=r'list.json: expected a layout dict .* got list'):
        load_layout(listed)
    cyclic = tmp_path / 'cyclic.json'
    cyclic.write_text(json.dumps(dict(parents=[0, 2, 1], center=0)))
    with pytest.raises(ValueError, match=r'cyclic.json: not a valid layout: .*cycle'):
        load_layout(cyclic)


def test_same_joint_count_is_not_the_same_order():
    ucla = LAYOUTS['nw-ucla']
    order = [3, 2, 1, 0] + list(range(4, 20))  # head first: another 20-joint order
    index = {old: new for new, old in enumerate(order)}
    reordered = get_layout(dict(parents=[index[ucla.parents[j]] for j in order],
                                center=index[ucla.center]))
    assert reordered.num_joints == ucla.num_joints == 20
    assert not reordered.same_joints(ucla)
    assert get_layout(layout_dict(ucla)).same_joints(ucla)
    assert get_layout(dict(parents=list(ucla.parents), center=2, name='mine')).same_joints(ucla)
