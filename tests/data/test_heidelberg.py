"""SHD hdf5 loader on a tiny hand-written file: exact binning and clear errors."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from lava_sd.checks import ParameterError
from lava_sd.data import DatasetFormatError, DatasetNotFoundError, load_heidelberg

# three samples: spike times (s) and units, as in an SHD file
TIMES = [
    [0.0, 0.005, 0.009, 0.0325, 0.0375],  # unit 3 fires twice in bin 0, unit 5 twice in bin 3
    [0.0999, 0.5, 0.999, 1.2],  # the spike at 1.2 s lies past the 1 s window
    [],  # a sample without spikes
]
UNITS = [[3, 3, 7, 5, 5], [0, 699, 10, 1], []]
LABELS = [4, 19, 0]


def write_shd(path, times=TIMES, units=UNITS, labels=LABELS, skip=()):
    with h5py.File(path, "w") as f:
        if "spikes/times" not in skip:
            data = f.create_dataset(
                "spikes/times", (len(times),), dtype=h5py.vlen_dtype(np.float16)
            )
            for i, t in enumerate(times):
                data[i] = np.asarray(t, dtype=np.float16)
        if "spikes/units" not in skip:
            data = f.create_dataset("spikes/units", (len(units),), dtype=h5py.vlen_dtype(np.uint16))
            for i, u in enumerate(units):
                data[i] = np.asarray(u, dtype=np.uint16)
        if "labels" not in skip:
            f.create_dataset("labels", data=np.asarray(labels, dtype=np.uint8))
        f.create_dataset("extra/speaker", data=np.arange(len(labels)))
    return path


def expected(counts: bool, dt=0.01, n_bins=100) -> np.ndarray:
    spikes = np.zeros((3, 700, n_bins), dtype=np.int64)
    for b, (times, units) in enumerate(zip(TIMES, UNITS, strict=True)):
        for t, u in zip(np.asarray(times, np.float16).astype(float), units, strict=True):
            k = int(np.floor(t / dt + 1e-6))
            if k < n_bins:
                spikes[b, u, k] += 1
    return np.minimum(spikes, 255 if counts else 1).astype(np.uint8)


@pytest.fixture
def shd_file(tmp_path):
    return write_shd(tmp_path / "shd_tiny.h5")


def test_binary_binning_is_exact(shd_file):
    spikes, labels = load_heidelberg(shd_file)
    assert spikes.shape == (3, 700, 100) and spikes.dtype == np.uint8
    assert labels.tolist() == LABELS and labels.dtype == np.int64
    np.testing.assert_array_equal(spikes, expected(counts=False))
    # spot checks written out by hand
    assert spikes[0, 3, 0] == 1 and spikes[0, 7, 0] == 1 and spikes[0, 5, 3] == 1
    assert spikes[1, 0, 9] == 1 and spikes[1, 699, 50] == 1 and spikes[1, 10, 99] == 1
    assert spikes[0].sum() == 3 and spikes[1].sum() == 3 and spikes[2].sum() == 0


def test_counts_and_other_bins(shd_file):
    spikes, _ = load_heidelberg(shd_file, counts=True)
    np.testing.assert_array_equal(spikes, expected(counts=True))
    assert spikes[0, 3, 0] == 2 and spikes[0, 5, 3] == 2
    longer, _ = load_heidelberg(shd_file, dt=0.02, duration=1.4)
    assert longer.shape == (3, 700, 70)
    assert longer[1, 1, 60] == 1  # 1.2 s is kept in a 1.4 s window
    assert longer[0, 5, 1] == 1 and longer[0, 7, 0] == 1


def test_bin_edges_are_not_lost_to_float_rounding(tmp_path):
    path = write_shd(tmp_path / "edges.h5", times=[[0.29]], units=[[0]], labels=[1])
    with h5py.File(path, "a") as f:  # float64 times (float16 would round 0.29)
        del f["spikes/times"]
        data = f.create_dataset("spikes/times", (1,), dtype=h5py.vlen_dtype(np.float64))
        data[0] = np.array([0.29])
    spikes, _ = load_heidelberg(path)
    assert 0.29 / 0.01 < 29  # 28.999999999999996 in floating point
    assert spikes[0, 0, 29] == 1 and spikes[0].sum() == 1


def test_missing_file(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="zenkelab.org") as info:
        load_heidelberg(tmp_path / "shd_train.h5")
    assert "cannot be downloaded" in str(info.value)
    assert isinstance(info.value, FileNotFoundError)


def test_not_hdf5(tmp_path):
    bogus = tmp_path / "shd_train.h5"
    bogus.write_bytes(b"\x1f\x8b\x08 gzip-ish bytes, not HDF5")
    with pytest.raises(DatasetFormatError, match="not an HDF5 file"):
        load_heidelberg(bogus)


@pytest.mark.parametrize("key", ["spikes/times", "spikes/units", "labels"])
def test_missing_key(tmp_path, key):
    path = write_shd(tmp_path / "partial.h5", skip=(key,))
    with pytest.raises(DatasetFormatError, match=key):
        load_heidelberg(path)


def test_inconsistent_content(tmp_path):
    path = write_shd(tmp_path / "units.h5", units=[[3, 3, 7, 5, 5], [0, 700, 10, 1], []])
    with pytest.raises(DatasetFormatError, match="outside"):
        load_heidelberg(path)
    path = write_shd(tmp_path / "pairs.h5", units=[[3, 3, 7], [0, 699, 10, 1], []])
    with pytest.raises(DatasetFormatError, match="pair up"):
        load_heidelberg(path)
    path = write_shd(tmp_path / "labels.h5", labels=[1, 2])
    with pytest.raises(DatasetFormatError, match="one integer label per sample"):
        load_heidelberg(path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dt": 0}, "dt"),
        ({"duration": -1.0}, "duration"),
        ({"dt": 0.03, "duration": 1.0}, "whole number"),
        ({"n_units": 0}, "n_units"),
        ({"counts": 1}, "counts"),
    ],
)
def test_bad_arguments(shd_file, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        load_heidelberg(shd_file, **kwargs)
