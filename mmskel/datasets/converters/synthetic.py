"""Synthetic skeleton actions in the NTU RGB+D 25-joint layout: mmskel's quick-start dataset.

A parametric body (bone lengths from the subject's height, jittered proportions) is posed by
joint angles and placed by forward kinematics over the ``nturgb+d`` tree, re-rooted at the
pelvis so that bending the spine moves the upper body and not the legs. Each class is a small
choreography of joint angles over time; speed, phase, amplitude, start, clip length, camera view,
joint noise and single-frame glitches vary per sample, so classes differ by motion and cannot be
told apart by where the joints are on average. Coordinates are Kinect-like: metres, y up, the
camera at the origin looking along +z, a person facing the camera faces -z.
"""
import time
from collections import deque
from typing import Callable, Dict, List, Tuple

import numpy as np

from mmskel.datasets.io import dump_annotations
from mmskel.structures.layouts import get_layout

FPS = 30
LAYOUT = get_layout('nturgb+d')
JOINT = {name: i for i, name in enumerate(LAYOUT.joint_names)}

# Rest pose of a 1.75 m person in the body frame: x = the person's right, y = up, z = backward;
# the pelvis (spine_base) at the origin. Right-side joints mirror these in x.
_LEFT_REST = {
    'shoulder': (-.17, .47, 0), 'elbow': (-.17, .19, 0), 'wrist': (-.17, -.06, 0),
    'hand': (-.17, -.14, 0), 'hand_tip': (-.17, -.21, 0), 'thumb': (-.15, -.17, -.04),
    'hip': (-.09, -.05, 0), 'knee': (-.09, -.47, 0), 'ankle': (-.09, -.88, 0),
    'foot': (-.09, -.93, -.12)}
REST = {'spine_base': (0, 0, 0), 'spine_mid': (0, .25, 0), 'spine_shoulder': (0, .50, 0),
        'neck': (0, .58, 0), 'head': (0, .70, 0),
        **{f'left_{k}': v for k, v in _LEFT_REST.items()},
        **{f'right_{k}': (-v[0], v[1], v[2]) for k, v in _LEFT_REST.items()}}
SEGMENT = {name: ('arm' if any(k in name for k in ('elbow', 'wrist', 'hand', 'thumb')) else
                  'leg' if any(k in name for k in ('hip', 'knee', 'ankle', 'foot')) else 'torso')
           for name in LAYOUT.joint_names}


def _kinematic_tree(root: int) -> Tuple[List[int], List[int]]:
    """Breadth-first order and parents of the layout's (undirected) tree re-rooted at ``root``."""
    neighbours: Dict[int, List[int]] = {j: [] for j in range(LAYOUT.num_joints)}
    for child, parent in LAYOUT.inward:
        neighbours[child].append(parent)
        neighbours[parent].append(child)
    order, parents, queue = [], [root] * LAYOUT.num_joints, deque([root])
    while queue:
        j = queue.popleft()
        order.append(j)
        for k in neighbours[j]:
            if k != root and k not in order and k not in queue:
                parents[k] = j
                queue.append(k)
    return order, parents


ROOT = JOINT['spine_base']
ORDER, KIN_PARENTS = _kinematic_tree(ROOT)
FEET = ((JOINT['left_ankle'], JOINT['left_foot']), (JOINT['right_ankle'], JOINT['right_foot']))


def euler_matrix(angles: np.ndarray) -> np.ndarray:
    """Rotation matrices ``Rz @ Ry @ Rx`` from angles in degrees [..., 3] -> [..., 3, 3]."""
    x, y, z = np.moveaxis(np.deg2rad(angles), -1, 0)
    cx, sx, cy, sy, cz, sz = np.cos(x), np.sin(x), np.cos(y), np.sin(y), np.cos(z), np.sin(z)
    return np.stack([
        np.stack([cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx], -1),
        np.stack([sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx], -1),
        np.stack([-sy, cy * sx, cy * cx], -1)], -2)


