"""Item 9 of issue 13: resident memory of the calling process over many ``lava_sd.run`` calls.

Usage (from the repository root):

    .venv/bin/python tests/reliability/rss_over_runs.py [--runs 1000] [--mode drive]
        [--tracemalloc] [--out rss.json]

Modes (each iteration builds what it needs, as a user would):

- ``drive``: ``drive(SigmaDelta(shape=(4,)), ones((4, 10)))`` (source -> ΣΔ -> sink, 3 new
  Lava processes per run);
- ``rerun``: the same graph (built once) run again and again;
- ``compile``: build the three processes and compile them, no run;
- ``construct``: build the three processes only.

Prints the least-squares slope of RSS against the run index over the runs after the first 10 %
(KiB per run), the first and last RSS, and with ``--tracemalloc`` the ten largest growths of
Python allocations between 10 % and the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source

import lava_sd
from lava_sd import SigmaDelta
from lava_sd.harness import drive

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_kib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 1024


def graph() -> tuple[Source, SigmaDelta, Sink]:
    source, neurons, sink = (
        Source(data=np.ones((4, 10))),
        SigmaDelta(shape=(4,)),
        Sink(shape=(4,), buffer=10),
    )
    source.s_out.connect(neurons.a_in)
    neurons.s_out.connect(sink.a_in)
    return source, neurons, sink


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--mode", choices=("drive", "rerun", "compile", "construct"),
                        default="drive")  # fmt: skip
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    fixed = graph()
    cfg = Loihi2SimCfg(select_tag="floating_pt")
    rss, snapshot = [], None
    warmup = max(1, args.runs // 10)
    if args.tracemalloc:
        tracemalloc.start(5)
    started = time.monotonic()
    for i in range(args.runs):
        if args.mode == "drive":
            drive(SigmaDelta(shape=(4,)), np.ones((4, 10)))
        elif args.mode == "rerun":
            lava_sd.run({"s": fixed[2].data}, 10)
        elif args.mode == "compile":
            source, _, _ = graph()
            source.compile(cfg)
        else:
            graph()
        gc.collect()
        rss.append(rss_kib())
        if args.tracemalloc and i == warmup:
            snapshot = tracemalloc.take_snapshot()
        if (i + 1) % 100 == 0:
            print(f"{i + 1} runs, RSS {rss[-1] / 1024:.1f} MiB, {time.monotonic() - started:.0f} s",
                  flush=True)  # fmt: skip
    x = np.arange(warmup, args.runs)
    slope = float(np.polyfit(x, np.array(rss[warmup:]), 1)[0]) if len(x) > 1 else float("nan")
    report = {
        "mode": args.mode,
        "runs": args.runs,
        "kib_per_run": round(slope, 2),
        "rss_first_mib": round(rss[0] / 1024, 1),
        "rss_last_mib": round(rss[-1] / 1024, 1),
        "seconds": round(time.monotonic() - started, 1),
        "python": sys.version.split()[0],
        "lava_sd": lava_sd.__file__,
    }
    print(json.dumps(report))
    if snapshot is not None:
        growth = tracemalloc.take_snapshot().compare_to(snapshot, "lineno")
        for stat in growth[:10]:
            print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  "
                  f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    main()
