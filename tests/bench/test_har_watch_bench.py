"""HAR benchmark: a smoke run on a few held-out windows with the shipped weights."""

from __future__ import annotations

import json
import math
from pathlib import Path

from lava_sd.bench import har_watch
from lava_sd.bench.common import rows


def test_smoke_run_on_12_windows(tmp_path: Path) -> None:
    out = tmp_path / "har.json"
    har_watch.main(["--n-test", "12", "--out", str(out)])
    report = json.loads(out.read_text())
    assert report["n_test"] == 12 and list(report["models"]) == [r.label for r in rows("har_watch")]
    assert report["test_subjects"] == [9, 10]
    for name, entry in report["models"].items():
        for key in ("acc_torch", "acc_lava_float", "acc_lava_fixed", "macro_f1_lava_fixed"):
            assert 0 <= entry[key] <= 1, (name, key)
        assert entry["n_parameters"] > 0 and entry["synops_per_sample"] > 0, name
        assert math.isfinite(entry["seconds_lava_fixed"]), name
    assert all(0 < e["activity_sparsity"] < 1 for e in report["models"].values())
    assert "sigma_delta_ff" in report["models"]
    assert report["baseline_random_forest"]["acc"] > 1 / 7
    augmented = report["baseline_random_forest_augmented"]
    assert augmented["n_train"] == 3 * report["baseline_random_forest"]["n_train"]
    assert out.with_suffix(".png").stat().st_size > 10_000
