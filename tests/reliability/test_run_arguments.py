"""Item 7 of issue 13, runner part: bad arguments of ``run`` raise ``ParameterError`` before
anything forks; a graph can be run twice; huge runs are estimated and refused without a timeout."""

from __future__ import annotations

import importlib
import math
import os

import numpy as np
import pytest
import sim_probes as sp
from lava.proc.lif.process import LIF

import lava_sd
from lava_sd import ParameterError

FORKS = [0]
os.register_at_fork(before=lambda: FORKS.__setitem__(0, FORKS[0] + 1))


def refused_before_fork(match: str, call) -> None:  # noqa: ANN001
    forks = FORKS[0]
    with pytest.raises(ParameterError, match=match):
        call()
    assert FORKS[0] == forks, "the call forked before refusing"


@pytest.mark.parametrize("steps", [math.nan, None, math.inf, -math.inf, "10", 2.5, 0, True])
def test_bad_num_steps(steps: object) -> None:
    refused_before_fork("'num_steps' must be a positive integer", lambda: lava_sd.run(
        sp.lif_chain(), steps))  # fmt: skip


@pytest.mark.parametrize("timeout", [math.nan, "10", 0, -1, math.inf, True])
def test_bad_timeout(timeout: object) -> None:
    refused_before_fork("'timeout' must be a finite number of seconds > 0", lambda: lava_sd.run(
        sp.lif_chain(), 5, timeout=timeout))  # fmt: skip


@pytest.mark.timeout(60)  # without the refusal the run would start and run for hours
@pytest.mark.parametrize("steps", [4_000_000, 1_000_000_000])
def test_huge_num_steps_without_timeout_is_refused_with_an_estimate(steps: int) -> None:
    outputs = sp.lif_chain(3)
    cost = importlib.import_module("lava_sd.run").estimate(outputs, steps)
    assert cost.processes == 3 and cost.seconds == pytest.approx(steps * 3 * 2e-4)
    refused_before_fork(r"steps x 3 processes: about .* pass timeout=SECONDS|Pass timeout=SECONDS",
                        lambda: lava_sd.run(outputs, steps))  # fmt: skip


def test_graph_too_large_for_memory_is_refused() -> None:
    lif = LIF(shape=(10**11,))  # scalar initial values: cheap here, 0.8 TB per Var in Lava
    refused_before_fork(r"GiB are available", lambda: lava_sd.run({"v": lif.v}, 5, timeout=20))


def test_same_graph_runs_twice_from_its_initial_values() -> None:
    outputs = sp.lif_chain(3)
    first = lava_sd.run(outputs, 7)["v"]
    second = lava_sd.run(outputs, 7)["v"]
    np.testing.assert_array_equal(first, second)
    assert np.any(first != 0)
    outputs["v"].process.v.init = np.full(3, 0.25)  # a new initial value is honoured
    third = lava_sd.run(outputs, 1)["v"]
    assert not np.array_equal(third, lava_sd.run(sp.lif_chain(3), 1)["v"])


def test_driving_a_process_twice_is_refused_before_it_runs() -> None:
    from lava_sd import SigmaDelta
    from lava_sd.harness import drive

    neurons = SigmaDelta(shape=(2,))
    drive(neurons, np.ones((2, 4)))
    refused_before_fork("already connected", lambda: drive(neurons, np.ones((2, 4))))


def test_complex_var_is_refused_before_it_runs() -> None:
    lif = LIF(shape=(2,), v=np.array([1 + 1j, 0]))
    refused_before_fork("holds complex values", lambda: lava_sd.run({"v": lif.v}, 3))
