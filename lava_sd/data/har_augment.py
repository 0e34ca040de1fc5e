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

from lava_sd.checks import ParameterError, as_array
from lava_sd.data._args import positive_int
from lava_sd.data.har_watch import HarSplits

__all__ = ["augment_rotations", "rotated_copies", "rotation_matrices"]

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


def rotated_copies(
    raw: np.ndarray,
    *,
    copies: int,
    max_angle_deg: float,
    gain: tuple[float, float],
    rng: np.random.Generator,
    vectors: tuple[slice, ...] = _VECTORS,
) -> list[np.ndarray]:
    """``copies`` rotated, rescaled float64 copies of raw windows ``raw`` ``(N, C, T)``: per
    window and copy one rotation (``rotation_matrices``) applied to every 3-channel vector in
    ``vectors`` and one gain for all channels. Channels outside ``vectors`` are only scaled."""
    n = len(raw)
    out = []
    for _ in range(copies):
        rotation = rotation_matrices(rng, n, float(max_angle_deg))
        scale = rng.uniform(gain[0], gain[1], n)[:, None, None]
        copy = scale * raw
        for part in vectors:
            copy[:, part] = scale * (rotation @ raw[:, part])
        out.append(copy)
    return out


def augment_rotations(
    data: HarSplits | np.ndarray,
    *,
    copies: int = 2,
    max_angle_deg: float = 20.0,
    gain: tuple[float, float] = (0.9, 1.1),
    seed: int = 0,
) -> HarSplits | np.ndarray:
    """Rotated and rescaled copies of IMU windows: of the training windows of a ``HarSplits``,
    or of a plain array.

    ``HarSplits``: the training arrays become the original windows followed by copy 1, copy 2,
    ...; labels, subjects, recordings and sides repeat with them. Everything else, including the
    test windows and the normalization statistics, is unchanged (the normalization is undone,
    the copies made in raw units, then normalized again with the same statistics).

    Plain array ``(N, C, T)`` with ``C >= 6`` (channels 0-2 accelerometer, 3-5 gyroscope, in raw
    units): returns ``(N (copies + 1), C, T)``, the windows followed by each copy (labels repeat
    as ``np.tile(y, copies + 1)``).

    Args:
        data: windows from :func:`lava_sd.data.load_watch_windows`, or an array.
        copies: number of augmented copies per training window, >= 1.
        max_angle_deg: largest rotation angle in degrees, in ``[0, 180]``.
        gain: ``(low, high)`` range of the per-window gain, ``0 < low <= high``.
        seed: seed of the numpy generator that draws the rotations and gains.

    Raises:
        ParameterError: for bad ``data``, ``copies``, ``max_angle_deg``, ``gain`` or ``seed``.
    """
    owner = "augment_rotations"
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
    settings = dict(copies=copies, max_angle_deg=max_angle_deg, gain=(low, high))
    rng = np.random.default_rng(seed)
    if not isinstance(data, HarSplits):
        x = as_array(owner, "data", data)
        if x.ndim != 3 or x.shape[1] < 6:
            raise ParameterError(
                f"{owner}: expected a HarSplits or raw IMU windows (N, C >= 6, T) with channels "
                f"0-2 accelerometer and 3-5 gyroscope, got shape {x.shape}."
            )
        return np.concatenate([x, *rotated_copies(x, rng=rng, **settings)])
    splits = data
    raw = splits.x_train.astype(np.float64)
    if splits.mean is not None:
        raw = raw * splits.std[:, None] + splits.mean[:, None]
    augmented = [splits.x_train]
    for copy in rotated_copies(raw, rng=rng, **settings):
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
