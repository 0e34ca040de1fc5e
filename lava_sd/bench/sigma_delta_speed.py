"""Simulation cost of one ΣΔ population per Lava step, at batch 1 and batch 256.

Measures ``seconds_run / steps`` (Lava's ``run()`` only: no compile or start-up) for the graph
source -> SigmaDelta -> sink, and for source -> sink alone, so the population's own share is
the difference. Writes ``benchmarks/results/sigma_delta_speed.json``.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import numpy as np
from lava.magma.core.process.process import AbstractProcess
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source
from tqdm.auto import tqdm

from lava_sd.bench.common import write_json
from lava_sd.commands.arguments import positive_int
from lava_sd.harness import drive
from lava_sd.models.sigma_delta.config import SigmaDeltaConfig
from lava_sd.models.sigma_delta.proc.process import SigmaDelta
from lava_sd.run import run

RESULTS = Path("benchmarks/results")


def _inputs(batch: int, n: int, steps: int, scale: int | None) -> np.ndarray:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, (batch, n, steps))
    return x if scale is None else np.round(x * scale)


def _passthrough_seconds(data: np.ndarray, backend: str) -> float:
    source, sink = Source(data=data), Sink(shape=data.shape[:-1], buffer=data.shape[-1])
    source.s_out.connect(sink.a_in)
    return run({"x": sink.data}, data.shape[-1], backend=backend).seconds_run


def measure(batch: int, n: int, steps: int, backend: str) -> dict[str, float]:
    """Milliseconds per step of source -> SigmaDelta -> sink and of source -> sink."""
    config = SigmaDeltaConfig.for_range(1.0)
    scale = None if backend == "float" else config.default_input_scale()
    params = config.float_params() if scale is None else config.fixed_params(scale)
    data = _inputs(batch, n, steps, scale)
    neurons: AbstractProcess = SigmaDelta(shape=(batch, n), **params)
    with_neurons = drive(neurons, data, backend=backend).seconds_run
    alone = _passthrough_seconds(data, backend)
    return {
        "batch": batch,
        "neurons": n,
        "steps": steps,
        "backend": backend,
        "ms_per_step_graph": 1e3 * with_neurons / steps,
        "ms_per_step_io_only": 1e3 * alone / steps,
        "ms_per_step_population": 1e3 * (with_neurons - alone) / steps,
        "us_per_sample_step": 1e6 * with_neurons / steps / batch,
    }


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench sigma-delta-speed``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench sigma-delta-speed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--steps", type=positive_int, default=1000)
    parser.add_argument("--neurons", type=positive_int, default=128)
    parser.add_argument("--batches", type=positive_int, nargs="+", default=[1, 256])
    parser.add_argument("--out", type=Path, default=RESULTS / "sigma_delta_speed.json")
    return parser


def main(argv: list[str] | None = None) -> dict:
    """Run the measurement and write the JSON (``--steps N --neurons N --batches B ...``)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    cases = [(b, backend) for b in args.batches for backend in ("float", "fixed")]
    rows = [
        measure(batch, args.neurons, args.steps, backend)
        for batch, backend in tqdm(cases, desc="sigma-delta speed")
    ]
    header = ("backend", "batch", "ms/step graph", "ms/step ΣΔ", "µs/sample-step")
    print("{:8s} {:>6s} {:>14s} {:>11s} {:>15s}".format(*header))
    for r in rows:
        print(
            f"{r['backend']:8s} {r['batch']:6d} {r['ms_per_step_graph']:14.3f} "
            f"{r['ms_per_step_population']:11.3f} {r['us_per_sample_step']:15.2f}"
        )
    report = {
        "benchmark": "sigma_delta_speed",
        "command": " ".join(["lava-sd bench sigma-delta-speed", *argv]),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "results": rows,
    }
    write_json(args.out, report)
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
