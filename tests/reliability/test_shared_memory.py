"""Item 5 of issue 13: failed and timed-out runs leave nothing in /dev/shm (interrupted runs:
the SIGINT case of test_signals.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sim_probes as sp

import lava_sd


@pytest.fixture
def shm_log(tmp_path: Path) -> sp.ShmLog:
    log = sp.ShmLog(tmp_path / "shm.log")
    yield log
    log.close()


def test_failed_runs_leave_no_shared_memory(shm_log: sp.ShmLog) -> None:
    for _ in range(3):
        with pytest.raises(lava_sd.SimulationError):
            lava_sd.run(sp.middle_boom(), 10, timeout=30)
    assert len(shm_log.names()) >= 3
    assert shm_log.leftover() == []


def test_timed_out_run_leaves_no_shared_memory(shm_log: sp.ShmLog) -> None:
    with pytest.raises(lava_sd.SimulationTimeout):
        lava_sd.run(sp.middle_boom(hang=True), 10, timeout=2)
    assert shm_log.names()
    assert shm_log.leftover() == []
