"""Smartwatch HAR windows: subject split, windowing, train-only normalization, metrics, baseline."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import lava_sd.data.har_watch as har_watch
from lava_sd.checks import ParameterError
from lava_sd.data import (
    DatasetFormatError,
    DatasetNotFoundError,
    HarSplits,
    load_watch_windows,
    window_statistics,
)

CLASSES = ("PEN", "ABD", "FEL", "IR", "ER", "TRAP", "ROW")
CHANNELS = ("ax", "ay", "az", "wx", "wy", "wz")


@pytest.fixture(scope="module")
def splits() -> HarSplits:
    return load_watch_windows()


@pytest.fixture(scope="module")
def raw() -> HarSplits:
    return load_watch_windows(normalize=False)


@pytest.fixture(scope="module")
def recordings() -> dict:
    """The file's dict as seglearn stores it (read directly, for independent checks)."""
    return np.load(har_watch.watch_path(), allow_pickle=True).item()


def write_npy(path, data) -> None:
    """Save ``data`` the way seglearn's file is stored: a pickled object in a 0-d array."""
    holder = np.empty((), dtype=object)
    holder[()] = data
    np.save(path, holder, allow_pickle=True)


def test_file_is_what_the_loader_expects(recordings):
    assert len(recordings["X"]) == 140
    assert tuple(recordings["y_labels"]) == CLASSES
    assert tuple(recordings["X_labels"]) == CHANNELS
    lengths = [len(x) for x in recordings["X"]]
    assert (min(lengths), max(lengths)) == (947, 2618)
    assert np.bincount(recordings["subject"]).tolist() == [0] + [14] * 10


def test_shapes_dtypes_and_summary(splits):
    assert splits.x_train.shape == (3675, 6, 50) and splits.x_test.shape == (1002, 6, 50)
    for x in (splits.x_train, splits.x_test):
        assert x.dtype == np.float32 and x.flags.c_contiguous and np.isfinite(x).all()
    for part in ("train", "test"):
        n = len(getattr(splits, f"x_{part}"))
        for field in ("y", "subject", "recording", "side"):
            values = getattr(splits, f"{field}_{part}")
            assert values.shape == (n,) and values.dtype == np.int64, (field, part)
    assert splits.class_names == CLASSES and splits.channel_names == CHANNELS
    assert splits.mean.shape == splits.std.shape == (6,)
    assert splits.mean.dtype == splits.std.dtype == np.float32
    assert (splits.window, splits.stride, splits.rate_hz) == (50, 25, 25)
    assert splits.test_subjects == (9, 10) and splits.train_subjects == tuple(range(1, 9))
    assert len(repr(splits)) < 300 and "(3675, 6, 50)" in repr(splits)
    text = splits.describe()
    assert "25 Hz" in text and "50% overlap" in text and "train 3675" in text
    assert "subjects 1-8" in text and "test 1002" in text


def test_no_subject_leakage(splits, recordings):
    train, test = set(splits.subject_train.tolist()), set(splits.subject_test.tolist())
    assert train.isdisjoint(test)
    assert test == set(splits.test_subjects) == {9, 10}
    assert train == set(range(1, 9))
    assert set(splits.recording_train.tolist()).isdisjoint(splits.recording_test.tolist())
    # the per-window subject is the file's subject of the source recording
    file_subjects = np.asarray(recordings["subject"])
    np.testing.assert_array_equal(file_subjects[splits.recording_train], splits.subject_train)
    np.testing.assert_array_equal(file_subjects[splits.recording_test], splits.subject_test)
    np.testing.assert_array_equal(np.asarray(recordings["y"])[splits.recording_test], splits.y_test)


def test_all_classes_in_both_splits(splits):
    for y in (splits.y_train, splits.y_test):
        counts = np.bincount(y, minlength=7)
        assert len(counts) == 7 and (counts > 0).all()


