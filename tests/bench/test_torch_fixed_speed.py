"""Torch-fixed speed benchmark: a smoke run on the shipped spoken-digit networks, and the check
that stops it when torch fixed and Lava fixed disagree."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lava_sd.bench import torch_fixed_speed
from lava_sd.simulate import run_network


def test_cli_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "torch_fixed.json"
    command = [sys.executable, "-m", "lava_sd.cli", "bench", "torch-fixed", "--quick",
               "--models", "lprnn", "egru", "--out", str(out)]  # fmt: skip
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    report = json.loads(out.read_text())
    assert set(report["models"]) == {"lprnn", "egru"}
    for entry in report["models"].values():
        assert entry["predictions_equal"] and entry["logits_bit_equal"]
        values = [v for times in entry["seconds"].values() for v in times]
        values += [entry["speedup_wall"], entry["speedup_loop"], *entry["ms_per_sample"].values()]
        assert all(math.isfinite(v) and v > 0 for v in values), values
    assert report["machine"]["torch_threads"] == 1
    assert len(report["machine"]["load_average_1_5_15_min_before"]) == 3


def test_check_equal_names_the_difference() -> None:
    (_, net), *_ = torch_fixed_speed.load_rows(["alif"])
    x, lengths, _ = torch_fixed_speed.spoken_digits_test(3)
    lava = net.run(x, lengths, backend="fixed")
    ours = run_network(net, x, lengths)
    torch_fixed_speed.check_equal(lava, ours, "alif")
    ours.spikes[0] = ours.spikes[0] + np.eye(*ours.spikes[0].shape, dtype=np.int64)
    with pytest.raises(AssertionError, match="alif: .* layer 0 spike counts"):
        torch_fixed_speed.check_equal(lava, ours, "alif")
