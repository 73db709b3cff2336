"""Normalisation of NTU RGB+D 3D sequences (metres): centring, MSA-GCN's body-frame alignment."""
from typing import Optional, Tuple

import numpy as np

SPINE_BASE, SPINE_MID, HIP_LEFT, HIP_RIGHT = 0, 1, 12, 16


def _origin(keypoint: np.ndarray) -> Tuple[int, np.ndarray]:
    """First frame where actor 1 is non-zero, and its spine-mid."""
    frame = int(np.argmax(keypoint[0].any(axis=(1, 2))))
    return frame, keypoint[0, frame, SPINE_MID].copy()


def center_sequence(keypoint: np.ndarray) -> np.ndarray:
    """Subtract actor 1's spine-mid in its first non-zero frame from every non-zero frame.

    As upstream ``seq_transformation.py`` (``seq_translation``): all-zero (missing) frames of
    an actor stay zero.

    Args:
        keypoint (np.ndarray): float32 [M, T, 25, 3].

    Returns:
        np.ndarray: The centred copy, same shape.
    """
    _, origin = _origin(keypoint)
    present = keypoint.any(axis=(2, 3), keepdims=True)
    return np.where(present, keypoint - origin, 0).astype(np.float32)


def align_sequence(keypoint: np.ndarray) -> np.ndarray:
    """MSA-GCN's alignment: turn each actor into its own body frame.

    The authors' ``data/ntu/seq_transformation.py`` ends with ``create_aligned_dataset`` (the
    alignment of the InfoGCN code base): for each actor, from one frame, the spine (spine-base ->
    spine-mid) becomes +z, the hip line (right hip -> left hip, made orthogonal to the spine)
    becomes +x and their cross product y; every frame of that actor is rotated by this basis
    (about the origin, so centre first). Upstream takes frame 0 and leaves an actor absent from
    frame 0 all zero; here each actor's first present frame is used, so no actor is lost. An
    actor whose spine or hips are degenerate in that frame is left unrotated. Missing frames
    stay zero.

    Args:
        keypoint (np.ndarray): float32 [M, T, 25, 3].

    Returns:
        np.ndarray: The rotated copy, same shape.
    """
    aligned = np.zeros_like(keypoint)
    for m, person in enumerate(keypoint):
        present = person.any(axis=(1, 2))
        if not present.any():
            continue
        basis = _body_basis(person[int(np.argmax(present))].astype(np.float64))
        rotated = person if basis is None else person @ basis
        aligned[m] = np.where(present[:, None, None], rotated, 0)
    return aligned


def _body_basis(joints: np.ndarray) -> Optional[np.ndarray]:
    """Orthonormal columns [hips, y, spine] of one frame [25, 3]; None when degenerate."""
    spine = joints[SPINE_MID] - joints[SPINE_BASE]
    hips = joints[HIP_LEFT] - joints[HIP_RIGHT]
    if np.linalg.norm(spine) < 1e-8:
        return None
    spine = spine / np.linalg.norm(spine)
    hips = hips - (hips @ spine) * spine
    if np.linalg.norm(hips) < 1e-8:
        return None
    hips = hips / np.linalg.norm(hips)
    return np.stack([hips, np.cross(hips, spine), spine], axis=1)
