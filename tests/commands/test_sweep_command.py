"""lava-sd sweep: a 4-trial Ray Tune sweep (a grid x a sampled search) on generated data, each
trial fitted and scored in Lava fixed point in a fresh interpreter; the table, the best
checkpoint (scored again here), and what a bad config says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import ray
from toy_data import tones

from lava_sd.checks import ParameterError
from lava_sd.commands import sweep


@pytest.fixture(scope="module")
def cluster() -> object:
    """A local Ray cluster of 2 CPUs for this module."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    yield ray
    ray.shutdown()


def write_config(folder: Path, rng: np.random.Generator, **config: object) -> Path:
    x, y = tones(rng, 150)
    np.savez(folder / "train.npz", x=x[:100], y=y[:100])
    np.savez(folder / "val.npz", x=x[100:], y=y[100:])
    path = folder / "sweep.json"
    path.write_text(json.dumps({"model": "lif", "train": "train.npz", "val": "val.npz",
                                **config}))  # fmt: skip
    return path


def test_a_four_trial_sweep(
    cluster: object, tmp_path: Path, rng: np.random.Generator, capsys: pytest.CaptureFixture
) -> None:
    config = write_config(tmp_path, rng, settings={"epochs": 6, "patience": None},
                          grid={"hidden": [[6], [16]]}, samples=2, seed=1,
                          search={"lr": {"loguniform": [0.01, 0.1]}})  # fmt: skip
    assert sweep.main([str(config)]) == 0
    printed = capsys.readouterr().out
    print(printed)
    out = tmp_path / "sweep"
    results = json.loads((out / "results.json").read_text())
    trials = results["trials"]
    assert [t["trial"] for t in trials] == [0, 1, 2, 3] and "<- best" in printed
    # the grid's 2 points, each with 2 learning rates drawn from the search's distribution
    assert sorted(t["hidden"] for t in trials) == [[6], [6], [16], [16]]
    assert len({t["lr"] for t in trials}) == 4 and all(0.01 <= t["lr"] <= 0.1 for t in trials)
    assert len((out / "results.csv").read_text().splitlines()) == 5
    for trial in trials:
        assert "error" not in trial and trial["overflow_steps"] == 0
        # each trial ran in a Ray worker that never imported Lava; Lava forked in its child
        assert trial["worker_imported_lava"] is False and trial["worker_start_method"] is None
        assert trial["interpreter_start_method"] == "fork" and trial["worker_leftover"] == 0
    best = max(trials, key=lambda t: (t["val_accuracy"], t["val_macro_f1"], -t["trial"]))
    assert results["best"] == best["trial"]
    assert best["val_accuracy"] > 0.5  # 3 classes: chance is 1/3
    # the best checkpoint, scored again in Lava fixed point by another process
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.commands.evaluate", "--model", str(out / "best.npz"),
         "--data", str(tmp_path / "val.npz"), "--json", str(tmp_path / "best.json")],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "best.json").read_text())["accuracy"] == best["val_accuracy"]


def test_bad_configs_say_what_is_wrong(tmp_path: Path, rng: np.random.Generator) -> None:
    config = write_config(tmp_path, rng, grid={"lr": [0.01]}, epochs=3)
    with pytest.raises(ParameterError, match=r"unknown keys \['epochs'\]"):
        sweep.main([str(config)])
    config = write_config(tmp_path, rng, grid={"learning_rate": [0.01]})
    with pytest.raises(ParameterError, match=r"unknown fit setting\(s\) \['learning_rate'\]"):
        sweep.main([str(config)])
    config = write_config(tmp_path, rng, search={"lr": {"normal": [0, 1]}})
    with pytest.raises(ParameterError, match="loguniform"):
        sweep.main([str(config)])
    config = write_config(tmp_path, rng, settings={"lr": 0.1}, grid={"lr": [0.01]})
    with pytest.raises(ParameterError, match="given twice"):
        sweep.main([str(config)])
    with pytest.raises(ParameterError, match="no sweep config"):
        sweep.main([str(tmp_path / "missing.json")])
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ParameterError, match="not valid JSON"):
        sweep.main([str(tmp_path / "bad.json")])
    assert "--ray-address" in sweep.build_parser().format_help()
