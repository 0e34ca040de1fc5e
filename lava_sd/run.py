"""Run a Lava process graph for N steps, safely, on a chosen backend.

lava-nc 0.10 hangs forever when a process model raises in the middle of a graph, and hangs again
in ``stop()`` after such an error. ``run`` therefore

1. validates every Var of every process in the parent (shape, NaN/inf, integers for fixed
   point, each lava_sd process's own ranges) and compiles there (model selection errors);
2. forks a child in its own session that runs the simulation, reads the requested Vars and
   stops Lava; a watcher thread in the child reports the first exception of any Lava actor
   with the failing process's name and traceback;
3. waits with a timeout and, on success, error or timeout alike, kills the child's whole
   process group, so no Lava actor is left behind.

Reading Vars: Lava 0.10's ``Var.get()`` sends an array one element per message through the
runtime service (about 60 us per element: 25 s for a 16 x 128 x 200 recording). Inside the
simulation child, ``run`` replaces the actors' ``_get_var`` handler: the actor copies the Var
into a shared-memory buffer that this process allocated before forking, and answers Lava's
protocol with an empty payload. The user's own process is never patched.

The processes in the parent are left as they were: every call starts from their initial values.
"""

from __future__ import annotations

import ctypes
import mmap
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback
from collections.abc import Mapping
from typing import Any

import numpy as np
from lava.magma.compiler.builders.py_builder import PyProcessBuilder
from lava.magma.compiler.compiler_graphs import find_processes
from lava.magma.core.model.py.model import AbstractPyProcessModel
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg, RunConfig
from lava.magma.runtime.mgmt_token_enums import enum_to_np

from lava_sd.checks import ParameterError
from lava_sd.validation import describe, validate_graph

BACKEND_TAGS = {"float": "floating_pt", "fixed": "fixed_pt", "loihi2": None}
WATCH_INTERVAL_S = 0.02
REAP_TIMEOUT_S = 5.0
PR_SET_CHILD_SUBREAPER = 36

# Var id -> shared buffer the simulation writes that Var into (see the module docstring).
# Filled in the parent just before the fork, so the child and its Lava actors inherit it.
_SHARED_OUTPUTS: dict[int, np.ndarray] = {}


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


def run(
    outputs: Mapping[str, Var],
    num_steps: int,
    *,
    backend: str = "float",
    timeout: float | None = None,
    progress: bool = False,
) -> RunResult:
    """Run the graph connected to ``outputs`` for ``num_steps`` and return their final values.

    Args:
        outputs: name -> Var to read after the run (e.g. a sink's ``data``, a neuron's ``v``).
            The graph is every process connected to the first Var's process.
        num_steps: number of time steps (>= 1).
        backend: ``"float"`` (``floating_pt`` models), ``"fixed"`` (``fixed_pt`` models) or
            ``"loihi2"`` (``Loihi2HwCfg``; needs Intel's lava-loihi).
        timeout: seconds before the simulation is killed; default ``120 + 0.02 * steps *
            processes``.
        progress: show a tqdm progress bar (the run proceeds in about 50 chunks).

    Returns:
        A ``RunResult`` mapping each name to a numpy array.

    Raises:
        ParameterError: a Var or parameter is invalid (before anything runs).
        BackendUnavailable: ``backend="loihi2"`` without lava-loihi.
        SimulationTimeout: the run exceeded ``timeout`` (the simulation was killed).
        SimulationError: a process model raised; names the process, carries its traceback.
    """
    started = time.perf_counter()
    if not isinstance(outputs, Mapping) or not outputs:
        raise ParameterError("run: 'outputs' must be a non-empty dict of name -> lava Var.")
    for key, var in outputs.items():
        if not isinstance(var, Var):
            raise ParameterError(f"run: output '{key}' must be a lava Var, got {type(var)}.")
    if isinstance(num_steps, bool) or int(num_steps) != num_steps or num_steps < 1:
        raise ParameterError(f"run: 'num_steps' must be a positive integer, got {num_steps!r}.")
    run_cfg = _run_config(backend)
    root = next(iter(outputs.values())).process
    procs = find_processes(root)
    for key, var in outputs.items():
        if var.process not in procs:
            raise ParameterError(
                f"run: output '{key}' belongs to {describe(var.process)}, which is not connected "
                f"to {describe(root)}; run separate graphs with separate calls."
            )
    validate_graph(procs, backend)
    executable = root.compile(run_cfg)
    if timeout is None:
        timeout = 120 + 0.02 * num_steps * len(procs)
    result = _run_in_child(root, executable, dict(outputs), int(num_steps), timeout, progress)
    result.backend = backend
    result.num_steps = int(num_steps)
    result.seconds_total = time.perf_counter() - started
    return result


def _run_config(backend: str) -> RunConfig:
    if backend not in BACKEND_TAGS:
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


def _run_in_child(
    root: AbstractProcess,
    executable: Any,
    outputs: dict[str, Var],
    num_steps: int,
    timeout: float,
    progress: bool,
) -> RunResult:
    ctx = mp.get_context("fork")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child_main,
        args=(child_conn, root, executable, outputs, num_steps, progress),
        daemon=False,
    )
    _SHARED_OUTPUTS.clear()
    _SHARED_OUTPUTS.update({var.id: _shared_array(var.shape) for var in outputs.values()})
    _set_subreaper(True)
    child.start()
    child_conn.close()
    bar = _progress_bar(num_steps) if progress else None
    try:
        result = _collect(parent_conn, child, timeout, bar)
        result.update({key: _SHARED_OUTPUTS[var.id].copy() for key, var in outputs.items()})
        return result
    finally:
        if bar is not None:
            bar.close()
        _kill_group(child)
        parent_conn.close()
        _SHARED_OUTPUTS.clear()


