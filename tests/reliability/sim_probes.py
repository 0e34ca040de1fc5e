"""Helpers of the reliability tests and of ``measure.py``: failing graphs, leftover processes,
shared-memory segments.

Everything here is independent of how ``lava_sd.run`` is implemented, so the same probes run
against any version of it:

- simulation processes are found by command line and start time: a forked Lava actor has the
  command line of the process that forked it, Python's resource tracker runs
  ``python -c "from multiprocessing.resource_tracker import main..."``;
- shared-memory segments are found by wrapping ``SharedMemory.__init__`` in the calling process
  (forked simulation processes inherit the wrapper) and logging every created name to a file.
"""

from __future__ import annotations

import os
import time
from multiprocessing import shared_memory
from pathlib import Path

from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.lif.process import LIF
from lava_boom.boom import Boom, BoomInit, Reshaper

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(state, ppid, start time in s since boot) of a process, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19]) / CLOCK_TICKS


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def now_since_boot() -> float:
    """Seconds since boot, the clock of /proc/PID/stat start times."""
    return float(Path("/proc/uptime").read_text().split()[0])


def simulation_processes(cmdline: str, since: float, exclude: tuple[int, ...] = ()) -> list[str]:
    """Live (non-zombie) processes started at or after ``since`` that are forks of a process with
    command line ``cmdline`` or a resource tracker of the same Python: ``"pid state cmd"``."""
    python = cmdline.split(" ", 1)[0]
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        pid = int(entry.name)
        stat, cmd = _stat(pid), _cmdline(pid)
        if stat is None or stat[0] in "ZX" or stat[2] < since - 0.02:
            continue
        tracker = cmd.startswith(python) and "resource_tracker" in cmd
        if cmd == cmdline or tracker:
            found.append(f"{pid} {stat[0]} {cmd[:80]}")
    return found


def my_simulation_processes(since: float) -> list[str]:
    """``simulation_processes`` of this Python process (its forks and their trackers)."""
    return simulation_processes(_cmdline(os.getpid()), since, exclude=(os.getpid(),))


def zombie_children() -> list[int]:
    """Zombie children of this process."""
    me = os.getpid()
    zombies = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == me and stat[0] == "Z":
                zombies.append(int(entry.name))
    return zombies


class ShmLog:
    """Logs the name of every shared-memory segment created by this process or its forks."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.touch()
        self._original = shared_memory.SharedMemory.__init__
        log = str(self.path)
        original = self._original

        def logging_init(shm, name=None, create=False, size=0):  # noqa: ANN001
            original(shm, name, create, size)
            if create:
                fd = os.open(log, os.O_WRONLY | os.O_APPEND)
                try:
                    os.write(fd, (shm.name.lstrip("/") + "\n").encode())
                finally:
                    os.close(fd)

        shared_memory.SharedMemory.__init__ = logging_init

    def names(self) -> list[str]:
        return [n for n in self.path.read_text().split() if n]

    def leftover(self) -> list[str]:
        """Logged segments that still exist in /dev/shm."""
        return [n for n in self.names() if Path("/dev/shm", n).exists()]

    def close(self) -> None:
        shared_memory.SharedMemory.__init__ = self._original


def wait_until(condition, timeout: float, interval: float = 0.05) -> bool:  # noqa: ANN001
    """Poll ``condition()`` until it is true or ``timeout`` s passed; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --- graphs -----------------------------------------------------------------------------------


def middle_boom(fixed_only: bool = False, hang: bool = False, hard_exit: bool = False) -> dict:
    """LIF -> Boom -> LIF -> sink: Boom raises (hangs, exits) at step 3 in the middle."""
    first = LIF(shape=(3,), bias_mant=1, vth=1)
    boom = Boom(shape=(3,), fixed_only=fixed_only, hang=hang, hard_exit=hard_exit)
    last = LIF(shape=(3,))
    sink = Sink(shape=(3,), buffer=10)
    first.s_out.connect(boom.a_in)
    boom.s_out.connect(last.a_in)
    last.s_out.connect(sink.a_in)
    return {"spikes": sink.data}


def last_boom() -> dict:
    """LIF -> Boom with nothing downstream of Boom (like the last layer of a network)."""
    first = LIF(shape=(3,), bias_mant=1, vth=1)
    boom = Boom(shape=(3,))
    first.s_out.connect(boom.a_in)
    return {"v": first.v}


def sink_without_buffer() -> dict:
    """LIF -> RingBuffer sink with buffer=0: Lava's own sink model fails at step 1."""
    first = LIF(shape=(3,), bias_mant=1, vth=1)
    sink = Sink(shape=(3,), buffer=0)
    first.s_out.connect(sink.a_in)
    return {"v": first.v}


def init_boom() -> dict:
    """LIF -> BoomInit -> sink: BoomInit's model raises in ``__init__``."""
    first = LIF(shape=(3,), bias_mant=1, vth=1)
    boom = BoomInit(shape=(3,))
    sink = Sink(shape=(3,), buffer=10)
    first.s_out.connect(boom.a_in)
    boom.s_out.connect(sink.a_in)
    return {"spikes": sink.data}


def reshaper(read_x: bool = True) -> dict:
    """LIF -> Reshaper: the run is fine, reading Reshaper's ``x`` back fails (the LIF's ``v``
    with ``read_x=False`` reads fine)."""
    first = LIF(shape=(3,), bias_mant=1, vth=1)
    proc = Reshaper(shape=(3,))
    first.s_out.connect(proc.a_in)
    return {"x": proc.x} if read_x else {"v": first.v}


def lif_chain(length: int = 3) -> dict:
    """A chain of small LIF populations; reads the last one's voltage."""
    procs = [LIF(shape=(3,), bias_mant=1, vth=3) for _ in range(length)]
    for a, b in zip(procs, procs[1:], strict=False):
        a.s_out.connect(b.a_in)
    return {"v": procs[-1].v}


# name -> (graph, backend, Boom class expected in SimulationError.process, text of the error)
PLACEMENTS = {
    "middle": (middle_boom, "float", "Boom", "boom at step 3"),
    "last, nothing downstream": (last_boom, "float", "Boom", "boom at step 3"),
    "RingBuffer sink, buffer=0": (sink_without_buffer, "float", "RingBuffer", "ZeroDivisionError"),
    "model __init__ raises": (init_boom, "float", "BoomInit", "boom in the model's __init__"),
    "fixed model only": (lambda: middle_boom(fixed_only=True), "fixed", "Boom", "boom at step 3"),
}
