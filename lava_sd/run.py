"""Run a Lava process graph for N steps, safely, on a chosen backend.

lava-nc 0.10 hangs forever when a process model raises in the middle of a graph, and hangs again
in ``stop()`` after such an error. ``run`` therefore

1. checks its arguments, estimates the run's time and memory, validates every Var of every
   process (shape, NaN/inf, integers for fixed point, each lava_sd process's own ranges) and
   compiles (model selection errors), all in the calling process: nothing is forked before all
   of that passed;
2. forks a *simulation child* that runs Lava, reads the requested Vars and stops Lava;
3. waits with a timeout and, on success, error, timeout or interrupt alike, asks the child to
   end and kills its whole process group if it does not within ``END_GRACE_S``.

Errors. Inside the child every Lava actor (a process model or a runtime service, each a forked
OS process) reports its own first exception straight to the caller, with the process's name and
traceback, *before* Lava's error protocol runs (that protocol hangs or loses the exception,
depending on where the failing process sits in the graph). This covers exceptions in a model's
``__init__``, in any phase of a step and while a Var is read back. An actor that exits without
an exception (``os._exit``, a signal, the OOM killer) is reported within ``WATCH_INTERVAL_S``.

Lifetime. The simulation child is the leader of its own session and process group and gets
``SIGKILL`` when the thread that called ``run`` dies (``PR_SET_PDEATHSIG``); every process it
forks (the Lava actors, Python's shared-memory manager) gets ``SIGKILL`` when the child dies
(the same flag, set by an ``os.register_at_fork`` hook in the child). A thread of the child also
watches for the caller's death and for the caller's request to end. Ending means: unlink the
run's shared-memory segments, kill and reap every process the child started, close the pipe to
the run's own ``multiprocessing`` resource tracker so that it exits too, reap it, exit. When
the caller dies by ``SIGKILL`` the chain of death signals ends everything and the resource
tracker (which outlives the others by design) unlinks the segments that are left.

Reading Vars: Lava 0.10's ``Var.get()`` sends an array one element per message through the
runtime service (about 60 us per element: 25 s for a 16 x 128 x 200 recording). Inside the
simulation child, ``run`` replaces the actors' ``_get_var`` handler: the actor copies the Var
into a shared-memory buffer that the caller allocated before forking, and answers Lava's
protocol with an empty payload. The user's own process is never patched.

Threads: ``run`` may be called from several threads at once; each call has its own buffers,
pipes and child, and forks while holding a lock. Repeated runs: the processes in the caller
are left as they were (their Vars keep their initial values), so every call starts afresh;
Lava's "compiled" mark is cleared after compiling, except for graphs with hierarchical
processes (``SubProcessModel``), which Lava 0.10 cannot compile twice.
"""

from __future__ import annotations

import ctypes
import logging
import math
import mmap
import multiprocessing as mp
import numbers
import os
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from lava.magma.compiler.builders.py_builder import PyProcessBuilder
from lava.magma.compiler.compiler_graphs import find_processes
from lava.magma.core.model.py.model import AbstractPyProcessModel
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg, RunConfig
from lava.magma.runtime import runtime as lava_runtime
from lava.magma.runtime.mgmt_token_enums import enum_to_np

from lava_sd.checks import ParameterError
from lava_sd.validation import describe, validate_graph

BACKEND_TAGS = {"float": "floating_pt", "fixed": "fixed_pt", "loihi2": None}

STEP_COST_S = 2e-4
"""Typical wall time of one process for one step in Lava's CPU simulation (measured 0.15-0.2 ms
for small populations on a 2-core machine, up to about 1 ms for batch-256 layers; docs/runner.md).
"""
DEFAULT_TIMEOUT_BASE_S = 120.0
DEFAULT_TIMEOUT_PER_STEP_S = 0.01
"""The default timeout is ``120 s + 0.01 s x steps x processes``: 50 times ``STEP_COST_S``."""
LONG_RUN_S = 600.0
"""Runs estimated longer than this need an explicit ``timeout`` (``run`` refuses them otherwise)."""
END_GRACE_S = 5.0
REPORT_GRACE_S = 0.5
WATCH_INTERVAL_S = 0.05
POLL_S = 0.1
PR_SET_PDEATHSIG = 1

