"""Spoken-digits benchmark: a smoke run with the shipped checkpoints, which carry their settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lava_sd import load
from lava_sd.bench import audio_digits
from lava_sd.bench.common import WEIGHTS_DIR, rows
from lava_sd.data.spoken_digits import FEATURE_RECIPE


def test_rows_come_from_the_registry() -> None:
    labels = [row.label for row in rows(audio_digits.BENCHMARK)]
    assert labels == ["lprnn", "alif", "spiking_lstm", "egru", "l2mu"]


def test_smoke_run_on_20_test_samples(tmp_path: Path) -> None:
    out = tmp_path / "audio.json"
    report = audio_digits.main(["--n-test", "20", "--out", str(out)])
    models = json.loads(out.read_text())["models"]
    assert report["n_test"] == 20 and list(models) == [r.label for r in rows("audio_digits")]
    for name, entry in models.items():
        for key in ("acc_ann_float", "acc_lava_float", "acc_lava_fixed"):
            # 20 samples: a broken mapping gets ~0.1
            assert entry[key] >= 0.8, (name, key, entry[key])
        assert entry["spikes_per_sample"] > 0 and entry["synops_per_sample"] > 0
        assert entry["overflow_steps_lava_fixed"] == 0
        assert 0 < entry["activity_sparsity"] < 1
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_figure_compares_the_models_run_without_the_lprnn(tmp_path: Path) -> None:
    """Without the ΣΔ-lpRNN (whose traces fill the second row) the figure holds the accuracy
    and operation panels of the models run."""
    out = tmp_path / "audio.json"
    audio_digits.main(["--n-test", "8", "--models", "alif", "egru", "--out", str(out)])
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_shipped_checkpoints_carry_their_settings() -> None:
    model = load(WEIGHTS_DIR / "audio_digits_lprnn.npz")
    assert (model.frame_steps, model.frame_offset) == (8, 4)
    assert model.class_names == [str(d) for d in range(10)]
    assert model.feature_recipe == FEATURE_RECIPE and model.normaliser.n_channels == 13
    assert model.training_info["seed"] == 0 and "command" in model.training_info
    w = model.layers[1].effective()["U"].detach().numpy()
    np.testing.assert_array_equal(w * 8, np.round(w * 8))
    assert load(WEIGHTS_DIR / "audio_digits_lprnn_float.npz").config["frac_bits"] is None
