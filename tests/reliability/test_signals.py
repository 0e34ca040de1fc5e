"""Item 1 of issue 13: the simulation ends with its caller, whatever signal ends the caller.

A caller process runs a 2,000,000-step simulation; it gets SIGTERM, SIGKILL or SIGINT. Two
seconds later no process of the simulation (the child, Lava's actors, the shared-memory manager,
the resource tracker) may be alive, and the run's shared-memory segments must be gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sim_probes as sp

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

CALLER = """
import sys
sys.path[:0] = [{here!r}, {fixtures!r}]
import lava_sd, sim_probes
sim_probes.ShmLog({shm!r})
print("ready", flush=True)
lava_sd.run(sim_probes.lif_chain(3), 2_000_000, timeout=3600)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT], ids=str)
def test_simulation_ends_with_its_caller(sig: signal.Signals, tmp_path: Path) -> None:
    shm_log = tmp_path / "shm.log"
    code = CALLER.format(here=str(HERE), fixtures=str(FIXTURES), shm=str(shm_log))
    since = sp.now_since_boot()
    caller = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert caller.stdout.readline().strip() == "ready", caller.stderr.read()
    cmdline = sp._cmdline(caller.pid)

    def simulation() -> list[str]:
        return sp.simulation_processes(cmdline, since, exclude=(caller.pid,))

    try:
        # child + tracker + shared-memory manager + 3 LIF actors + runtime service
        assert sp.wait_until(lambda: len(simulation()) >= 7, 60), simulation()
        time.sleep(0.5)  # running
        caller.send_signal(sig)
        caller.wait(30)
        time.sleep(2.0)
        alive = simulation()
        assert not alive, f"alive 2 s after {sig.name} to the caller: {alive}"
        log = sp.ShmLog.__new__(sp.ShmLog)
        log.path = shm_log
        assert log.names(), "the probe saw no shared-memory segment being created"
        assert sp.wait_until(lambda: not log.leftover(), 3.0), f"left: {log.leftover()}"
    finally:
        caller.kill()
        caller.wait()
        for line in simulation():  # never leave a simulation running, even when the test fails
            os.kill(int(line.split()[0]), signal.SIGKILL)