log = logging.getLogger(__name__)
_COMPILER_LOG = logging.getLogger("lava.magma.compiler.compiler")

_FORK_LOCK = threading.Lock()  # one fork at a time: pipes are created, inherited, closed under it
_COMPILE_LOCK = threading.Lock()  # Lava's compiler executes model modules and flags processes

# Set in the simulation child only (its actors inherit them by fork): the running job, the
# Var id -> shared buffer table, and in each actor the name of the process it runs.
_JOB: _Job | None = None
_SHARED_OUTPUTS: dict[int, np.ndarray] = {}
_ACTOR_LABEL = "a Lava runtime service"
_FORKING_PID = 0
_END_LOCK = threading.Lock()


class SimulationError(RuntimeError):
    """A Lava simulation failed; ``process`` names the failing process when it is known."""

    def __init__(
        self, message: str, *, process: str | None = None, child_traceback: str | None = None
    ) -> None:
        if child_traceback:
            message += f"\n--- traceback in the simulation ---\n{child_traceback}"
        super().__init__(message)
        self.process = process
        self.child_traceback = child_traceback


class SimulationTimeout(SimulationError):
    """The simulation did not finish within its timeout and was killed."""


class BackendUnavailable(RuntimeError):
    """The requested backend cannot run on this machine."""


class RunResult(dict):
    """Recorded Vars by name (numpy arrays), plus timings.

    Attributes:
        backend: the backend that ran.
        num_steps: steps simulated.
        seconds_run: wall time inside Lava's ``run()`` calls (excludes compile and start-up).
        seconds_total: wall time of the whole call, validation and start-up included.
    """

    backend: str
    num_steps: int
    seconds_run: float
    seconds_total: float


@dataclass(frozen=True)
class RunEstimate:
    """What a run will cost, estimated before it starts.

    ``seconds = num_steps x processes x STEP_COST_S`` (typical time in Lava's ``run()``; heavy
    batched models take up to 5 times longer); ``bytes``: memory the run adds, 8 bytes per
    element of every Var (each actor holds its own copy) plus two copies of the outputs.
    """

    processes: int
    num_steps: int
    seconds: float
    bytes: int

    def __str__(self) -> str:
        return (
            f"{self.num_steps} steps x {self.processes} processes: about "
            f"{_duration(self.seconds)} and {_size(self.bytes)}"
        )


def run(
    outputs: Mapping[str, Var],
    num_steps: int,
    *,
    backend: str = "float",
    timeout: float | None = None,
    progress: bool = False,
) -> RunResult:
    """Run the graph connected to ``outputs`` for ``num_steps`` and return their final values.

    Every call starts from the processes' initial values; the same graph can be run again.

    Args:
        outputs: name -> Var to read after the run (e.g. a sink's ``data``, a neuron's ``v``).
            The graph is every process connected to the first Var's process.
        num_steps: number of time steps (an integer >= 1).
        backend: ``"float"`` (``floating_pt`` models), ``"fixed"`` (``fixed_pt`` models) or
            ``"loihi2"`` (``Loihi2HwCfg``; needs Intel's lava-loihi).
        timeout: seconds (finite, > 0) before the simulation is killed; default ``120 + 0.01 *
            steps * processes``. Runs estimated longer than ``LONG_RUN_S`` (10 min, see
            :func:`estimate`) need an explicit timeout.
        progress: show a tqdm progress bar (the run proceeds in about 50 chunks).

    Returns:
        A ``RunResult`` mapping each name to a numpy array.

    Raises:
        ParameterError: an argument, Var or parameter is invalid, the run would need more memory
            than is available, or it is long and has no explicit timeout (before anything runs).
        BackendUnavailable: ``backend="loihi2"`` without lava-loihi.
        SimulationTimeout: the run exceeded ``timeout`` (the simulation was killed).
        SimulationError: a process model raised or died; names the process, carries its
            traceback.
    """
    started = time.perf_counter()
    root, procs = _graph(outputs)
    num_steps = _check_num_steps(num_steps)
    timeout = _check_timeout(timeout)
    run_cfg = _run_config(backend)
    cost = _estimate(procs, outputs.values(), num_steps)
    timeout = _timeout_for(cost, timeout)
    validate_graph(procs, backend)
    executable = _compile(root, procs, run_cfg)
    result = _run_in_child(root, executable, dict(outputs), num_steps, timeout, progress)
    result.backend = backend
    result.num_steps = num_steps
    result.seconds_total = time.perf_counter() - started
    return result


