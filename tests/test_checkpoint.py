"""Checkpoints: one file, no pickle; every way a file can be wrong is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lava_sd import CheckpointError, Classifier, load, read_header
from lava_sd.checkpoint import FORMAT, VERSION


def write(path: Path, header: object, arrays: dict | None = None) -> Path:
    arrays = dict({"weights/readout.bias": np.zeros(2)} if arrays is None else arrays)
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    return path


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return Classifier("alif", 3, (4,), 2).save(tmp_path / "m.npz", seed=1)


def test_header_is_versioned_json(saved: Path) -> None:
    header = read_header(saved)
    assert header["format"] == FORMAT and header["version"] == VERSION
    assert header["model"] == "alif" and header["config"]["frame_steps"] == 4
    assert header["training"] == {"seed": 1} and header["lava_sd_version"]
    with np.load(saved, allow_pickle=False) as data:
        assert all(data[key].dtype != object for key in data.files)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="lava_sd.fit"):
        load(tmp_path / "nope.npz")


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"", "not a lava_sd checkpoint"), (b"this is not a zip file", "not a lava_sd checkpoint")],
)
def test_corrupt_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=match):
        load(path)


def test_truncated_file(saved: Path) -> None:
    saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="truncated"):
        load(saved)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda h: [h], "JSON list"),
        (lambda h: {**h, "format": "something-else"}, "unknown format"),
        (lambda h: {**h, "format": "lava_sd-classifier-v1"}, "lava_sd 0.1"),
        (lambda h: {**h, "version": VERSION + 1}, "upgrade lava_sd"),
        (lambda h: {k: v for k, v in h.items() if k != "config"}, "no 'config'"),
        (lambda h: {**h, "config": {**h["config"], "n_in": None} | {"n_in": None}}, "build"),
        (lambda h: {**h, "config": {k: v for k, v in h["config"].items() if k != "n_in"}}, "lacks"),
        (lambda h: {**h, "model": "gru", "config": {**h["config"], "model": "gru"}}, "gru"),
        (lambda h: {**h, "class_names": ["a"]}, "class_names"),
        (lambda h: {**h, "normaliser": {"mean": [0, 0], "std": [1, -1]}}, "normaliser"),
    ],
)
def test_bad_headers(saved: Path, change, match: str) -> None:  # noqa: ANN001
    header = read_header(saved)
    with np.load(saved) as data:
        arrays = {k: data[k] for k in data.files if k != "header"}
    with pytest.raises(CheckpointError, match=match):
        load(write(saved, change(header), arrays))


def test_weights_that_do_not_fit_or_are_not_finite(saved: Path) -> None:
    header = read_header(saved)
    with np.load(saved) as data:
        arrays = {k: data[k] for k in data.files if k != "header"}
    wrong = {**arrays, "weights/readout.weight": np.zeros((5, 5), np.float32)}
    with pytest.raises(CheckpointError, match="do not fit"):
        load(write(saved, header, wrong))
    broken = {
        **arrays,
        "weights/readout.weight": np.full_like(arrays["weights/readout.weight"], np.nan),
    }
    with pytest.raises(CheckpointError, match="NaN"):
        load(write(saved, header, broken))
    with pytest.raises(CheckpointError, match="no weights"):
        load(write(saved, header, {}))


def test_loading_leaves_the_callers_random_state(saved: Path) -> None:
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load(saved)
    torch.testing.assert_close(torch.rand(3), expected)
