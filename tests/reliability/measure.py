"""Probe ``lava_sd.run`` and the command line as a user would; print a table, write JSON.

Usage (from the repository root):

    .venv/bin/python tests/reliability/measure.py [--tries 30] [--out results.json] [--only K ...]
    .venv/bin/python tests/reliability/measure.py --compare before.json after.json

The probes only use the public API and the test fixture ``tests/fixtures/lava_boom``, so the
same script measures any version of lava_sd (put that version first on the import path).
Columns: time to the error, the error (type: message head), simulation processes still alive
2 s after (resp. right after) the probe, and shared-memory segments it left in /dev/shm.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT / "tests" / "fixtures")]

import numpy as np  # noqa: E402
import sim_probes as sp  # noqa: E402

import lava_sd  # noqa: E402

FORKS = [0]
os.register_at_fork(before=lambda: FORKS.__setitem__(0, FORKS[0] + 1))


def head(exc: BaseException | None, width: int = 110) -> str:
    if exc is None:
        return "no error"
    text = f"{type(exc).__name__}: {exc}".split("\n")[0]
    return text if len(text) <= width else text[: width - 3] + "..."


def interrupt_after(seconds: float) -> threading.Timer:
    """KeyboardInterrupt in the main thread after ``seconds`` (bounds probes that would run on)."""
    import _thread

    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.daemon = True
    timer.start()
    return timer


class Probe:
    """Runs one call, records time to error, error, new processes, leftover segments."""

    def __init__(self, shm: sp.ShmLog) -> None:
        self.shm = shm
        self.rows: list[dict] = []

    def call(self, key: str, label: str, fn, settle: float = 2.0, bound: float | None = None):
        seen_shm = set(self.shm.names())
        forks_before = FORKS[0]
        since = sp.now_since_boot()
        timer = interrupt_after(bound) if bound else None
        started = time.monotonic()
        error: BaseException | None = None
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001
            error = exc
        elapsed = time.monotonic() - started
        if timer:
            timer.cancel()
        time.sleep(settle)
        bounded = bound is not None and isinstance(error, KeyboardInterrupt)
        row = {
            "item": key,
            "probe": label,
            "seconds": round(elapsed, 3),
            "error": head(error)
            + (f" (still running after {bound:g} s: interrupted)" if bounded else ""),
            "forked": FORKS[0] - forks_before,
            "processes_left": len(sp.my_simulation_processes(since)),
            "zombies": len(sp.zombie_children()),
            "shm_left": len([n for n in self.shm.leftover() if n not in seen_shm]),
        }
        self.rows.append(row)
        print(json.dumps(row), flush=True)
        return error


# --- item 1: signals ----------------------------------------------------------------------------

CALLER = """
import sys, uuid
sys.path[:0] = [{here!r}, {fixtures!r}]
import lava_sd, sim_probes
log = sim_probes.ShmLog({shm!r})
print("ready", flush=True)
lava_sd.run(sim_probes.lif_chain(3), 2_000_000, timeout=3600)  # {token}
"""


def probe_signal(sig: signal.Signals, workdir: Path) -> dict:
    shm_path = workdir / f"shm_{sig.name}.log"
    code = CALLER.format(
        here=str(HERE),
        fixtures=str(ROOT / "tests" / "fixtures"),
        shm=str(shm_path),
        token=os.urandom(6).hex(),
    )
    since = sp.now_since_boot()
    caller = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert caller.stdout.readline().strip() == "ready"
    cmdline = sp._cmdline(caller.pid)  # after exec: the caller's own command line
    sp.wait_until(lambda: len(sp.simulation_processes(cmdline, since, (caller.pid,))) >= 6, 30)
    time.sleep(1.0)  # the simulation is running
    before = sp.simulation_processes(cmdline, since, (caller.pid,))
    caller.send_signal(sig)
    killed = time.monotonic()
    gone, alive_at_2s = math.inf, None
    while time.monotonic() < killed + 12:
        alive = sp.simulation_processes(cmdline, since, (caller.pid,))
        if not alive and not math.isfinite(gone):
            gone = time.monotonic() - killed
        if alive_at_2s is None and time.monotonic() >= killed + 2.0:
            alive_at_2s = alive
        if alive_at_2s is not None and math.isfinite(gone):
            break
        time.sleep(0.02)
    caller.wait(30)
    log = sp.ShmLog.__new__(sp.ShmLog)
    log.path = shm_path
    shm_left_2s = len(log.leftover())
    for line in sp.simulation_processes(cmdline, since, (caller.pid,)):  # leave nothing running
        try:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass
    row = {
        "item": "1",
        "probe": f"{sig.name} to a caller running a 2e6-step simulation",
        "seconds": round(gone, 2) if math.isfinite(gone) else "> 12",
        "error": f"caller exit {caller.returncode}; {len(before)} simulation processes before; "
        "s = until none was alive",
        "forked": "",
        "processes_left": len(alive_at_2s or []),
        "zombies": "",
        "shm_left": shm_left_2s,
    }
    print(json.dumps(row), flush=True)
    return row


# --- item 4: threads ----------------------------------------------------------------------------


def probe_threads(probe: Probe) -> None:
    results: list[str] = []
    max_zombies = [0]
    done = threading.Event()

    def worker() -> None:
        for _ in range(6):
            try:
                out = lava_sd.run(sp.lif_chain(3), 20, timeout=120)
                results.append("ok" if out["v"].shape == (3,) else "wrong shape")
            except Exception as exc:  # noqa: BLE001
                results.append(head(exc, 60))

    def watch() -> None:
        while not done.is_set():
            max_zombies[0] = max(max_zombies[0], len(sp.zombie_children()))
            time.sleep(0.05)

    def both() -> None:
        watcher = threading.Thread(target=watch)
        watcher.start()
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done.set()
        watcher.join()
        bad = [r for r in results if r != "ok"]
        if bad:
            raise RuntimeError(f"{len(bad)} of {len(results)} runs failed, e.g. {bad[0]}")

    error = probe.call("4", "2 threads x 6 runs", both)
    probe.rows[-1]["error"] = f"{results.count('ok')}/12 ok; max zombies {max_zombies[0]}" + (
        f"; {head(error, 70)}" if error else ""
    )


# --- item 2: failure placement ------------------------------------------------------------------


def probe_placements(probe: Probe, tries: int) -> None:
    for name, (graph, backend, cls, text) in sp.PLACEMENTS.items():
        named, times, example = [0], [], [None]

        def many(
            graph=graph,
            backend=backend,
            cls=cls,
            text=text,
            named=named,
            times=times,
            example=example,
        ) -> None:
            for _ in range(tries):
                started = time.monotonic()
                try:
                    lava_sd.run(graph(), 10, backend=backend, timeout=10)
                    error = None
                except Exception as exc:  # noqa: BLE001
                    error = exc
                times.append(time.monotonic() - started)
                ok = cls in (getattr(error, "process", None) or "") and text in str(error)
                named[0] += ok
                if example[0] is None or not ok:
                    example[0] = error

        probe.call("2", f"fails: {name} ({tries} tries, timeout=10)", many)
        probe.rows[-1]["seconds"] = round(float(np.median(times)), 3)
        probe.rows[-1]["error"] = (
            f"named with original error {named[0]}/{tries}; e.g. {head(example[0], 80)}"
        )


# --- item 5: /dev/shm ---------------------------------------------------------------------------


def probe_shm(probe: Probe) -> None:
    def failures() -> None:
        for _ in range(5):
            try:
                lava_sd.run(sp.middle_boom(), 10, timeout=30)
            except lava_sd.SimulationError:
                pass

    def timeouts() -> None:
        for _ in range(3):
            try:
                lava_sd.run(sp.middle_boom(hang=True), 10, timeout=2)
            except lava_sd.SimulationTimeout:
                pass

    def interrupts() -> None:
        for _ in range(3):
            timer = interrupt_after(1.5)
            try:
                lava_sd.run(sp.lif_chain(3), 1_000_000, timeout=600)
            except KeyboardInterrupt:
                pass
            finally:
                timer.cancel()

    probe.call("5", "5 failed runs", failures)
    probe.call("5", "3 timed-out runs (timeout=2)", timeouts)
    probe.call("5", "3 runs interrupted (KeyboardInterrupt after 1.5 s)", interrupts)


# --- item 3, 7: bad inputs ----------------------------------------------------------------------


def probe_inputs(probe: Probe, workdir: Path) -> None:
    from lava_sd.checks import as_array

    probe.call(
        "3",
        "reading back a Var fails (timeout=10)",
        lambda: lava_sd.run(sp.reshaper(), 5, timeout=10),
    )
    for value in (math.nan, None, math.inf):
        probe.call("7", f"run(num_steps={value})", lambda v=value: lava_sd.run(sp.lif_chain(), v))
    for value in (math.nan, "10", 0, -1):
        probe.call(
            "7",
            f"run(timeout={value!r})",
            lambda v=value: lava_sd.run(sp.lif_chain(), 5, timeout=v),
        )
    for steps in (4_000_000, 1_000_000_000):
        probe.call(
            "7",
            f"run(num_steps={steps:.0e}) without timeout",
            lambda s=steps: lava_sd.run(sp.lif_chain(), s),
            bound=5.0,
        )

    def twice() -> None:
        outputs = sp.lif_chain()
        first = lava_sd.run(outputs, 7)["v"]
        second = lava_sd.run(outputs, 7)["v"]
        if not np.array_equal(first, second):
            raise AssertionError(f"second run differs: {first} vs {second}")

    probe.call("7", "run the same graph twice", twice)

    from scipy.io import wavfile

    wav = workdir / "truncated.wav"
    wavfile.write(wav, 16000, np.zeros(16000, dtype=np.int16))
    wav.write_bytes(wav.read_bytes()[:20000])

    def read_truncated() -> None:
        from lava_sd.data.features import read_wav

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            samples, _ = read_wav(wav)
        raise AssertionError(
            f"returned {samples.size} samples; warnings: "
            + "; ".join(f"{w.category.__name__}" for w in caught)
        )

    probe.call("7", "read_wav(truncated file)", read_truncated, settle=0)

    mixed = workdir / "mixed_rates"
    for label, rate in (("yes", 16000), ("no", 8000)):
        (mixed / label).mkdir(parents=True)
        tone = (8000 * np.sin(np.arange(rate) * 0.05)).astype(np.int16)
        wavfile.write(mixed / label / "a.wav", rate, tone)

    def load_mixed() -> None:
        from lava_sd.data.speech_commands import load_speech_commands

        data = load_speech_commands(mixed)
        raise AssertionError(f"loaded {len(data['train'])} recordings of 16 and 8 kHz silently")

    probe.call("7", "load_speech_commands(16 kHz and 8 kHz files)", load_mixed, settle=0)
    for value in (1 + 2j, np.array([1 + 1j, 2]), "1.5", ["1", "2"]):

        def convert(v=value) -> None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = as_array("probe", "value", v)
            raise AssertionError(
                f"returned {out!r}; warnings: {[w.category.__name__ for w in caught]}"
            )

        probe.call("7", f"as_array({value!r})", convert, settle=0)


# --- item 8: command line -----------------------------------------------------------------------

CLI_CASES = [
    ["-m", "lava_sd.cli", "demo", "sigma-delta", "--bogus-flag"],
    ["-m", "lava_sd.cli", "bench", "sigma-delta-speed", "--steps", "-5"],
    ["-m", "lava_sd.cli", "bench", "har", "--help"],
    ["-m", "lava_sd.bench.audio_digits", "--help"],
    ["-m", "lava_sd.bench.sigma_delta_speed", "--steps", "0"],
]


def probe_cli(rows: list[dict], workdir: Path) -> None:
    for args in CLI_CASES:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            cwd=workdir,
            timeout=600,
            check=False,
        )
        err = [line for line in done.stderr.splitlines() if line.strip()]
        out = [line for line in done.stdout.splitlines() if line.strip()]
        first_out = out[0][:60] if out else "(no output)"
        row = {
            "item": "8",
            "probe": ("lava-sd " + " ".join(args[2:]))
            if args[1] == "lava_sd.cli"
            else "python " + " ".join(args),
            "seconds": round(time.monotonic() - started, 2),
            "error": f"exit {done.returncode}; stderr: {err[-1][:70] if err else '(none)'}; "
            f"stdout: {first_out}; traceback: {'Traceback' in done.stderr}",
            "forked": "",
            "processes_left": "",
            "zombies": "",
            "shm_left": "",
        }
        rows.append(row)
        print(json.dumps(row), flush=True)


def markdown(rows: list[dict]) -> str:
    lines = [
        "| item | probe | s | error | forks | procs left | zombies | /dev/shm left |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        error = str(r["error"]).replace("|", "\\|")
        lines.append(
            f"| {r['item']} | {r['probe']} | {r['seconds']} | {error} | {r['forked']} "
            f"| {r['processes_left']} | {r['zombies']} | {r['shm_left']} |"
        )
    return "\n".join(lines)


def compare(before: list[dict], after: list[dict]) -> str:
    """One table from two runs of this script: probe -> before -> after."""
    lines = [
        "| item | probe | before: s | before: error | before: procs left / shm left "
        "| after: s | after: error | after: procs left / shm left |",
        "|---|---|---|---|---|---|---|---|",
    ]
    old = {(r["item"], r["probe"]): r for r in before}
    for r in after:
        b = old.get((r["item"], r["probe"]), {})

        def cells(row: dict) -> str:
            if not row:
                return " | | "
            error = str(row["error"]).replace("|", "\\|")
            left = f"{row['processes_left']} / {row['shm_left']}".strip(" /")
            return f"{row['seconds']} | {error} | {left}"

        lines.append(f"| {r['item']} | {r['probe']} | {cells(b)} | {cells(r)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", nargs="+", default=["1", "2", "3", "4", "5", "7", "8"])
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
        help="print one table from two --out files (several files each: join them with +)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.compare:
        rows = []
        for path in args.compare:  # a probe found in several files: the first file wins
            unique: dict[tuple, dict] = {}
            for part in str(path).split("+"):
                for row in json.loads(Path(part).read_text()):
                    unique.setdefault((row["item"], row["probe"]), row)
            rows.append(list(unique.values()))
        print(compare(*rows))
        return
    print(f"lava_sd from {lava_sd.__file__}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        shm = sp.ShmLog(workdir / "shm.log")
        probe = Probe(shm)
        rows = probe.rows
        if "1" in args.only:
            for sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGINT):
                rows.append(probe_signal(sig, workdir))
        if "2" in args.only:
            probe_placements(probe, args.tries)
        if "4" in args.only:
            probe_threads(probe)
        if "5" in args.only:
            probe_shm(probe)
        if "3" in args.only or "7" in args.only:
            probe_inputs(probe, workdir)
        if "8" in args.only:
            probe_cli(rows, workdir)
        shm.close()
    print(markdown(rows))
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
