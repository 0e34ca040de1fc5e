"""`make demo` and the command line, as a user runs them."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from lava_sd.demo import main as demo


def test_demo_tracks_signals_and_saves_figure(tmp_path: Path) -> None:
    rows = demo(tmp_path)
    assert (tmp_path / "sigma_delta_demo.png").stat().st_size > 10_000
    for name, row in rows.items():
        assert row["rms_fixed"] < 0.06, name  # within one quantum (0.078) of the target
        assert abs(row["rms_fixed"] - row["rms_float"]) < 0.005, name
        assert 0.1 < row["rate"] < 0.8, name


def test_cli_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "speed.json"
    args = ["--steps", "30", "--neurons", "4", "--batches", "1", "3", "--out", str(out)]
    subprocess.run(
        [sys.executable, "-m", "lava_sd.cli", "bench", "sigma-delta-speed", *args],
        check=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    assert len(report["results"]) == 4
    for row in report["results"]:
        assert math.isfinite(row["ms_per_step_graph"]) and row["ms_per_step_graph"] > 0


def test_cli_rejects_unknown_benchmark() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lava_sd.cli", "bench", "nope"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
