"""``lava-sd bench activity``: a smoke run on generated data (two penalty weights, both splits),
the choice rule reads the validation split only, and the figure is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_qat_bench import toy_data

from lava_sd.bench import activity, qat


def test_smoke_run_scores_both_splits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(qat.DATA, "audio_digits", toy_data)
    monkeypatch.setattr(activity, "validation", lambda benchmark: toy_data())
    argv = ["--models", "egru", "--weights", "0", "0.5", "--train-missing", "--epochs", "2",
            "--checkpoints", str(tmp_path), "--weights-dir", str(tmp_path),
            "--out-dir", str(tmp_path)]  # fmt: skip
    report = activity.main(argv)
    written = json.loads((tmp_path / "activity_audio_digits.json").read_text())
    assert written == json.loads(json.dumps(report, default=float))
    entry = report["models"]["egru"]
    for split in ("validation", "test"):
        assert set(entry[split]) == {"0", "0.5"}
        for score in entry[split].values():
            assert score["synops_per_dense_mac"] == pytest.approx(
                score["synops_per_sample"] / score["dense_macs_per_sample"]
            )
    assert entry["test"]["0.5"]["activity"] is not None and entry["test"]["0"]["activity"] is None
    assert entry["chosen"] == activity.choose(entry["validation"], 1.0)
    assert (tmp_path / "activity_audio_digits.png").stat().st_size > 10_000


def test_the_choice_is_the_best_accuracy_within_the_budget() -> None:
    scores = {
        "0": {"acc_lava_fixed": 0.98, "synops_per_sample": 300.0, "synops_per_dense_mac": 1.5},
        "0.1": {"acc_lava_fixed": 0.97, "synops_per_sample": 190.0, "synops_per_dense_mac": 0.95},
        "0.3": {"acc_lava_fixed": 0.97, "synops_per_sample": 120.0, "synops_per_dense_mac": 0.6},
        "1": {"acc_lava_fixed": 0.90, "synops_per_sample": 50.0, "synops_per_dense_mac": 0.25},
    }
    assert activity.choose(scores, 1.0) == "0.3"  # a tie in accuracy: fewer synops
    assert activity.choose(scores, 2.0) == "0"
    assert activity.choose(scores, 0.1) is None
