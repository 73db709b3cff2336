"""The anatomy check on real NW-UCLA skeletons: the real joint order passes, a permuted one is
flagged, in 3D (y up) and in 2D image coordinates (y down)."""
import numpy as np
import pytest

from mmskel.datasets.anatomy import BONE_CV_LIMIT, check_anatomy, head_joint
from mmskel.datasets.io import load_annotations
from mmskel.structures import get_layout

UCLA = get_layout('nw-ucla')
PERMUTATION = np.random.default_rng(0).permutation(UCLA.num_joints)  # moves the head (3 -> 18)


@pytest.fixture
def real(nwucla_subset):
    return load_annotations(nwucla_subset)['annotations']


def _permuted(samples, order=PERMUTATION):
    return [dict(s, keypoint=s['keypoint'][:, :, order]) for s in samples]


def _image(samples, up_sign=-1):
    """Metres -> pixels of a 1920 x 1080 frame: x right, y down (image rows)."""
    def project(k):
        return np.stack([960 + 400 * k[..., 0], 540 + up_sign * 400 * k[..., 1]], -1)
    return [dict(s, keypoint=project(s['keypoint']).astype(np.float32)) for s in samples]


def test_real_order_passes(real):
    report = check_anatomy(real, UCLA)
    assert report['warnings'] == []
    assert report['up'] == '+y' and report['head'] == 'head'
    assert report['head_on_top'] > 0.95
    assert report['frames'] >= 0.99 * sum(s['keypoint'].shape[1] for s in real)
    assert max(report['bone_cv'].values()) < 0.3 < BONE_CV_LIMIT[3]
    assert len(report['bone_cv']) == UCLA.num_joints - 1


def test_permuted_order_is_flagged(real):
    report = check_anatomy(_permuted(real), UCLA)
    assert report['head_on_top'] < 0.05
    assert len(report['warnings']) == 2
    bones, head = report['warnings']
    assert bones.startswith('bone lengths vary wildly (coefficient of variation > 0.4): '
                            'left_shoulder-shoulder_center 0.44')
    assert "is the joint order that of layout 'nw-ucla'?" in bones
    assert head.startswith("the head joint 'head' is the highest joint (along +y) in 0% of "
                           'frames, expected most')


def test_image_coordinates_are_y_down(real):
    report = check_anatomy(_image(real), UCLA)
    assert report['up'] == '-y' and report['warnings'] == []
    assert 0.4 < max(report['bone_cv'].values()) < BONE_CV_LIMIT[2]  # a shoulder turns
    assert report['head_on_top'] == pytest.approx(check_anatomy(real, UCLA)['head_on_top'],
                                                  abs=0.01)
    flipped = check_anatomy(_image(real), UCLA, up='+y')  # the wrong convention is flagged
    assert flipped['head_on_top'] < 0.05 and 'or up is not +y (--up)' in flipped['warnings'][0]
    permuted = check_anatomy(_image(_permuted(real)), UCLA)
    assert permuted['head_on_top'] < 0.05
    assert permuted['warnings'][0].startswith('bone lengths vary wildly (coefficient of '
                                              'variation > 0.5): right_ankle-right_knee 0.55')


def test_absent_joints_and_layouts_without_head(real):
    sample = dict(real[0])
    keypoint = sample['keypoint'].copy()
    keypoint[:, ::2, 5] = 0  # joint 5 missing in every other frame: those frames do not count
    sample['keypoint'] = keypoint
    report = check_anatomy([sample], UCLA)
    assert report['frames'] == keypoint.shape[1] // 2
    hand = get_layout(dict(parents=[0, 0, 1], center=0))
    assert head_joint(hand) is None and head_joint(get_layout('coco')) == 0
    empty = check_anatomy([dict(keypoint=np.zeros((1, 4, 3, 3), np.float32))], hand)
    assert empty['head_on_top'] is None and empty['frames'] == 0
    assert empty['warnings'] == ['no frame has every joint present: nothing to check']
    with pytest.raises(ValueError, match='up must be one of'):
        check_anatomy(real[:2], UCLA, up='up')
