"""lava_sd jobs on Ray workers, each in a fresh Python interpreter.

Importing Lava sets multiprocessing's start method to fork, and a Lava run forks its actors;
Ray advises against forking inside its worker processes (they run threads: gRPC, the core
worker), where a fork copies locks held by other threads. So a Ray task of lava_sd never imports
Lava: ``run_module`` writes the task's input files to a temporary folder, runs
``python -m MODULE FOLDER`` in a new interpreter (``subprocess``: fork and exec at once), which
writes its outputs to ``FOLDER/out``, and returns them. Every process that interpreter starts
inherits a marker in its environment; after it exits, ``run_module`` looks for processes that
still carry the marker (a Lava actor that outlived its run), kills them and reports them.

This module imports the standard library only, and ``remote`` has Ray pickle its functions by
value: a Ray worker running them imports neither lava_sd (whose import imports Lava) nor torch.
``connect`` joins a Ray cluster (an address) or starts a local one, for the time of a block.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MARKER = "LAVA_SD_FRESH_MARKER"
STDERR_TAIL = 4000  # characters of a failed interpreter's stderr to report


class FreshRunError(RuntimeError):
    """The interpreter of a job failed or timed out (the message has its stderr's end)."""


def run_module(module: str, timeout: float, names: list[str], *contents: bytes) -> dict[str, Any]:
    """Run ``python -m module FOLDER`` in a new interpreter on this machine and return
    ``{"outputs": {name: bytes}, "worker": facts}``.

    ``FOLDER`` holds ``names[i]`` with ``contents[i]`` (top-level arguments, so Ray resolves
    object references among them); the module writes its results to ``FOLDER/out/``. The facts
    say where it ran and prove the isolation: this process's pid, host, multiprocessing start
    method and whether it imported Lava; the interpreter's pid; the processes that outlived it;
    wall and CPU seconds (of the interpreter and the processes it waited for).

    Raises:
        FreshRunError: the interpreter exited with an error or ran longer than ``timeout``
            seconds (then it and everything it started are killed).
    """
    marker = uuid.uuid4().hex
    started, cpu = time.perf_counter(), _children_cpu()
    with tempfile.TemporaryDirectory(prefix="lava_sd_fresh_") as folder:
        for name, data in zip(names, contents, strict=True):
            Path(folder, name).write_bytes(data)
        Path(folder, "out").mkdir()
        # output to files, not pipes: a process that outlives the interpreter would hold a pipe
        # open, and reading it to its end would wait for that process
        log = Path(folder, "out.log"), Path(folder, "err.log")
        with log[0].open("w") as out, log[1].open("w") as err:
            child = subprocess.Popen(
                [sys.executable, "-m", module, folder], env={**os.environ, MARKER: marker},
                stdout=out, stderr=err, start_new_session=True,
            )  # fmt: skip
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                end_marked(marker)
                raise FreshRunError(
                    f"{module} ran longer than {timeout:.0f} s on {socket.gethostname()} and "
                    "was killed."
                ) from None
        leftover = end_marked(marker)
        if child.returncode != 0:
            raise FreshRunError(
                f"{module} failed with exit status {child.returncode} on "
                f"{socket.gethostname()}:\n{log[1].read_text()[-STDERR_TAIL:]}"
            )
        outputs = {path.name: path.read_bytes() for path in Path(folder, "out").iterdir()}
        stdout = log[0].read_text()
    worker = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "start_method": multiprocessing.get_start_method(allow_none=True),
        "imported_lava": any(name.split(".")[0] in ("lava", "lava_sd") for name in sys.modules),
        "child_pid": child.pid,
        "leftover": leftover,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _children_cpu() - cpu,
    }
    return {"outputs": outputs, "worker": worker, "stdout": stdout}


def _children_cpu() -> float:
    """User + system CPU seconds of this process's ended and collected children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def marked(marker: str) -> list[tuple[int, str]]:
    """``(pid, command line)`` of every live process whose environment holds ``MARKER=marker``
    (Linux: ``/proc``; elsewhere none are found)."""
    found, wanted, me = [], f"{MARKER}={marker}".encode(), os.getpid()
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone, or not ours to read
        if state != "Z":  # a zombie has ended; its parent just has not collected it
            found.append((int(entry.name), command.strip()))
    return found


def end_marked(marker: str, wait: float = 5.0) -> list[tuple[int, str]]:
    """Kill every live process that carries ``marker``, wait up to ``wait`` seconds until they
    have ended, and return what was found."""
    found = marked(marker)
    for pid, _ in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + wait
    while found and marked(marker) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


def sweep_trial(
    config: dict[str, Any], *, module: str, timeout: float, files: dict[str, bytes]
) -> None:
    """A Ray Tune trainable: ``run_module`` on ``files`` and the trial's ``config`` as
    ``trial.json``; reports the metrics the module wrote (``metrics.json``) and its
    ``model.npz`` as the trial's checkpoint."""
    import json

    from ray import tune

    names, contents = [*files, "trial.json"], [*files.values(), json.dumps(config).encode()]
    done = run_module(module, timeout, names, *contents)
    metrics = json.loads(done["outputs"]["metrics.json"])
    worker = {f"worker_{key}": value for key, value in done["worker"].items()}
    worker["worker_leftover"] = len(done["worker"]["leftover"])
    with tempfile.TemporaryDirectory(prefix="lava_sd_trial_") as folder:
        Path(folder, "model.npz").write_bytes(done["outputs"]["model.npz"])
        tune.report({**metrics, **worker}, checkpoint=tune.Checkpoint.from_directory(folder))


def remote(function: Callable[..., Any], **options: Any) -> Any:
    """``ray.remote(**options)(function)`` for a function of this module, pickled by value."""
    import ray

    by_value()
    return ray.remote(**options)(function)


def by_value() -> None:
    """Have Ray pickle this module's functions by value (Tune trainables too)."""
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])


@contextmanager
def connect(address: str | None = None) -> Iterator[dict[str, float]]:
    """Inside the block, Ray is connected: the cluster Ray is already connected to, else the
    one at ``address`` (``"auto"``, ``"ray://host:10001"``, ``"host:6379"``), else a new local
    one on this machine's cores (shut down after the block). Yields the cluster's resources."""
    try:
        import ray
    except ImportError:
        from lava_sd.checks import ParameterError

        raise ParameterError(
            "Ray is not installed; the shards and sweeps need it: pip install 'lava_sd[scale]'."
        ) from None
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, logging_level="warning")
    try:
        yield ray.cluster_resources()
    finally:
        if started:
            ray.shutdown()