def estimate(outputs: Mapping[str, Var], num_steps: int) -> RunEstimate:
    """Estimate the time and memory of ``run(outputs, num_steps)`` without running anything.

    Raises:
        ParameterError: for invalid ``outputs`` or ``num_steps`` (as ``run``).
    """
    _, procs = _graph(outputs)
    return _estimate(procs, outputs.values(), _check_num_steps(num_steps))


def _graph(outputs: object) -> tuple[AbstractProcess, list[AbstractProcess]]:
    if not isinstance(outputs, Mapping) or not outputs:
        raise ParameterError("run: 'outputs' must be a non-empty dict of name -> lava Var.")
    for key, var in outputs.items():
        if not isinstance(var, Var):
            raise ParameterError(f"run: output '{key}' must be a lava Var, got {type(var)}.")
    root = next(iter(outputs.values())).process
    procs = find_processes(root)
    for key, var in outputs.items():
        if var.process not in procs:
            raise ParameterError(
                f"run: output '{key}' belongs to {describe(var.process)}, which is not connected "
                f"to {describe(root)}; run separate graphs with separate calls."
            )
    return root, procs


def _check_num_steps(num_steps: object) -> int:
    if (
        isinstance(num_steps, bool)
        or not isinstance(num_steps, numbers.Real)
        or not math.isfinite(num_steps)
        or num_steps != int(num_steps)
        or num_steps < 1
    ):
        raise ParameterError(f"run: 'num_steps' must be a positive integer, got {num_steps!r}.")
    return int(num_steps)


def _check_timeout(timeout: object) -> float | None:
    if timeout is None:
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, numbers.Real)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ParameterError(
            "run: 'timeout' must be a finite number of seconds > 0 (or None for the default), "
            f"got {timeout!r}."
        )
    return float(timeout)


def _estimate(procs: list[AbstractProcess], outputs: Iterable[Var], num_steps: int) -> RunEstimate:
    elements = sum(int(np.prod(var.shape)) for proc in procs for var in proc.vars)
    elements += 2 * sum(int(np.prod(var.shape)) for var in outputs)
    return RunEstimate(
        processes=len(procs),
        num_steps=num_steps,
        seconds=num_steps * len(procs) * STEP_COST_S,
        bytes=8 * elements,
    )


def _timeout_for(cost: RunEstimate, timeout: float | None) -> float:
    available = _available_memory()
    if available is not None and cost.bytes > available:
        raise ParameterError(
            f"run: the graph needs about {cost.bytes / 2**30:.1f} GiB in the simulation (8 bytes "
            f"per element of its Vars, e.g. a sink's buffer), but only {available / 2**30:.1f} "
            "GiB are available; record less (smaller sink buffers, fewer outputs) or split the run."
        )
    if timeout is not None:
        if cost.seconds > 60:
            log.info("lava_sd.run: %s (timeout %.0f s)", cost, timeout)
        return timeout
    if cost.seconds > LONG_RUN_S:
        raise ParameterError(
            f"run: {cost} (at {STEP_COST_S * 1e3:.1f} ms per process and step; heavy models take "
            f"longer), more than the {LONG_RUN_S / 60:.0f} minutes lava_sd runs without an "
            f"explicit timeout. Pass timeout=SECONDS to run it anyway (e.g. "
            f"timeout={math.ceil(3 * cost.seconds)}, three times the estimate) and progress=True "
            "to watch it, or run fewer steps."
        )
    return DEFAULT_TIMEOUT_BASE_S + DEFAULT_TIMEOUT_PER_STEP_S * cost.num_steps * cost.processes