def _shared_array(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 array in anonymous shared memory (MAP_SHARED): forked processes write into it."""
    size = int(np.prod(shape))
    buffer = mmap.mmap(-1, max(8, 8 * size))
    return np.frombuffer(buffer, dtype=np.float64, count=size).reshape(shape)


def _get_var_into_shared_memory(model: AbstractPyProcessModel) -> None:
    """Replacement of ``AbstractPyProcessModel._get_var`` inside the simulation child.

    Same protocol as Lava's handler (receive the Var id, answer a header with the item count),
    but the values go into the Var's shared buffer and the count is 0.
    """
    var_id = int(model.service_to_process.recv()[0].item())
    target = _SHARED_OUTPUTS.get(var_id)
    if target is None:
        raise RuntimeError(f"lava_sd.run: no shared output buffer for Var id {var_id}")
    value = getattr(model, model.var_id_to_var_map[var_id])
    target[...] = np.asarray(value, dtype=np.float64).reshape(target.shape)
    model.process_to_service.send(enum_to_np(0))


def _collect(conn: Any, child: Any, timeout: float, bar: Any) -> RunResult:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SimulationTimeout(
                f"the simulation did not finish within {timeout:.1f} s and was killed. If it is "
                "just long, pass a larger timeout; if it hangs, a process model may be blocked."
            )
        if not conn.poll(min(remaining, 0.5)):
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
                child_traceback=tb,
            )
        elif kind == "error":
            error, tb = payload
            raise SimulationError(f"the Lava simulation failed: {error}", child_traceback=tb)


def _child_main(
    conn: Any,
    root: AbstractProcess,
    executable: Any,
    outputs: dict[str, Var],
    num_steps: int,
    progress: bool,
) -> None:
    os.setsid()
    lock = threading.Lock()

    def send(msg: tuple) -> None:
        with lock:
            conn.send(msg)

    finished = threading.Event()
    watcher = threading.Thread(
        target=_watch_actors, args=(root, executable, send, finished), daemon=True
    )
    try:
        AbstractPyProcessModel._get_var = _get_var_into_shared_memory  # actors fork after this
        watcher.start()
        root.create_runtime(executable=executable)
        chunk = max(1, num_steps // 50) if progress else num_steps
        done, seconds_run = 0, 0.0
        while done < num_steps:
            steps = min(chunk, num_steps - done)
            tick = time.perf_counter()
            root.run(condition=RunSteps(num_steps=steps))
            seconds_run += time.perf_counter() - tick
            done += steps
            if progress:
                send(("progress", steps))
        for var in outputs.values():
            var.get()  # the actor writes the value into _SHARED_OUTPUTS[var.id]
        # Lava's stop() reads each actor's exit message from the same pipe the watcher polls:
        # the watcher must be gone first, or it may take the message and stop() blocks forever.
        finished.set()
        watcher.join()
        root.stop()
        send(("ok", seconds_run))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        os._exit(0)


def _watch_actors(
    root: AbstractProcess, executable: Any, send: Any, finished: threading.Event
) -> None:
    """Report the first exception of any Lava actor (process model or runtime service).

    While the simulation runs, an actor writes to its result pipe only when it raised; the
    normal exit message comes after ``stop()``, which the watcher never sees (it has ended).
    """
    labels = [
        f"{describe(proc)} ({_model_name(builder)})"
        for proc, builder in executable.proc_builders.items()
        if isinstance(builder, PyProcessBuilder)
    ]
    while not finished.wait(WATCH_INTERVAL_S):
        runtime = getattr(root, "_runtime", None)
        infra = getattr(runtime, "_messaging_infrastructure", None)
        for index, actor in enumerate(list(getattr(infra, "actors", []))):
            try:
                if not actor._pconn.poll():
                    continue
                item = actor._pconn.recv()
            except (OSError, EOFError, ValueError):
                continue
            if item is None:
                continue
            error, tb = item
            label = labels[index] if index < len(labels) else "a Lava runtime service"
            send(("actor_error", label, f"{type(error).__name__}: {error}", tb))
            os._exit(1)


def _model_name(builder: Any) -> str:
    model = getattr(builder, "proc_model", None)
    return getattr(model, "__name__", "unknown model")


def _kill_group(child: Any) -> None:
    """Kill the child and every process of its session (Lava actors, shared-memory manager),
    then reap them: while ``run`` waits, this process is a child subreaper, so the orphaned
    actors are reparented here instead of becoming zombies of an init that may never reap."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if child.is_alive():
        child.kill()
    child.join(5)
    deadline = time.monotonic() + REAP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-child.pid, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.01)
    _set_subreaper(False)


def _set_subreaper(enabled: bool) -> None:
    """Linux ``prctl(PR_SET_CHILD_SUBREAPER)``; a no-op where it is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, int(enabled), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _progress_bar(num_steps: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=num_steps, desc="lava run", unit="step")
