"""Training-set augmentation for the smartwatch windows: the watch worn a little differently.

Subjects strap the watch on at slightly different angles and move with different vigour, and a
network trained on eight subjects meets a ninth one's orientation for the first time. Each extra
copy of a training window therefore gets

- one random rotation ``R`` of the watch, applied to the accelerometer ``a = (ax, ay, az)`` and
  the gyroscope ``w = (wx, wy, wz)`` alike (both are vectors in the watch's frame): a rotation
  axis drawn uniformly on the unit sphere and an angle uniform in ``[-max_angle, max_angle]``
  (Rodrigues' formula), and
- one gain ``g`` uniform in ``gain``, scaling all six channels,

    a' = g R a,    w' = g R w,

computed on the raw signals (the normalization of :func:`load_watch_windows` is undone, then
redone with the same training statistics). The test windows are never touched.

The setting used by the HAR benchmark (two copies, +-20 degrees, gain 0.9..1.1) was chosen on a
validation subject, not on the test subjects: ``lava-sd bench har-augment``.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import positive_int
from lava_sd.data.har_watch import HarSplits

__all__ = ["augment_rotations", "rotation_matrices"]

_VECTORS = (slice(0, 3), slice(3, 6))  # accelerometer, gyroscope


def rotation_matrices(rng: np.random.Generator, n: int, max_angle_deg: float) -> np.ndarray:
    """``n`` random rotations ``(n, 3, 3)``: uniform axis, angle uniform in ``+-max_angle_deg``.

    Rodrigues: ``R = I + sin(t) K + (1 - cos(t)) K^2`` with ``K`` the cross-product matrix of
    the unit axis ``k``. Every ``R`` is orthonormal with determinant 1.
    """
    axis = rng.standard_normal((n, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    angle = np.deg2rad(rng.uniform(-max_angle_deg, max_angle_deg, n))
    k = np.zeros((n, 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k -= k.transpose(0, 2, 1)
    sin, cos = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    return np.eye(3) + sin * k + (1 - cos) * (k @ k)


def augment_rotations(
    splits: HarSplits,
    *,
    copies: int = 2,
    max_angle_deg: float = 20.0,
    gain: tuple[float, float] = (0.9, 1.1),
    seed: int = 0,
) -> HarSplits:
    """``splits`` with ``copies`` rotated and rescaled copies of every training window added.

    The training arrays become the original windows followed by copy 1, copy 2, ...; labels,
    subjects, recordings and sides repeat with them. Everything else, including the test
    windows and the normalization statistics, is unchanged.

    Args:
        splits: windows from :func:`lava_sd.data.load_watch_windows` (normalized or not).
        copies: number of augmented copies per training window, >= 1.
        max_angle_deg: largest rotation angle in degrees, in ``[0, 180]``.
        gain: ``(low, high)`` range of the per-window gain, ``0 < low <= high``.
        seed: seed of the numpy generator that draws the rotations and gains.

    Returns:
        A new :class:`HarSplits`.

    Raises:
        ParameterError: for a bad ``splits``, ``copies``, ``max_angle_deg``, ``gain`` or
            ``seed``.
    """
    owner = "augment_rotations"
    if not isinstance(splits, HarSplits):
        raise ParameterError(
            f"{owner}: 'splits' must be a HarSplits from load_watch_windows(), got "
            f"{type(splits).__name__}."
        )
    copies = positive_int(owner, "copies", copies)
    seed = positive_int(owner, "seed", seed, minimum=0)
    if (
        isinstance(max_angle_deg, bool)
        or not isinstance(max_angle_deg, numbers.Real)
        or not 0 <= max_angle_deg <= 180
    ):
        raise ParameterError(
            f"{owner}: 'max_angle_deg' must be a number of degrees in [0, 180], got "
            f"{max_angle_deg!r}."
        )
    try:
        low, high = (float(g) for g in gain)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{owner}: 'gain' must be a pair (low, high) of numbers, got {gain!r}."
        ) from None
    if not (np.isfinite([low, high]).all() and 0 < low <= high):
        raise ParameterError(
            f"{owner}: 'gain' must satisfy 0 < low <= high (finite), got {gain!r}; e.g. (0.9, 1.1)."
        )

    rng = np.random.default_rng(seed)
    n = len(splits.y_train)
    raw = splits.x_train.astype(np.float64)
    if splits.mean is not None:
        raw = raw * splits.std[:, None] + splits.mean[:, None]
    augmented = [splits.x_train]
    for _ in range(copies):
        rotation = rotation_matrices(rng, n, float(max_angle_deg))
        scale = rng.uniform(low, high, n)[:, None, None]
        copy = np.empty_like(raw)
        for part in _VECTORS:
            copy[:, part] = scale * (rotation @ raw[:, part])
        if splits.mean is not None:
            copy = (copy - splits.mean[:, None]) / splits.std[:, None]
        augmented.append(copy.astype(np.float32))
    repeat = copies + 1
    return dataclasses.replace(
        splits,
        x_train=np.ascontiguousarray(np.concatenate(augmented)),
        y_train=np.tile(splits.y_train, repeat),
        subject_train=np.tile(splits.subject_train, repeat),
        recording_train=np.tile(splits.recording_train, repeat),
        side_train=np.tile(splits.side_train, repeat),
    )