def _available_memory() -> int | None:
    """``MemAvailable`` of /proc/meminfo in bytes (None where it cannot be read)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _size(n_bytes: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{n_bytes} bytes"


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


def _run_config(backend: str) -> RunConfig:
    if not isinstance(backend, str) or backend not in BACKEND_TAGS:
        raise ParameterError(
            f"run: unknown backend {backend!r}; choose one of {sorted(BACKEND_TAGS)}."
        )
    if backend == "loihi2":
        from lava.utils.loihi import is_installed

        if not is_installed():
            raise BackendUnavailable(
                "backend 'loihi2' needs Intel's lava-loihi extension (available to INRC members), "
                "which is not installed: lava.utils.loihi.is_installed() is False. Simulate the "
                "same integer arithmetic on the CPU with backend='fixed'."
            )
        from lava.magma.core.run_configs import Loihi2HwCfg

        return Loihi2HwCfg()
    return Loihi2SimCfg(select_tag=BACKEND_TAGS[backend])


def _compile(root: AbstractProcess, procs: list[AbstractProcess], run_cfg: RunConfig) -> Any:
    """Compile in this process (model selection errors surface here), then clear Lava's
    "compiled" mark so that the graph can be run again; graphs with hierarchical processes keep
    it, because Lava would build their sub-processes a second time. The log handler that Lava's
    compiler adds on every compile is removed again (it leaked and printed each message once per
    earlier compile)."""
    with _COMPILE_LOCK:
        compiled = [proc for proc in procs if proc.is_compiled]
        if compiled:
            raise ParameterError(
                f"run: {describe(compiled[0])} was compiled before and cannot be compiled again: "
                "either the graph holds hierarchical processes (SubProcessModels), which Lava "
                "0.10 compiles only once, or it was compiled or run outside lava_sd.run. Build "
                "the graph again for another run."
            )
        handlers = list(_COMPILER_LOG.handlers)
        try:
            executable = root.compile(run_cfg)
        except BaseException:
            for proc in procs:
                proc._is_compiled = False
            raise
        finally:  # every Lava Compiler adds a StreamHandler to its logger and never removes it
            for handler in [h for h in _COMPILER_LOG.handlers if h not in handlers]:
                _COMPILER_LOG.removeHandler(handler)
                handler.close()
        if all(proc in executable.proc_builders for proc in procs):
            for proc in procs:
                proc._is_compiled = False
        return executable


# --- the calling side ---------------------------------------------------------------------------


@dataclass
class _Job:
    """Everything the simulation child needs; built in the caller, inherited by fork."""

    root: AbstractProcess
    executable: Any
    outputs: dict[str, Var]
    num_steps: int
    progress: bool
    shared: dict[int, np.ndarray]
    conn: Any
    wake_r: int
    wake_w: int
    parent_pid: int
    reporter: _Reporter | None = None
    labels: dict[int, str] = field(default_factory=dict)
    actor_labels: list[str] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    tracker_pid: int | None = None


def _run_in_child(
    root: AbstractProcess,
    executable: Any,
    outputs: dict[str, Var],
    num_steps: int,
    timeout: float,
    progress: bool,
) -> RunResult:
    ctx = mp.get_context("fork")
    shared = {var.id: _shared_array(var.shape) for var in outputs.values()}
    with _FORK_LOCK:
        parent_conn, child_conn = ctx.Pipe(duplex=False)
        wake_r, wake_w = os.pipe()
        job = _Job(
            root, executable, outputs, num_steps, progress, shared, child_conn, wake_r, wake_w,
            os.getpid(),
        )  # fmt: skip
        child = ctx.Process(target=_child_main, args=(job,), daemon=False)
        try:
            child.start()
        except BaseException:
            os.close(wake_w)
            parent_conn.close()
            raise
        finally:
            child_conn.close()
            os.close(wake_r)
    bar = _progress_bar(num_steps) if progress else None
    try:
        result = _collect(parent_conn, child, timeout, bar)
        result.update({key: shared[var.id].copy() for key, var in outputs.items()})
        return result
    finally:
        if bar is not None:
            bar.close()
        _end_child(child, wake_w)
        parent_conn.close()


def _shared_array(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 array in anonymous shared memory (MAP_SHARED): forked processes write into it."""
    size = int(np.prod(shape))
    buffer = mmap.mmap(-1, max(8, 8 * size))
    return np.frombuffer(buffer, dtype=np.float64, count=size).reshape(shape)


