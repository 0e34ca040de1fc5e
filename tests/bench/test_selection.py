"""Settings chosen on validation data: a two-trial smoke run on generated data, the split
functions never touch the test split, and clear errors for bad grids."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from toy_data import tones

from lava_sd import ParameterError
from lava_sd.bench import audio_digits, har_watch, selection
from lava_sd.data import encode_labels


def test_two_trials_pick_the_best_on_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x, labels = tones(np.random.default_rng(0), 60)
    x = (x - 5) / 3  # the tones' offset and scale
    y = encode_labels(labels)[0]
    lengths = np.full(len(y), x.shape[-1])
    data = tuple((x[part], lengths[part], y[part]) for part in (slice(0, 40), slice(40, 60)))

    def validation_data() -> tuple:
        """Tones: 40 training samples; 20 others for validation, the test split never used."""
        return data

    monkeypatch.setattr(audio_digits, "validation_data", validation_data)
    out = tmp_path / "sel.json"
    report = selection.main(
        ["audio_digits", "lif", "--grid", "hidden=[4],[8]", "--set", "epochs=2",
         "--out", str(out)]
    )  # fmt: skip
    assert json.loads(out.read_text()) == report
    trials = report["trials"]
    assert [t["settings"] for t in trials] == [
        {"epochs": 2, "hidden": [4]},
        {"epochs": 2, "hidden": [8]},
    ]
    best = max(trials, key=lambda t: (t["acc_lava_fixed"], -t["synops_per_sample"]))
    assert report["chosen"] == best["settings"]
    assert all(0 <= t["acc_lava_fixed"] <= 1 and t["synops_per_sample"] > 0 for t in trials)
    assert "never used" in report["split"]


def test_validation_splits_leave_the_test_split_alone() -> None:
    train, val = audio_digits.validation_data()
    assert len(train[2]) + len(val[2]) == audio_digits.N_TRAIN
    assert np.bincount(val[2].numpy()).tolist() == [48] * 10
    assert har_watch.VALIDATION == dict(test_subjects=(8,), exclude_subjects=(9, 10))


def test_bad_assignments_are_clear_errors() -> None:
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        selection.parse_assignments(["memory"], "--grid")
    with pytest.raises(ParameterError, match="not JSON"):
        selection.parse_assignments(["memory=a,b"], "--grid")
    assert selection.parse_assignments(["m=16,32", "h=[64]"], "--grid") == {
        "m": [16, 32],
        "h": [[64]],
    }
