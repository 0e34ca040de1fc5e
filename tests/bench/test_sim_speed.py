"""Simulation-speed benchmark: a smoke run, and the numpy floor computes the Lava network."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lava_sd.bench import sim_speed
from lava_sd.layer.synapses import dense_fixed, fixed_weights
from lava_sd.simulate import simulate


def test_cli_smoke_run_gives_finite_positive_timings(tmp_path: Path) -> None:
    out = tmp_path / "speed.json"
    command = [sys.executable, "-m", "lava_sd.cli", "bench", "speed", "--quick", "--out", str(out)]
    subprocess.run(command, check=True, timeout=300)
    report = json.loads(out.read_text())
    rows = report["lava_sd_fixed"] + report["numpy_floor"] + [report["builtin_b1"]]
    values = [v for row in rows for v in row["seconds"]]
    values += [row["us_per_sample_step"] for row in rows]
    values += [report["ratio_vs_numpy_floor_b256"], report["speedup_vs_builtin_b1"]]
    assert all(math.isfinite(v) and v > 0 for v in values), values
    assert [row["batch"] for row in report["lava_sd_fixed"]] == [1, 4]
    assert report["numpy_floor_equals_lava_spike_counts"] is True
    assert report["lava_sd_processes"] == 3 and report["builtin_b1"]["processes"] == 6
    assert out.with_suffix(".png").stat().st_size > 10_000


def test_numpy_floor_equals_lava_fixed_on_a_tiny_batch() -> None:
    net, x, lengths = sim_speed.load_network()
    x, lengths = sim_speed.recordings(x, lengths, 3, 6)
    lengths[1] = 4  # one recording ends early: its padding must not be counted
    floor = simulate(net, x, lengths)
    lava = net.run(x, lengths, backend="fixed")
    assert sum(int(s.sum()) for s in floor.spikes) > 100
    for lava_counts, floor_counts in zip(lava.spikes, floor.spikes, strict=True):
        np.testing.assert_array_equal(lava_counts, floor_counts)
    np.testing.assert_array_equal(lava.run["readout_sum"], floor.readout_sums[-1])
    sim_speed.check_same_network(lava, floor, 3)
    floor.spikes[1][0, 0] += 1
    with pytest.raises(AssertionError, match="layer 1 spike counts"):
        sim_speed.check_same_network(lava, floor, 3)


@pytest.mark.parametrize(
    ("num_message_bits", "peak"),
    [(0, 1), (24, 2**10), (24, 2**30), (24, 2**45)],  # float32, float32, float64, int64 paths
)
def test_dense_fixed_is_the_exact_integer_product(num_message_bits: int, peak: int) -> None:
    rng = np.random.default_rng(peak)
    weights = rng.integers(-300, 300, (17, 40))
    s = rng.integers(-peak, peak + 1, (5, 40))
    if num_message_bits == 0:
        s = (rng.random((5, 40)) < 0.3) * rng.integers(1, 3, (5, 40))
    w = fixed_weights(weights).astype(np.int64).astype(object)
    binary = (s != 0) if num_message_bits == 0 else s
    exact = binary.astype(np.int64).astype(object) @ w.T  # Python integers: no rounding
    for exp in (-3, 0, 2):
        want = exact * 2**exp if exp > 0 else exact // 2**-exp
        got = dense_fixed(s, fixed_weights(weights), exp, num_message_bits)
        assert got.dtype == np.int64 and got.tolist() == want.tolist()