def _collect(conn: Any, child: Any, timeout: float, bar: Any) -> RunResult:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SimulationTimeout(
                f"the simulation did not finish within {timeout:.1f} s and was killed. If it is "
                "just long, pass a larger timeout; if it hangs, a process model may be blocked."
            )
        if not conn.poll(min(remaining, POLL_S)):
            if not child.is_alive() and not conn.poll(0):
                raise SimulationError(
                    f"the simulation process died without a result (exit code {child.exitcode})."
                )
            continue
        try:
            kind, *payload = conn.recv()
        except EOFError:
            child.join(1)
            raise SimulationError(
                f"the simulation process died without a result (exit code {child.exitcode})."
            ) from None
        if kind == "progress" and bar is not None:
            bar.update(payload[0])
        elif kind == "ok":
            result = RunResult()
            result.seconds_run = payload[0]
            return result
        elif kind == "actor_error":
            process, error, tb = payload
            raise SimulationError(
                f"{process} raised {error} inside the Lava simulation.",
                process=process,
                child_traceback=tb or None,
            )
        elif kind == "error":
            error, tb = payload
            raise SimulationError(f"the Lava simulation failed: {error}", child_traceback=tb)


def _end_child(child: Any, wake_w: int) -> None:
    """Ask the child to end (it kills and reaps its processes and unlinks shared memory); if it
    has not ended within ``END_GRACE_S``, kill its whole process group."""
    try:
        os.write(wake_w, b"x")
    except OSError:
        pass
    os.close(wake_w)
    child.join(END_GRACE_S)
    if child.exitcode is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        child.join()


def _progress_bar(num_steps: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=num_steps, desc="lava run", unit="step")


# --- the simulation child -----------------------------------------------------------------------


class _Reporter:
    """Sends messages to the caller from the child and its actors (one writer at a time)."""

    def __init__(self, conn: Any) -> None:
        ctx = mp.get_context("fork")
        self.conn = conn
        self.lock = ctx.Lock()
        self.reported = ctx.Event()

    def send(self, message: tuple) -> None:
        if not self.lock.acquire(timeout=5):  # a writer was killed while holding it
            return
        try:
            self.conn.send(message)
        except (OSError, ValueError):  # the caller is gone; the child ends with it
            pass
        finally:
            self.lock.release()

    def actor_error(self, label: str, exc: BaseException, tb: str) -> None:
        """Report an actor's exception once (the first place that sees it reports it)."""
        if getattr(exc, "_lava_sd_reported", False):
            return
        try:
            exc._lava_sd_reported = True
        except AttributeError:
            pass
        self.send(("actor_error", label, f"{type(exc).__name__}: {exc}", tb))
        self.reported.set()


