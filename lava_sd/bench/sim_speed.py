"""Simulation speed of the spoken-digits ΣΔ-lpRNN: batched Lava, the numpy floor, Lava built-ins.

One run measures the cost per sample per step (µs) of the shipped network (13 -> ΣΔ 64 ->
recurrent ΣΔ 64, ``lava_sd/weights/audio_digits_lprnn.npz``) on the first test recordings,
``--frames`` MFCC frames each (8 SNN steps per frame, plus the 4-step readout offset):

(a) ``lava_sd`` in Lava ``fixed_pt`` at each ``--batches`` size: a ring-buffer source and one
    process per layer; ``seconds_run`` (Lava's ``run()`` only) / steps / batch;
(b) the numpy floor: the same integer network as a plain numpy loop, batched, calling the same
    functions as the Lava models (``lava_sd.simulate``); at every batch size it must give
    the same spike counts and readout sums as (a), or the run fails;
(c) the closest network of Lava's built-in processes, one sample at a time (Lava's ``Dense``
    and ``LIF`` take no batch axis): source -> Dense -> LIF -> Dense -> LIF with a recurrent
    Dense, the same sizes, converted integer weights and steps (``BUILTIN_NOTE``).

Each timing is the best of ``--repeats`` runs (the machine may be shared; every raw value is in
the JSON). Writes ``benchmarks/results/sim_speed.json`` with ``ratio_vs_numpy_floor_b256``
(a at the largest batch / b at that batch) and ``speedup_vs_builtin_b1`` (c / a at the largest
batch, per sample), and a plot of the cost per sample-step against the batch size.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.commands.arguments import positive_int
from lava_sd.network import Network, NetworkOutput
from lava_sd.run import run
from lava_sd.simulate import SimulationResult, simulate

RESULTS = Path("benchmarks/results")
TARGETS = {"ratio_vs_numpy_floor_b256": ("<=", 3.0), "speedup_vs_builtin_b1": (">=", 50.0)}
FLOOR_REPEATS_MIN = 3  # the floor is cheap: always take the best of at least 3 runs
BUILTIN_NOTE = (
    "RingBuffer -> Dense(W0, graded) -> LIF -> Dense(W1) -> LIF, plus a recurrent Dense(U) from "
    "the second LIF to itself: 6 Lava processes for 2 layers (lava_sd: 3), the same sizes, "
    "converted integer weights and steps. LIF(du = du_in, dv = D of du_ip, the same bias, vth = "
    "one ΣΔ quantum |w_fb| >> 6) keeps the lpRNN's two low-pass stages but not the rest: it "
    "resets instead of the ΣΔ negative feedback (its spikes do not encode the value), is not "
    "rectified, receives int16 input (wraps), each Dense adds a one-step delay, and there is no "
    "frame readout; it is comparable in cost (processes, sizes, steps, activity), not accuracy."
)


def builtin_graph(net: Network, sample: np.ndarray) -> tuple[Any, list[Any]]:
    """Lava built-in network for one sample's SNN input ``(13, T)`` (``BUILTIN_NOTE``).

    Returns ``(a process of the graph, the LIF populations)``.
    """
    from lava.proc.dense.process import Dense
    from lava.proc.io.source import RingBuffer as Source
    from lava.proc.lif.process import LIF

    source = Source(data=sample)
    sender, lifs = source.s_out, []
    for layer in net.layers:
        p = layer.fixed_params
        dense = Dense(
            weights=p["weights"],
            weight_exp=int(p["weight_exp"]),
            num_message_bits=int(p.get("num_message_bits", 0)),
        )
        lif = LIF(
            shape=(layer.n,),
            du=int(np.max(p["du_in"])),
            dv=int(np.max(p["du_ip"])) + 1,
            vth=int(np.max(np.abs(p["w_fb"]))) >> 6,
            bias_mant=p["bias_mant"],
            bias_exp=p["bias_exp"],
        )
        sender.connect(dense.s_in)
        dense.a_out.connect(lif.a_in)
        if "rec_weights" in p:
            rec = Dense(weights=p["rec_weights"], weight_exp=int(p["weight_exp"]))
            lif.s_out.connect(rec.s_in)
            rec.a_out.connect(lif.a_in)
        sender = lif.s_out
        lifs.append(lif)
    return source, lifs


def builtin_spike_rate(net: Network, sample: np.ndarray) -> float:
    """Spikes per neuron per step of the built-in network (an untimed run with sinks)."""
    from lava.proc.io.sink import RingBuffer as Sink

    _, lifs = builtin_graph(net, sample)
    steps = sample.shape[-1]
    sinks = [Sink(shape=lif.s_out.shape, buffer=steps) for lif in lifs]
    for lif, sink in zip(lifs, sinks, strict=True):
        lif.s_out.connect(sink.a_in)
    result = run({f"s{i}": sink.data for i, sink in enumerate(sinks)}, steps, backend="fixed")
    total = sum(float(result[f"s{i}"].sum()) for i in range(len(sinks)))
    return total / (steps * sum(lif.s_out.shape[0] for lif in lifs))


def load_network() -> tuple[Network, np.ndarray, np.ndarray]:
    """The shipped quantized network, converted, and the padded test set ``(x, lengths)``."""
    from lava_sd.bench.audio_digits import BENCHMARK, tensors
    from lava_sd.bench.common import SEED, WEIGHTS_DIR
    from lava_sd.data import load_spoken_digits
    from lava_sd.torch.classifier import load
    from lava_sd.torch.convert import convert

    net = convert(load(WEIGHTS_DIR / f"{BENCHMARK}_lprnn.npz"))
    x, lengths, _ = (t.numpy() for t in tensors(load_spoken_digits(seed=SEED).test))
    return net, x, lengths


def recordings(
    x: np.ndarray, lengths: np.ndarray, batch: int, frames: int
) -> tuple[np.ndarray, np.ndarray]:
    """The first ``batch`` recordings cut to their first ``frames`` frames."""
    if not 1 <= batch <= len(lengths):
        raise ValueError(f"batch must be in 1..{len(lengths)} (test recordings), got {batch}.")
    return x[:batch, :, :frames], np.minimum(lengths[:batch], frames)


def measure_lava(
    net: Network, x: np.ndarray, lengths: np.ndarray, repeats: int
) -> tuple[dict[str, Any], NetworkOutput]:
    """(a): ``repeats`` Lava fixed_pt runs of one batch; returns timings and the last output."""
    outputs = [net.run(x, lengths, backend="fixed") for _ in range(repeats)]
    seconds = [out.run.seconds_run for out in outputs]
    return _timing(seconds, outputs[-1].run.num_steps, len(lengths)), outputs[-1]


def measure_floor(
    net: Network, x: np.ndarray, lengths: np.ndarray, repeats: int
) -> tuple[dict[str, Any], SimulationResult]:
    """(b): ``repeats`` numpy floor runs of one batch with BLAS at its default thread count and
    as many at one thread (as in the Lava layers); the best of all is the floor."""
    from threadpoolctl import threadpool_limits

    default = [simulate(net, x, lengths) for _ in range(repeats)]
    with threadpool_limits(limits=1, user_api="blas"):
        single = [simulate(net, x, lengths) for _ in range(repeats)]
    steps = x.shape[-1] * net.frame_steps + net.frame_offset
    timing = _timing([r.seconds for r in default + single], steps, len(lengths))
    timing.update(
        seconds_blas_default_threads=[r.seconds for r in default],
        seconds_blas_one_thread=[r.seconds for r in single],
    )
    return timing, single[-1]


def measure_builtin(
    net: Network, x: np.ndarray, lengths: np.ndarray, samples: int
) -> dict[str, Any]:
    """(c): one Lava run of the built-in network per sample; best per sample-step cost."""
    data = net.input_data(np.asarray(x[:samples]), "fixed")
    seconds = []
    for sample in data:
        root, _ = builtin_graph(net, sample)
        seconds.append(run({"v": root.data}, sample.shape[-1], backend="fixed").seconds_run)
    timing = _timing(seconds, data.shape[-1], 1)
    timing.update(
        samples=len(data),
        processes=count_processes(root),
        spikes_per_neuron_step=builtin_spike_rate(net, data[0]),
        description=BUILTIN_NOTE,
    )
    return timing


def count_processes(process: Any) -> int:
    """Number of Lava processes in the graph connected to ``process``."""
    from lava.magma.compiler.compiler_graphs import find_processes

    return len(find_processes(process))


def _timing(seconds: list[float], steps: int, batch: int) -> dict[str, Any]:
    per_sample_step = [1e6 * s / steps / batch for s in seconds]
    return {
        "batch": batch,
        "steps": steps,
        "seconds": seconds,
        "us_per_sample_step": min(per_sample_step),
        "us_per_sample_step_median": float(np.median(per_sample_step)),
        "ms_per_step": 1e3 * min(seconds) / steps,
    }


def check_same_network(lava: NetworkOutput, floor: SimulationResult, batch: int) -> None:
    """Raise unless the numpy floor and Lava counted the same spikes in every layer and decoded
    the same readout sums: then they ran the same network."""
    pairs = [
        (f"layer {i} spike counts", a, b)
        for i, (a, b) in enumerate(zip(lava.spikes, floor.spikes, strict=True))
    ]
    pairs.append(("readout sums", lava.run["readout_sum"], floor.readout_sums[-1]))
    for what, a, b in pairs:
        if not np.array_equal(np.asarray(a), b):
            raise AssertionError(
                f"numpy floor and Lava fixed_pt differ in their {what} at batch {batch}; they "
                "must compute the same network."
            )


def run_benchmark(
    batches: list[int], frames: int, repeats: int, builtin_samples: int
) -> dict[str, Any]:
    """Measure (a), (b) and (c) and derive the two ratios; returns the report dict."""
    net, x_all, lengths_all = load_network()
    lava_rows, floor_rows, activity = [], [], 0.0
    for batch in batches:
        x, lengths = recordings(x_all, lengths_all, batch, frames)
        lava, lava_out = measure_lava(net, x, lengths, repeats)
        floor, floor_run = measure_floor(net, x, lengths, max(repeats, FLOOR_REPEATS_MIN))
        check_same_network(lava_out, floor_run, batch)
        own_steps = float((lengths * net.frame_steps + net.frame_offset).sum())
        spikes = sum(float(s.sum()) for s in floor_run.spikes)
        activity = spikes / (own_steps * sum(layer.n for layer in net.layers))
        lava_rows.append(lava)
        floor_rows.append(floor)
        print(
            f"batch {batch:4d}: lava_sd fixed {lava['us_per_sample_step']:9.2f} µs/sample-step, "
            f"numpy floor {floor['us_per_sample_step']:8.2f}",
            flush=True,
        )
    x, lengths = recordings(x_all, lengths_all, builtin_samples, frames)
    builtin = measure_builtin(net, x, lengths, builtin_samples)
    print(f"built-in Dense+LIF, batch 1: {builtin['us_per_sample_step']:.2f} µs/sample-step")
    big, big_floor = lava_rows[-1], floor_rows[-1]
    ratios = {
        "ratio_vs_numpy_floor_b256": big["us_per_sample_step"] / big_floor["us_per_sample_step"],
        "speedup_vs_builtin_b1": builtin["us_per_sample_step"] / big["us_per_sample_step"],
    }
    met = {
        key: (value <= TARGETS[key][1] if TARGETS[key][0] == "<=" else value >= TARGETS[key][1])
        for key, value in ratios.items()
    }
    return {
        "benchmark": "sim_speed",
        "network": "spoken-digits ΣΔ-lpRNN (shipped weights), fixed_pt: "
        + " -> ".join(
            [str(net.layers[0].n_in)]
            + [f"{'LpRNN' if la.recurrent else 'LpLinear'} {la.n}" for la in net.layers]
        ),
        "frames": frames,
        "steps": big["steps"],
        "largest_batch": batches[-1],
        "timing": "best of the runs in 'seconds' (Lava: seconds_run, inside run() only)",
        "lava_sd_processes": count_processes(net.graph(x, lengths, "fixed")[0][0]),
        "lava_sd_fixed": lava_rows,
        "numpy_floor": floor_rows,
        "numpy_floor_equals_lava_spike_counts": True,
        "lava_sd_spikes_per_neuron_step": activity,
        "builtin_b1": builtin,
        **ratios,
        "targets": {key: f"{op} {value:g}" for key, (op, value) in TARGETS.items()},
        "targets_met": met,
    }


def plot(report: dict[str, Any], path: Path) -> None:
    """Log-log cost per sample-step against batch size, with the floor and built-in lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lava = report["lava_sd_fixed"]
    batches = [r["batch"] for r in lava]
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(batches, [r["us_per_sample_step"] for r in lava], "o-", label="lava_sd, Lava fixed_pt")
    ax.plot(
        batches,
        [r["us_per_sample_step"] for r in report["numpy_floor"]],
        ":",
        color="gray",
        label="numpy floor at each batch",
    )
    floor = report["numpy_floor"][-1]["us_per_sample_step"]
    builtin = report["builtin_b1"]["us_per_sample_step"]
    ax.axhline(floor, color="tab:green", ls="--", label=f"numpy floor, batch {batches[-1]}")
    ax.axhline(builtin, color="tab:red", ls="--", label="Lava Dense+LIF, batch 1")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("batch size (recordings per Lava run)")
    ax.set_ylabel("µs per sample per step")
    ax.set_title(
        f"ΣΔ-lpRNN, {report['steps']} steps. Batch {batches[-1]}: "
        f"{report['ratio_vs_numpy_floor_b256']:.1f}x the numpy floor,\n"
        f"{report['speedup_vs_builtin_b1']:.0f}x faster per sample than Lava built-ins at batch 1",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench speed``."""
    parser = argparse.ArgumentParser(prog="lava-sd bench speed", description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=positive_int, nargs="+", default=[1, 16, 64, 256])
    parser.add_argument("--frames", type=positive_int, default=25, help="MFCC frames per recording")
    parser.add_argument(
        "--repeats", type=positive_int, default=3, help="runs per timing (best is kept)"
    )
    parser.add_argument("--builtin-samples", type=positive_int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny batches and steps")
    parser.add_argument("--out", type=Path, default=RESULTS / "sim_speed.json")
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench speed [--batches ...] [--frames N] [--repeats N] [--quick] [--out P]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.quick:
        args.batches, args.frames, args.repeats, args.builtin_samples = [1, 4], 3, 1, 1
    load_before = os.getloadavg()
    report = run_benchmark(sorted(args.batches), args.frames, args.repeats, args.builtin_samples)
    report["command"] = " ".join(["lava-sd bench speed", *argv])
    report["machine"] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1min_before_after": [load_before[0], os.getloadavg()[0]],
    }
    for key in ("ratio_vs_numpy_floor_b256", "speedup_vs_builtin_b1"):
        ok = "met" if report["targets_met"][key] else "NOT met"
        print(f"{key} = {report[key]:.2f} (target {report['targets'][key]}: {ok})")
    from lava_sd.bench.common import write_json

    write_json(args.out, report, ensure_ascii=False)
    figure = args.out.with_suffix(".png")
    plot(report, figure)
    print(f"wrote {args.out} and {figure}")
    if not all(math.isfinite(report[key]) for key in TARGETS):
        raise RuntimeError("sim_speed: a ratio is not finite; see the raw timings in the JSON.")
    return report


if __name__ == "__main__":
    main()