def test_window_count_per_recording(raw, recordings):
    factor, window, stride = 2, raw.window, raw.stride
    expected = [1 + (len(x) // factor - window) // stride for x in recordings["X"]]
    found = np.bincount(
        np.concatenate([raw.recording_train, raw.recording_test]), minlength=len(expected)
    )
    assert found.tolist() == expected  # every recording windowed, in exactly one split
    assert sum(expected) == len(raw.y_train) + len(raw.y_test)


@pytest.mark.parametrize(("rate_hz", "factor"), [(25, 2), (50, 1), (10, 5)])
def test_windows_are_averaged_slices_of_the_recording(rate_hz, factor, recordings):
    data = load_watch_windows(rate_hz=rate_hz, normalize=False, window_s=2.0, stride_s=1.0)
    window, stride = 2 * rate_hz, rate_hz
    assert (data.window, data.stride) == (window, stride)
    for part in ("train", "test"):
        x, source = getattr(data, f"x_{part}"), getattr(data, f"recording_{part}")
        for index in np.unique(source)[:3]:
            rec = np.asarray(recordings["X"][index])
            mine = x[source == index]
            for k in (0, 1, len(mine) - 1):
                start = k * stride * factor  # in 50 Hz samples
                chunk = rec[start : start + window * factor]
                averaged = chunk.reshape(window, factor, 6).mean(axis=1)
                np.testing.assert_allclose(mine[k], averaged.T, rtol=1e-6, atol=1e-6)


def test_normalization_uses_train_windows_only(splits, raw):
    train = splits.x_train.astype(np.float64)
    np.testing.assert_allclose(train.mean(axis=(0, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(train.std(axis=(0, 2)), 1.0, atol=1e-5)

    raw_train = raw.x_train.astype(np.float64)
    np.testing.assert_allclose(splits.mean, raw_train.mean(axis=(0, 2)), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(splits.std, raw_train.std(axis=(0, 2)), rtol=1e-5)
    both = np.concatenate([raw.x_train, raw.x_test]).astype(np.float64)
    assert np.max(np.abs(splits.std - both.std(axis=(0, 2)))) > 1e-3  # not all-window stats

    expected = (raw.x_test - splits.mean[:, None]) / splits.std[:, None]
    np.testing.assert_allclose(splits.x_test, expected, rtol=1e-4, atol=1e-4)
    assert np.max(np.abs(splits.x_test.mean(axis=(0, 2)))) > 1e-3  # not re-centred on itself
    assert raw.mean is None and raw.std is None


def test_test_subjects_data_does_not_change_statistics(splits, recordings, monkeypatch, tmp_path):
    changed = dict(recordings)
    changed["X"] = [
        x * 10.0 + 3.0 if subject in (9, 10) else x
        for x, subject in zip(recordings["X"], recordings["subject"], strict=True)
    ]
    path = tmp_path / "watch_dataset.npy"
    write_npy(path, changed)
    monkeypatch.setattr(har_watch, "watch_path", lambda: path)
    other = load_watch_windows()
    np.testing.assert_array_equal(other.mean, splits.mean)
    np.testing.assert_array_equal(other.std, splits.std)
    np.testing.assert_array_equal(other.x_train, splits.x_train)
    assert not np.allclose(other.x_test, splits.x_test)


def test_other_subjects_and_rates():
    one = load_watch_windows(test_subjects=[3], normalize=False)
    assert set(one.subject_test.tolist()) == {3} and one.test_subjects == (3,)
    assert 3 not in one.subject_train
    reordered = load_watch_windows(test_subjects=np.array([10, 9]), normalize=False)
    assert reordered.test_subjects == (9, 10)
    fine = load_watch_windows(rate_hz=50, window_s=1.0, stride_s=0.5)
    assert fine.x_train.shape[1:] == (6, 50) and (fine.window, fine.stride) == (50, 25)
    no_overlap = load_watch_windows(window_s=2.0, stride_s=2.0)
    assert "0% overlap" in no_overlap.describe()


def test_excluded_subjects_are_in_neither_split(splits):
    """Validation split: train on 1-7, test on 8, subjects 9 and 10 never read into either."""
    val = load_watch_windows(test_subjects=(8,), exclude_subjects=[10, 9])
    assert val.train_subjects == tuple(range(1, 8)) and val.test_subjects == (8,)
    assert set(val.subject_test.tolist()) == {8}
    assert not np.isin([9, 10], np.concatenate([val.subject_train, val.subject_test])).any()
    # the training windows are the benchmark's minus subject 8's, normalized with 1-7 only
    benchmark_raw = load_watch_windows(normalize=False)
    raw_val = load_watch_windows(test_subjects=(8,), exclude_subjects=(9, 10), normalize=False)
    np.testing.assert_array_equal(
        raw_val.x_train, benchmark_raw.x_train[benchmark_raw.subject_train != 8]
    )
    np.testing.assert_allclose(val.mean, raw_val.x_train.mean(axis=(0, 2)), rtol=1e-5)
    assert "subjects 1-7" in val.describe()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"test_subjects": ()}, "empty"),
        ({"test_subjects": 9}, "collection"),
        ({"test_subjects": "9"}, "collection"),
        ({"test_subjects": (0,)}, "1..10"),
        ({"test_subjects": (9.0,)}, "1..10"),
        ({"test_subjects": (True,)}, "1..10"),
        ({"test_subjects": (9, 9)}, "twice"),
        ({"test_subjects": (11,)}, "does not have"),
        ({"test_subjects": tuple(range(1, 11))}, "no training data"),
        ({"window_s": 0}, "window_s"),
        ({"window_s": float("nan")}, "window_s"),
        ({"window_s": 2.01}, "whole number"),
        ({"window_s": 0.04}, "at least 2"),
        ({"window_s": 30.0}, "shortest recording"),
        ({"stride_s": -1.0}, "stride_s"),
        ({"stride_s": 0.01}, "whole number"),
        ({"rate_hz": 30}, "divide"),
        ({"rate_hz": 0}, "rate_hz"),
        ({"rate_hz": 12.5}, "rate_hz"),
        ({"normalize": "yes"}, "normalize"),
        ({"exclude_subjects": 9}, "exclude_subjects"),
        ({"exclude_subjects": (12,)}, "does not have"),
        ({"exclude_subjects": (10,)}, "both"),
        ({"test_subjects": (1,), "exclude_subjects": tuple(range(2, 11))}, "no training data"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        load_watch_windows(**kwargs)


def test_seglearn_not_installed(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DatasetNotFoundError, match=r"pip install seglearn==1\.2\.5") as info:
        load_watch_windows()
    assert isinstance(info.value, FileNotFoundError)
    assert "make test" in str(info.value)


def test_seglearn_without_data_file(monkeypatch, tmp_path):
    spec = SimpleNamespace(submodule_search_locations=[str(tmp_path)], origin=None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(DatasetNotFoundError, match="force-reinstall"):
        load_watch_windows()
    monkeypatch.setattr(har_watch, "watch_path", lambda: tmp_path / "gone.npy")
    with pytest.raises(DatasetNotFoundError, match="does not exist"):
        load_watch_windows()


def corrupt(recordings: dict, what: str) -> dict:
    data = dict(recordings)
    data["X"] = list(recordings["X"])
    if what == "no_subject":
        del data["subject"]
    elif what == "short_y":
        data["y"] = np.asarray(recordings["y"])[:-1]
    elif what == "y_range":
        data["y"] = np.asarray(recordings["y"]) + 1
    elif what == "float_subject":
        data["subject"] = np.asarray(recordings["subject"]) + 0.5
    elif what == "columns":
        data["X"][3] = data["X"][3][:, :5]
    elif what == "nan":
        data["X"][5] = data["X"][5].copy()
        data["X"][5][10, 2] = np.nan
    elif what == "side":
        data["side"] = np.full(len(data["X"]), 2.0)
    elif what == "labels":
        data["y_labels"] = list(recordings["y_labels"])[:6]
    return data


@pytest.mark.parametrize(
    ("what", "match"),
    [
        ("no_subject", r"\['subject'\] are missing"),
        ("short_y", "'y' must be 140 integers"),
        ("y_range", r"'y' must lie in \[0, 6\]"),
        ("float_subject", "'subject' must be 140 integers"),
        ("columns", r"X\[3\] must be a numeric array \(n_samples, 6\)"),
        ("nan", r"X\[5\] contains NaN"),
        ("side", "'side'"),
        ("labels", "7 class names"),
    ],
)
def test_inconsistent_data_file(recordings, monkeypatch, tmp_path, what, match):
    path = tmp_path / "watch_dataset.npy"
    write_npy(path, corrupt(recordings, what))
    monkeypatch.setattr(har_watch, "watch_path", lambda: path)
    with pytest.raises(DatasetFormatError, match=match) as info:
        load_watch_windows()
    assert "force-reinstall seglearn==1.2.5" in str(info.value)


def test_unreadable_data_file(monkeypatch, tmp_path):
    path = tmp_path / "watch_dataset.npy"
    monkeypatch.setattr(har_watch, "watch_path", lambda: path)
    path.write_bytes(b"\x93NUMPY garbage that is not a numpy file")
    with pytest.raises(DatasetFormatError, match="Cannot read"):
        load_watch_windows()
    np.save(path, np.zeros((3, 6)))
    with pytest.raises(DatasetFormatError, match="not a dict"):
        load_watch_windows()


def test_licence(splits):
    assert splits.licence == har_watch.LICENCE
    for needle in ("David M. Burns", "arXiv:1802.01489", "seglearn", "Redistribution and use"):
        assert needle in splits.licence
    try:
        installed = importlib.metadata.distribution("seglearn").read_text("LICENSE")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed:  # the notice carries seglearn's BSD text verbatim
        assert installed.strip() in splits.licence


def test_window_statistics_by_hand():
    x = np.array([[[0.0, 1.0, 3.0], [2.0, 2.0, 2.0]]])  # (1, 2, 3)
    feats = window_statistics(x)
    assert feats.shape == (1, 10) and feats.dtype == np.float64
    std0 = np.sqrt(((0 - 4 / 3) ** 2 + (1 - 4 / 3) ** 2 + (3 - 4 / 3) ** 2) / 3)
    expected = [4 / 3, 2, std0, 0, 0, 2, 3, 2, 1.5, 0]  # mean, std, min, max, mean|diff|
    np.testing.assert_allclose(feats[0], expected)


def test_window_statistics_of_splits(splits):
    feats = window_statistics(splits.x_test[:5])
    assert feats.shape == (5, 30)
    np.testing.assert_allclose(feats[:, :6], splits.x_test[:5].mean(axis=2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(feats[:, 12:18], splits.x_test[:5].min(axis=2))


@pytest.mark.parametrize(
    "x",
    [np.zeros((4, 6)), np.zeros((2, 6, 1)), np.full((1, 1, 3), np.nan), np.array([[["a", "b"]]])],
)
def test_window_statistics_rejects_bad_input(x):
    with pytest.raises(ParameterError, match="window_statistics"):
        window_statistics(x)


def test_loading_imports_neither_seglearn_nor_sklearn():
    code = (
        "import sys\n"
        "from lava_sd.data import load_watch_windows\n"
        "load_watch_windows()\n"
        "print(sorted(m for m in ('seglearn', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"