def _child_main(job: _Job) -> None:
    global _JOB, _SHARED_OUTPUTS
    os.setsid()  # own session and process group: the caller can kill the whole tree at once
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != job.parent_pid:  # the caller died before the line above
        os._exit(1)
    os.close(job.wake_w)
    _JOB, _SHARED_OUTPUTS = job, job.shared
    job.reporter = _Reporter(job.conn)
    job.tracker_pid = _fresh_resource_tracker()
    os.register_at_fork(before=_note_forking_pid, after_in_child=_die_with_forking_process)
    for proc, builder in job.executable.proc_builders.items():
        if isinstance(builder, PyProcessBuilder):
            label = f"{describe(proc)} ({_model_name(builder)})"
            job.labels[id(builder)] = label
            job.actor_labels.append(label)
    AbstractPyProcessModel._get_var = _get_var_into_shared_memory
    AbstractPyProcessModel.start = _start_reporting_errors
    lava_runtime.target_fn = _actor_target
    threading.Thread(target=_end_when_asked, args=(job,), daemon=True).start()
    threading.Thread(target=_watch_actors, args=(job,), daemon=True).start()
    root, code = job.root, 0
    try:
        root.create_runtime(executable=job.executable)
        chunk = max(1, job.num_steps // 50) if job.progress else job.num_steps
        done, seconds_run = 0, 0.0
        while done < job.num_steps:
            steps = min(chunk, job.num_steps - done)
            tick = time.perf_counter()
            root.run(condition=RunSteps(num_steps=steps))
            seconds_run += time.perf_counter() - tick
            done += steps
            if job.progress:
                job.reporter.send(("progress", steps))
        for var in job.outputs.values():
            var.get()  # the actor writes the value into _SHARED_OUTPUTS[var.id]
        job.finished.set()  # actors exit in stop(): not a failure
        root.stop()
        job.reporter.send(("ok", seconds_run))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the caller
        code = 1
        # An actor's own report (with its name) is worth waiting for: Lava's error path may
        # surface the failure here first (e.g. a model whose __init__ raised).
        job.reporter.reported.wait(REPORT_GRACE_S)
        job.reporter.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        _end_simulation(job, code)


def _end_when_asked(job: _Job) -> None:
    """End the simulation when the caller asks (a byte on the wake pipe) or dies."""
    while True:
        try:
            readable, _, _ = select.select([job.wake_r], [], [], 0.2)
        except (OSError, ValueError):
            readable = [job.wake_r]
        if readable or os.getppid() != job.parent_pid:
            _end_simulation(job, 1)


def _end_simulation(job: _Job, code: int) -> None:
    """Unlink the run's shared memory, kill and reap every process this child started (its
    resource tracker exits once nobody holds its pipe), then exit. Never returns."""
    _END_LOCK.acquire()  # the first caller ends the process; a second one waits for the exit
    job.finished.set()
    try:
        _unlink_shared_memory(job.root)
        _kill_children(keep=job.tracker_pid)
        _close_resource_tracker()
        _reap_children(deadline=time.monotonic() + 2.0)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(code)


def _unlink_shared_memory(root: AbstractProcess) -> None:
    """Unlink the segments of Lava's channels (on success ``stop()`` has done it already).
    They stay mapped: other threads of this process may still be reading them."""
    infra = getattr(getattr(root, "_runtime", None), "_messaging_infrastructure", None)
    smm = getattr(getattr(infra, "smm", None), "_shared_memory_handles", None) or []
    for handle in list(smm):
        try:
            handle.unlink()
        except (OSError, ValueError):
            pass


def _kill_children(keep: int | None) -> None:
    """SIGKILL every direct child of this process except ``keep``."""
    me = os.getpid()
    pids = {proc.pid for proc in mp.process._children if proc.pid}  # type: ignore[attr-defined]
    try:  # forks that multiprocessing has not recorded yet
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == me:
                    pids.add(int(entry.name))
    except (OSError, ValueError):
        pass
    for pid in pids - {keep, None}:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _reap_children(deadline: float) -> None:
    """Reap this process's children until there are none or the deadline passes."""
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def _fresh_resource_tracker() -> int | None:
    """Start a resource tracker for this run (not the caller's): it unlinks what a killed run
    leaves in /dev/shm and exits when the last process of the run has gone."""
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    rlock = type(threading.RLock())
    tracker._lock = threading.RLock() if isinstance(tracker._lock, rlock) else threading.Lock()
    if tracker._fd is not None:
        try:
            os.close(tracker._fd)
        except OSError:
            pass
        tracker._fd, tracker._pid = None, None
    try:
        tracker.ensure_running()
    except Exception:  # noqa: BLE001 - Lava starts one itself if this fails
        return None
    return tracker._pid


def _close_resource_tracker() -> None:
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    if tracker._fd is not None:
        try:
            os.close(tracker._fd)
        except OSError:
            pass
        tracker._fd = None


def _note_forking_pid() -> None:
    global _FORKING_PID
    _FORKING_PID = os.getpid()


def _die_with_forking_process() -> None:
    """``os.register_at_fork`` hook of the simulation child: a forked process (Lava actor,
    shared-memory manager) gets SIGKILL when the process that forked it dies."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _FORKING_PID:
        os._exit(1)


def _prctl(option: int, value: int) -> None:
    """Linux ``prctl(option, value)``; a no-op where it is unavailable."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, int(value), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _actor_target(*args: Any, **kwargs: Any) -> None:
    """Replacement of Lava's ``runtime.target_fn`` (the body of every actor) in the child: the
    same steps, but an exception is reported to the caller before Lava hears of it."""
    global _ACTOR_LABEL
    builder, exception_q = kwargs.pop("builder"), kwargs.pop("exception_q")
    _ACTOR_LABEL = _JOB.labels.get(id(builder), "a Lava runtime service")
    try:
        actor = builder.build()
    except Exception as exc:
        tb = traceback.format_exc()
        _JOB.reporter.actor_error(_ACTOR_LABEL, exc, tb)
        exc.trace = tb
        exception_q.put(exc)
        raise
    exception_q.put(None)
    try:
        actor.start(*args, **kwargs)
    except Exception as exc:
        _JOB.reporter.actor_error(_ACTOR_LABEL, exc, traceback.format_exc())
        raise


_LAVA_MODEL_START = AbstractPyProcessModel.start


def _start_reporting_errors(model: AbstractPyProcessModel) -> None:
    """Replacement of ``AbstractPyProcessModel.start`` in the child: every command handler of
    the model (each phase of a step, get/set of a Var, pause, stop) reports its exception."""
    model._cmd_handlers = {cmd: _reporting(handler) for cmd, handler in model._cmd_handlers.items()}
    _LAVA_MODEL_START(model)


def _reporting(handler: Any) -> Any:
    def handle() -> Any:
        try:
            return handler()
        except Exception as exc:
            _JOB.reporter.actor_error(_ACTOR_LABEL, exc, traceback.format_exc())
            raise

    return handle


def _get_var_into_shared_memory(model: AbstractPyProcessModel) -> None:
    """Replacement of ``AbstractPyProcessModel._get_var`` inside the simulation child.

    Same protocol as Lava's handler (receive the Var id, answer a header with the item count),
    but the values go into the Var's shared buffer and the count is 0.
    """
    var_id = int(model.service_to_process.recv()[0].item())
    target = _SHARED_OUTPUTS.get(var_id)
    if target is None:
        raise RuntimeError(f"lava_sd.run: no shared output buffer for Var id {var_id}")
    name = model.var_id_to_var_map[var_id]
    value = getattr(model, name)
    value = np.asarray(value.toarray() if hasattr(value, "toarray") else value, dtype=np.float64)
    if value.size != target.size:
        raise ValueError(
            f"Var '{name}' holds an array of shape {value.shape} after the run, but it was "
            f"declared with shape {target.shape}: the process model replaced it with an array "
            "of another shape; assign into it instead (self.x[:] = ...)."
        )
    target[...] = value.reshape(target.shape)
    model.process_to_service.send(enum_to_np(0))


def _watch_actors(job: _Job) -> None:
    """Report an actor that exits while the simulation runs without having reported an
    exception (killed by a signal, ``os._exit``, ...). Exits are seen with ``waitid(WNOWAIT)``,
    which leaves the process for Lava to reap."""
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return
    while not job.finished.wait(WATCH_INTERVAL_S):
        infra = getattr(getattr(job.root, "_runtime", None), "_messaging_infrastructure", None)
        for index, actor in enumerate(list(getattr(infra, "actors", []))):
            popen = getattr(actor, "_popen", None)
            if popen is None:
                continue
            try:
                status = waitid(os.P_PID, popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                how = None if status is None else _exit_description(status)
            except ChildProcessError:
                how = "it exited"
            if how is None:
                continue
            if job.reporter.reported.wait(REPORT_GRACE_S) or job.finished.is_set():
                return
            label = job.actor_labels[index] if index < len(job.actor_labels) else None
            job.reporter.send((
                "actor_error",
                label or "a Lava runtime service",
                f"no exception: the process ended unexpectedly ({how})",
                "",
            ))  # fmt: skip
            job.reporter.reported.set()
            return


def _exit_description(status: Any) -> str:
    if status.si_code == os.CLD_EXITED:
        return f"exit code {status.si_status}"
    try:
        name = signal.Signals(status.si_status).name
    except ValueError:
        name = str(status.si_status)
    return f"killed by {name}"


def _model_name(builder: Any) -> str:
    model = getattr(builder, "proc_model", None)
    return getattr(model, "__name__", "unknown model")
