"""Rotation-and-gain augmentation of the smartwatch training windows."""

from __future__ import annotations

import numpy as np
import pytest

from lava_sd.checks import ParameterError
from lava_sd.data import HarSplits, augment_rotations, load_watch_windows
from lava_sd.data.har_augment import rotation_matrices

SEED = 3


@pytest.fixture(scope="module")
def splits() -> HarSplits:
    return load_watch_windows(test_subjects=(8,), exclude_subjects=(9, 10))


@pytest.fixture(scope="module")
def raw() -> HarSplits:
    return load_watch_windows(test_subjects=(8,), exclude_subjects=(9, 10), normalize=False)


def test_rotation_matrices_are_rotations_within_the_angle():
    print("seed", SEED)
    r = rotation_matrices(np.random.default_rng(SEED), 500, 20.0)
    np.testing.assert_allclose(
        r @ r.transpose(0, 2, 1), np.broadcast_to(np.eye(3), r.shape), atol=1e-12
    )
    np.testing.assert_allclose(np.linalg.det(r), 1.0, atol=1e-12)
    angle = np.degrees(np.arccos(np.clip((np.trace(r, axis1=1, axis2=2) - 1) / 2, -1, 1)))
    assert angle.max() <= 20.0 + 1e-9 and angle.max() > 18.0  # uses the whole range
    assert np.allclose(rotation_matrices(np.random.default_rng(SEED), 4, 0.0), np.eye(3))


def test_shapes_labels_and_untouched_test_set(splits):
    out = augment_rotations(splits, copies=2, seed=SEED)
    n = len(splits.y_train)
    assert out.x_train.shape == (3 * n, *splits.x_train.shape[1:])
    assert out.x_train.dtype == np.float32 and out.x_train.flags.c_contiguous
    np.testing.assert_array_equal(out.x_train[:n], splits.x_train)
    for name in ("y_train", "subject_train", "recording_train", "side_train"):
        np.testing.assert_array_equal(getattr(out, name), np.tile(getattr(splits, name), 3))
    assert out.x_test is splits.x_test and out.y_test is splits.y_test
    assert out.mean is splits.mean and out.std is splits.std
    assert out.train_subjects == splits.train_subjects == (1, 2, 3, 4, 5, 6, 7)
    assert not np.allclose(out.x_train[n : 2 * n], splits.x_train)
    assert not np.allclose(out.x_train[n : 2 * n], out.x_train[2 * n :])


def test_rotation_keeps_vector_lengths_and_gain_scales_them(raw):
    n = len(raw.y_train)
    rotated = augment_rotations(raw, copies=1, max_angle_deg=30.0, gain=(1.0, 1.0), seed=SEED)
    for part in (slice(0, 3), slice(3, 6)):  # accelerometer, gyroscope
        np.testing.assert_allclose(
            np.linalg.norm(rotated.x_train[n:, part], axis=1),
            np.linalg.norm(raw.x_train[:, part], axis=1),
            rtol=1e-5, atol=1e-5,
        )  # fmt: skip
    scaled = augment_rotations(raw, copies=1, max_angle_deg=0.0, gain=(1.25, 1.25), seed=SEED)
    np.testing.assert_allclose(scaled.x_train[n:], 1.25 * raw.x_train, rtol=1e-6)


def test_normalized_windows_are_rotated_in_raw_units(splits, raw):
    """Undo the normalization, rotate, redo it: the same as rotating the raw windows."""
    n = len(raw.y_train)
    kwargs = dict(copies=1, max_angle_deg=25.0, seed=SEED)
    from_raw = augment_rotations(raw, **kwargs).x_train[n:]
    from_norm = augment_rotations(splits, **kwargs).x_train[n:]
    renormalized = (from_raw - splits.mean[:, None]) / splits.std[:, None]
    np.testing.assert_allclose(from_norm, renormalized, atol=2e-4)


def test_same_seed_same_copies(splits):
    a = augment_rotations(splits, copies=1, seed=SEED)
    b = augment_rotations(splits, copies=1, seed=SEED)
    c = augment_rotations(splits, copies=1, seed=SEED + 1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.allclose(a.x_train, c.x_train)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"copies": 0}, "copies"),
        ({"copies": 1.5}, "copies"),
        ({"max_angle_deg": -1}, "max_angle_deg"),
        ({"max_angle_deg": 200}, "max_angle_deg"),
        ({"max_angle_deg": float("nan")}, "max_angle_deg"),
        ({"max_angle_deg": True}, "max_angle_deg"),
        ({"gain": 1.0}, "pair"),
        ({"gain": (1.0, 2.0, 3.0)}, "pair"),
        ({"gain": (1.1, 0.9)}, "low <= high"),
        ({"gain": (0.0, 1.0)}, "low <= high"),
        ({"gain": (0.9, float("inf"))}, "low <= high"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments(splits, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        augment_rotations(splits, **kwargs)


def test_plain_arrays_get_the_same_copies(splits):
    """An array of raw windows gets the copies ``HarSplits`` would (same seed, same draws)."""
    raw = load_watch_windows(normalize=False)
    from_splits = augment_rotations(raw, copies=2, seed=3).x_train
    from_array = augment_rotations(raw.x_train, copies=2, seed=3)
    np.testing.assert_array_equal(from_array.astype(np.float32), from_splits)
    with pytest.raises(ParameterError, match="HarSplits or raw IMU windows"):
        augment_rotations(splits.x_train[:, :3])
    with pytest.raises(ParameterError, match="numeric"):
        augment_rotations({"x": 1})