def forward_kinematics(offsets: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Pose a body: each bone turns relative to its parent bone.

    Args:
        offsets (np.ndarray): [V, 3] bone vectors (joint minus kinematic parent) at rest.
        angles (np.ndarray): [T, V, 3] rotation of each bone at its parent joint, degrees;
            the root's entry orients the whole body.

    Returns:
        np.ndarray: [T, V, 3] joint positions, the root at the origin.
    """
    rot = euler_matrix(angles)
    pos = np.zeros(angles.shape)
    for j in ORDER[1:]:
        rot[:, j] = rot[:, KIN_PARENTS[j]] @ rot[:, j]
        pos[:, j] = pos[:, KIN_PARENTS[j]] + rot[:, j] @ offsets[j]
    return pos


def stand_on_floor(pos: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """Put the lower foot on the floor (y = 0) where it stood at rest, so legs carry the body."""
    feet = np.stack([pos[:, list(f)] for f in FEET], 1)  # [T, 2 feet, 2 joints, 3]
    height = feet[..., 1].min(-1)  # [T, 2]
    # Soft-min weights pick the stance foot smoothly (kicks, steps) and both when level.
    weight = np.exp(-(height - height.min(1, keepdims=True)) / 0.02)
    weight /= weight.sum(1, keepdims=True)
    rest_feet = np.stack([rest[list(f)].mean(0) for f in FEET])  # [2, 3]
    drift = np.einsum('tf,tfc->tc', weight, feet.mean(2) - rest_feet)
    drift[:, 1] = height.min(1)
    return pos - drift[:, None]


class Motion:
    """Joint-angle tracks of one person over one clip, with helpers that set them by body part.

    Angles are degrees; ``flex`` moves a limb forward, ``swing`` moves a raised arm toward the
    body midline, ``abd`` moves a limb outward, ``elbow``/``knee`` bend the joint naturally.
    ``shift`` is a body-frame root translation (steps, jumps; forward is -z).
    """

    def __init__(self, num_frames: int):
        self.angles = np.zeros((num_frames, LAYOUT.num_joints, 3))
        self.shift = np.zeros((num_frames, 3))

    def _track(self, *values) -> np.ndarray:
        """Stack scalars or [T] arrays into [T, len(values)]."""
        return np.stack([np.broadcast_to(v, self.shift.shape[:1]) for v in values], -1)

    def arm(self, side: str, flex=0., swing=0., abd=0., elbow=0., elbow_swing=0., elbow_abd=0.):
        """Add shoulder (``flex``, ``swing``, ``abd``) and elbow angles to the ``side`` arm."""
        sign = 1 if side == 'right' else -1  # left limbs mirror about the y-z plane
        self.angles[:, JOINT[f'{side}_elbow']] += self._track(flex, sign * swing, sign * abd)
        self.angles[:, JOINT[f'{side}_wrist']] += self._track(elbow, sign * elbow_swing,
                                                              sign * elbow_abd)

    def leg(self, side: str, flex=0., knee=0.):
        """Add hip flexion and knee bend to the ``side`` leg."""
        self.angles[:, JOINT[f'{side}_knee'], 0] += flex
        self.angles[:, JOINT[f'{side}_ankle'], 0] -= knee

    def bend(self, forward=0., twist=0.):
        """Bend the spine forward (negative: backward) and twist it about the vertical."""
        for bone in ('spine_mid', 'spine_shoulder'):  # split between lumbar and thoracic spine
            self.angles[:, JOINT[bone], 0] -= np.asarray(forward) / 2
            self.angles[:, JOINT[bone], 1] += np.asarray(twist) / 2


def ramp(t: np.ndarray, start: float, duration: float) -> np.ndarray:
    """Smooth step from 0 (before ``start``) to 1 (after ``start + duration``)."""
    u = np.clip((t - start) / max(duration, 1e-6), 0, 1)
    return u * u * (3 - 2 * u)


def bump(t: np.ndarray, start: float, duration: float) -> np.ndarray:
    """Smooth 0 -> 1 -> 0 over ``[start, start + duration]``."""
    return np.sin(np.pi * np.clip((t - start) / max(duration, 1e-6), 0, 1)) ** 2


class Clip:
    """Per-sample timing: frames ``t``, speed, amplitude and random start/phase helpers."""

    def __init__(self, rng: np.random.Generator, num_frames: int):
        self.rng, self.num_frames, self.t = rng, num_frames, np.arange(num_frames, dtype=float)
        self.speed, self.amp = rng.uniform(0.7, 1.4), rng.uniform(0.8, 1.2)
        self.phase = rng.uniform(0, 2 * np.pi)

    def window(self, frames: float) -> Tuple[float, float]:
        """(start, duration) of an event lasting ``frames / speed``, placed inside the clip."""
        duration = min(frames / self.speed, self.num_frames - 4)
        return self.rng.uniform(0, self.num_frames - duration), duration

    def hold(self, rise: float, stay: float, fall: float) -> np.ndarray:
        """Envelope that rises, stays, and falls back (if the clip is long enough)."""
        start, duration = self.window(rise + stay + fall)
        k = duration * self.speed / (rise + stay + fall)  # shrink the parts to what fits
        t, speed = self.t, self.speed
        return (ramp(t, start, rise * k / speed)
                - ramp(t, start + (rise + stay) * k / speed, fall * k / speed))

    def wave(self, hertz: float) -> np.ndarray:
        """A sine of ``hertz * speed`` over the clip, starting at the sample's phase."""
        return np.sin(2 * np.pi * hertz * self.speed * self.t / FPS + self.phase)


def _wave_hand(side: str) -> Callable:
    def act(c: Clip, m: Motion) -> None:
        env = ramp(c.t, c.rng.uniform(0, c.num_frames * .3), 12 / c.speed)
        m.arm(side, flex=10 * env, abd=env * c.rng.uniform(95, 130),
              elbow_abd=env * (45 + 30 * c.amp * c.wave(2.)))
    return act


def _raise_arms(c: Clip, m: Motion) -> None:
    env = c.hold(20, c.rng.uniform(5, 30), 20)
    for side in ('left', 'right'):
        m.arm(side, flex=env * min(160 * c.amp, 175), abd=env * c.rng.uniform(0, 25),
              elbow=env * c.rng.uniform(0, 15))


def _clap(c: Clip, m: Motion) -> None:
    env = ramp(c.t, c.rng.uniform(0, c.num_frames * .3), 10 / c.speed)
    beat = 4 + 13 * c.amp * (1 - np.cos(2 * np.pi * 2.2 * c.speed * c.t / FPS + c.phase)) / 2
    for side in ('left', 'right'):
        m.arm(side, flex=env * 78, elbow=env * 40, swing=env * beat)


def _punch(c: Clip, m: Motion) -> None:
    env = ramp(c.t, c.rng.uniform(0, c.num_frames * .2), 8 / c.speed)
    wave = c.wave(1.)
    for side, hit in (('right', np.maximum(wave, 0) ** 3), ('left', np.maximum(-wave, 0) ** 3)):
        hit = hit * env * c.amp
        m.arm(side, flex=env * 45 + 45 * hit, elbow=env * 100 - 95 * hit, swing=env * 10 + 5 * hit)
    m.bend(twist=12 * env * wave)


def _sit(reverse: bool) -> Callable:
    def act(c: Clip, m: Motion) -> None:
        p = ramp(c.t, *c.window(40))
        p = 1 - p if reverse else p
        depth = min(85 * c.amp, 95)
        for side in ('left', 'right'):
            m.leg(side, flex=p * depth, knee=p * depth)
            m.arm(side, flex=25 * p, elbow=30 * p)
        m.bend(forward=25 * np.sin(np.pi * p) + 8 * p)
    return act


def _kick(c: Clip, m: Motion) -> None:
    start, duration = c.window(30)
    m.leg('right', flex=min(75 * c.amp, 95) * bump(c.t, start + .15 * duration, .7 * duration),
          knee=70 * (bump(c.t, start, .5 * duration)
                     + bump(c.t, start + .5 * duration, .5 * duration)))
    env = bump(c.t, start - 5, duration + 10)
    for side in ('left', 'right'):
        m.arm(side, abd=20 * env, elbow=20 * env)
    m.bend(forward=-10 * bump(c.t, start + .15 * duration, .7 * duration))


def _jump(c: Clip, m: Motion) -> None:
    start, duration = c.window(40)
    crouch = bump(c.t, start, .4 * duration) + bump(c.t, start + .6 * duration, .4 * duration)
    for side in ('left', 'right'):
        m.leg(side, flex=50 * c.amp * crouch, knee=90 * c.amp * crouch)
        m.arm(side, flex=-30 * bump(c.t, start, .35 * duration)
              + 120 * c.amp * bump(c.t, start + .25 * duration, .45 * duration))
    m.bend(forward=20 * crouch)
    flight = np.clip((c.t - start - .35 * duration) / (.3 * duration), 0, 1)
    m.shift[:, 1] = c.rng.uniform(.15, .3) * c.amp * np.sin(np.pi * flight)


def _walk(c: Clip, m: Motion) -> None:
    env = ramp(c.t, c.rng.uniform(0, c.num_frames * .2), 8 / c.speed)
    wave = c.wave(.9) * env * c.amp
    for side, step in (('right', np.maximum(wave, 0)), ('left', np.maximum(-wave, 0))):
        m.leg(side, flex=45 * step, knee=65 * step)
    m.arm('right', flex=-20 * wave, elbow=20 * env)
    m.arm('left', flex=20 * wave, elbow=20 * env)


def _bow(c: Clip, m: Motion) -> None:
    env = c.hold(18, c.rng.uniform(5, 15), 18)
    angle = env * c.rng.uniform(45, 70) * c.amp
    m.bend(forward=angle)
    m.angles[:, JOINT['neck'], 0] -= 10 * env
    for side in ('left', 'right'):
        m.arm(side, flex=.6 * angle)


def _touch_head(c: Clip, m: Motion) -> None:
    env = c.hold(18, c.rng.uniform(10, 30), 18)
    for side in ('left', 'right'):
        m.arm(side, flex=20 * env, abd=100 * env, elbow_abd=min(125 * c.amp, 135) * env)
    m.angles[:, JOINT['neck'], 0] -= 8 * env


def _handshake(c: Clip, a: Motion, b: Motion, distance: float) -> None:
    env = c.hold(12, c.rng.uniform(20, 40), 12)
    shake = 8 * c.amp * env ** 4 * c.wave(2.5)
    for m in (a, b):
        m.arm('right', flex=50 * env + shake, swing=15 * env, elbow=35 * env)


def _push(c: Clip, a: Motion, b: Motion, distance: float) -> None:
    start, duration = c.window(40)
    guard = ramp(c.t, start, .25 * duration)
    hit = bump(c.t, start + .25 * duration, .6 * duration)
    for side in ('left', 'right'):
        a.arm(side, flex=50 * guard + 35 * hit, elbow=90 * guard - 85 * hit, swing=10 * guard)
        b.arm(side, abd=30 * bump(c.t, start + .35 * duration, .5 * duration), elbow=30 * guard)
    a.bend(forward=10 * hit)
    a.shift[:, 2] = -.1 * ramp(c.t, start + .25 * duration, .3 * duration)
    reel = ramp(c.t, start + .35 * duration, .35 * duration)
    b.shift[:, 2] = c.rng.uniform(.2, .4) * c.amp * reel
    b.bend(forward=-15 * bump(c.t, start + .35 * duration, .5 * duration))


def _hug(c: Clip, a: Motion, b: Motion, distance: float) -> None:
    start, duration = c.window(45)
    close = ramp(c.t, start, .5 * duration)
    wrap = ramp(c.t, start + .2 * duration, .5 * duration)
    for m, flex in ((a, 95), (b, 75)):  # one pair of arms over, one under
        m.shift[:, 2] = -(distance - .4) / 2 * close
        for side in ('left', 'right'):
            m.arm(side, flex=flex * wrap, swing=45 * c.amp * wrap, elbow_swing=70 * wrap)
        m.bend(twist=5 * wrap * c.wave(.5))


ONE_PERSON = {'wave right hand': _wave_hand('right'), 'wave left hand': _wave_hand('left'),
              'raise both arms': _raise_arms, 'clap': _clap, 'punch forward': _punch,
              'sit down': _sit(False), 'stand up': _sit(True), 'kick right leg': _kick,
              'jump': _jump, 'walk in place': _walk, 'bow': _bow, 'touch head': _touch_head}
TWO_PERSON = {'handshake': (_handshake, (.85, 1.05)), 'push': (_push, (.6, .75)),
              'hug': (_hug, (.9, 1.2))}  # interaction -> (choreography, distance range in m)
CLASSES = tuple(ONE_PERSON) + tuple(TWO_PERSON)


def make_body(rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """A random person: bone ``offsets`` [V, 3], ``rest`` joints [V, 3], ``habit`` angles [V, 3].

    Heights span 1.5-1.95 m; torso, arms, legs and shoulder width vary by up to 7-10 % apart
    from height, and each person has their own resting posture.
    """
    scale = rng.uniform(1.5, 1.95) / 1.75
    factor = {segment: rng.uniform(.93, 1.07) for segment in ('torso', 'arm', 'leg')}
    rest = np.array([REST[name] for name in LAYOUT.joint_names], dtype=float)
    offsets = np.zeros_like(rest)
    for j in ORDER[1:]:
        segment = SEGMENT[LAYOUT.joint_names[j]]
        offsets[j] = (rest[j] - rest[KIN_PARENTS[j]]) * scale * factor[segment]
    width = rng.uniform(.9, 1.1)
    for name in ('left_shoulder', 'right_shoulder', 'left_hip', 'right_hip'):
        offsets[JOINT[name], 0] *= width
    posture = Motion(1)
    for side in ('left', 'right'):
        posture.arm(side, abd=rng.uniform(4, 12), elbow=rng.uniform(5, 20))
        posture.leg(side, flex=rng.uniform(0, 4), knee=rng.uniform(0, 6))
    posture.bend(forward=rng.uniform(-4, 4))
    posture.angles[0, JOINT['neck'], 0] += rng.uniform(-6, 6)
    rest = forward_kinematics(offsets, np.zeros((1, LAYOUT.num_joints, 3)))[0]
    return dict(offsets=offsets, rest=rest, habit=posture.angles[0])


def pose_person(rng: np.random.Generator, body: Dict[str, np.ndarray], motion: Motion,
                yaw: float, position: Tuple[float, float]) -> np.ndarray:
    """Animate ``body`` with ``motion`` plus idle sway and place it on the floor; [T, V, 3]."""
    num_frames = len(motion.shift)
    # Slow per-joint sway keeps the idle parts of the body from being perfectly still.
    hertz = rng.uniform(.2, .8, (LAYOUT.num_joints, 3))
    phase = rng.uniform(0, 2 * np.pi, (LAYOUT.num_joints, 3))
    sway = 2 * np.sin(2 * np.pi * hertz * np.arange(num_frames)[:, None, None] / FPS + phase)
    angles = body['habit'] + rng.normal(0, 3, body['habit'].shape) + sway + motion.angles
    pos = stand_on_floor(forward_kinematics(body['offsets'], angles), body['rest'])
    pos = pos + motion.shift[:, None]
    return pos @ euler_matrix(np.array([0., yaw, 0.])).T + np.array([position[0], 0., position[1]])


def make_clip(rng: np.random.Generator, name: str, body: Dict[str, np.ndarray],
              num_frames: int) -> np.ndarray:
    """One sample of class ``name`` by ``body`` (and a random partner); float32 [2, T, V, 3]."""
    clip = Clip(rng, num_frames)
    keypoint = np.zeros((2, num_frames, LAYOUT.num_joints, 3))
    if name in ONE_PERSON:
        motion = Motion(num_frames)
        ONE_PERSON[name](clip, motion)
        keypoint[0] = pose_person(rng, body, motion, rng.uniform(-10, 10), (0., 0.))
        persons = 1
    else:
        act, (near, far) = TWO_PERSON[name]
        distance = rng.uniform(near, far)
        first, second = Motion(num_frames), Motion(num_frames)
        act(clip, first, second, distance)
        # The pair faces each other along x, so an unrotated camera sees both in profile.
        keypoint[0] = pose_person(rng, body, first, -90., (-distance / 2, 0.))
        keypoint[1] = pose_person(rng, make_body(rng), second, 90., (distance / 2, 0.))
        persons = 2
    # The camera sees the scene from a random side (turn about the vertical), at a random
    # distance and height, slightly tilted.
    turn = euler_matrix(np.array([0., rng.uniform(-45, 45), 0.]))
    tilt = euler_matrix(np.array([rng.uniform(-5, 5), 0., 0.]))
    shift = np.array([rng.uniform(-.4, .4), rng.uniform(-1.1, -.6), rng.uniform(2.6, 3.6)])
    keypoint[:persons] = (keypoint[:persons] @ turn.T + shift) @ tilt.T
    keypoint[:persons] += rng.normal(0, .01, keypoint[:persons].shape)
    if rng.random() < .3:  # a tracker glitch: some joints jump for a single frame
        frame, person = rng.integers(num_frames), rng.integers(persons)
        glitch = rng.random(LAYOUT.num_joints) < .3
        keypoint[person, frame, glitch] += rng.normal(0, .05, (glitch.sum(), 3))
    return keypoint.astype(np.float32)


def generate_synthetic(out: str, num_subjects: int = 20, num_train_subjects: int = 16,
                       samples_per_class_per_subject: int = 3, min_frames: int = 40,
                       max_frames: int = 80, seed: int = 0) -> Dict:
    """Generate the synthetic quick-start dataset and write its annotation pickle.

    Every sample comes from its own generator seeded by ``(seed, subject, label, repetition)``,
    so a sample does not change when the sizes of the others do.

    Args:
        out (str): Output ``.pkl`` path.
        num_subjects (int): Performers, numbered from 1. Defaults to 20.
        num_train_subjects (int): The first this many go to ``xsub_train``, the rest to
            ``xsub_val``. Defaults to 16.
        samples_per_class_per_subject (int): Repetitions of each class by each performer.
            Defaults to 3 (48 train and 12 val samples per class).
        min_frames (int): Shortest clip. Defaults to 40.
        max_frames (int): Longest clip. Defaults to 80.
        seed (int): Random seed. Defaults to 0.

    Returns:
        dict: ``out``, ``num_samples``, ``split_sizes``, ``classes``, ``seconds``.

    Example:
        >>> generate_synthetic('data/synthetic/synthetic_3danno.pkl')['split_sizes']
        {'xsub_train': 720, 'xsub_val': 180}
    """
    if not 0 < num_train_subjects < num_subjects:
        raise ValueError(f'num_train_subjects must be in [1, {num_subjects - 1}] so that both '
                         f'splits have subjects, got {num_train_subjects}')
    if samples_per_class_per_subject < 1:
        raise ValueError('samples_per_class_per_subject must be >= 1, got '
                         f'{samples_per_class_per_subject}')
    if not 8 <= min_frames <= max_frames:
        raise ValueError(f'need 8 <= min_frames <= max_frames, got {min_frames}, {max_frames}')
    start = time.perf_counter()
    annotations, split = [], {'xsub_train': [], 'xsub_val': []}
    for subject in range(1, num_subjects + 1):
        body = make_body(np.random.default_rng([seed, subject]))
        for label, name in enumerate(CLASSES):
            for repetition in range(1, samples_per_class_per_subject + 1):
                rng = np.random.default_rng([seed, subject, label, repetition])
                keypoint = make_clip(rng, name, body,
                                     int(rng.integers(min_frames, max_frames + 1)))
                frame_dir = f'P{subject:03d}A{label + 1:03d}R{repetition:03d}'
                annotations.append(dict(frame_dir=frame_dir, label=label,
                                        total_frames=keypoint.shape[1], keypoint=keypoint))
                split['xsub_train' if subject <= num_train_subjects else 'xsub_val'].append(
                    frame_dir)
    dump_annotations(annotations, out, split=split, classes=list(CLASSES), layout=LAYOUT.name)
    return dict(out=str(out), num_samples=len(annotations),
                split_sizes={name: len(ids) for name, ids in split.items()},
                classes=list(CLASSES), seconds=round(time.perf_counter() - start, 3))
