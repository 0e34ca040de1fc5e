"""Items 2 and 3 of issue 13: a failing process is always named, with its original exception,
wherever it sits in the graph, and a failure while a Var is read back is reported at once."""

from __future__ import annotations

import time

import pytest
import sim_probes as sp

import lava_sd
from lava_sd import SimulationError

TRIES = 4  # per placement in the test suite; tests/reliability/measure.py runs 30


@pytest.mark.parametrize("placement", list(sp.PLACEMENTS))
def test_failing_process_is_named_with_its_exception(placement: str) -> None:
    graph, backend, cls, text = sp.PLACEMENTS[placement]
    since = sp.now_since_boot()
    for attempt in range(TRIES):
        started = time.monotonic()
        with pytest.raises(SimulationError) as info:
            lava_sd.run(graph(), 10, backend=backend, timeout=30)
        elapsed = time.monotonic() - started
        error = info.value
        assert error.process is not None and cls in error.process, (attempt, str(error))
        assert text in str(error), (attempt, str(error))
        assert "Traceback" in (error.child_traceback or ""), attempt
        assert elapsed < 10, f"try {attempt}: the error took {elapsed:.1f} s"
    assert not sp.my_simulation_processes(since)
    assert not sp.zombie_children()


def test_failure_while_reading_a_var_back_is_reported_within_a_second() -> None:
    reference = 0.0  # the same graph, reading a Var that is fine (the slower of two runs)
    for _ in range(2):
        started = time.monotonic()
        lava_sd.run(sp.reshaper(read_x=False), 5)
        reference = max(reference, time.monotonic() - started)
    started = time.monotonic()
    with pytest.raises(SimulationError, match=r"Var 'x' holds an array of shape \(5,\)") as info:
        lava_sd.run(sp.reshaper(), 5, timeout=20)
    elapsed = time.monotonic() - started
    assert "Reshaper" in info.value.process
    assert elapsed < reference + 1.0, f"{elapsed:.2f} s against {reference:.2f} s without error"


def test_process_that_exits_without_an_exception_is_reported() -> None:
    started = time.monotonic()
    with pytest.raises(SimulationError, match=r"ended unexpectedly \(exit code 3\)") as info:
        lava_sd.run(sp.middle_boom(hard_exit=True), 10, timeout=30)
    assert "Boom" in info.value.process
    assert time.monotonic() - started < 10
