"""Pinhole projection of camera-space joints (metres) into pixels: 2D data made from 3D."""
from typing import Sequence

import numpy as np

# a camera like the Kinect v2 colour camera (focal length about 1060 px) in NTU's 1920x1080 frame
FOCAL = 1000.
IMG_SHAPE = (1080, 1920)


def project_pinhole(joints: np.ndarray, focal: float = FOCAL,
                    img_shape: Sequence[int] = IMG_SHAPE) -> np.ndarray:
    """Project ``x y z`` (y up, z away from the camera) with the principal point at the centre.

    ``u = W / 2 + focal * x / z`` and ``v = H / 2 - focal * y / z`` (image rows grow
    downwards). A joint with ``z <= 0`` (absent, or behind the camera) becomes (0, 0), the
    annotation format's absent joint.

    Args:
        joints (np.ndarray): [..., 3] in metres.
        focal (float): Focal length in pixels. Defaults to 1000.
        img_shape (Sequence[int]): (height, width) of the frame. Defaults to (1080, 1920).

    Returns:
        np.ndarray: float32 [..., 2], pixels (u, v).

    Example:
        >>> project_pinhole(np.float32([[0.5, 0.2, 2.0]])).tolist()
        [[1210.0, 440.0]]
    """
    height, width = img_shape
    x, y, z = joints[..., 0], joints[..., 1], joints[..., 2]  # in their own dtype, float32
    visible = z > 0
    depth = np.where(visible, z, np.ones_like(z))
    u = np.where(visible, width / 2 + focal * x / depth, 0)
    v = np.where(visible, height / 2 - focal * y / depth, 0)
    return np.stack([u, v], axis=-1).astype(np.float32)
