"""Spoken-digits benchmark: a smoke run with the shipped weights, and bad weight files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lava_sd.bench import audio_digits
from lava_sd.checks import ParameterError
from lava_sd.torch.checkpoint import load_classifiers, save_classifiers
from lava_sd.torch.lprnn import LpRNNClassifier


def test_smoke_run_on_20_test_samples(tmp_path: Path) -> None:
    out = tmp_path / "audio.json"
    report = audio_digits.main(["--n-test", "20", "--out", str(out)])
    models = json.loads(out.read_text())["models"]
    assert report["n_test"] == 20 and set(models) == set(audio_digits.MODELS)
    for name, entry in models.items():
        for key in ("acc_ann_float", "acc_lava_float", "acc_lava_fixed"):
            # 20 samples: a broken mapping gets ~0.1
            assert entry[key] >= 0.8, (name, key, entry[key])
        assert entry["spikes_per_sample"] > 0 and entry["synops_per_sample"] > 0
        assert entry["overflow_steps_lava_fixed"] == 0
    assert 0 < models["egru"]["activity_sparsity"] < 1
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_shipped_weights_load_and_are_3_bit() -> None:
    models, meta = load_classifiers(audio_digits.WEIGHTS)
    assert set(models) == {"float", "quant"} and meta["seed"] == 0
    w = models["quant"].layers[1].effective()["U"].detach().numpy()
    np.testing.assert_array_equal(w * 8, np.round(w * 8))


def test_missing_weight_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="--train"):
        load_classifiers(tmp_path / "nope.npz")


def test_corrupt_weight_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ParameterError, match="not a readable lava_sd weight file"):
        load_classifiers(bad)


def test_weights_not_matching_their_config(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    save_classifiers(path, {"m": LpRNNClassifier(3, (4,), 2)}, {"seed": 1})
    models, meta = load_classifiers(path)
    assert meta == {"seed": 1} and models["m"].config["hidden"] == (4,)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["m/readout.weight"] = np.zeros((5, 5), np.float32)
    np.savez(path, **arrays)
    with pytest.raises(ParameterError, match="do not fit"):
        load_classifiers(path)
