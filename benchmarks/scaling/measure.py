"""Wall time of data-parallel training (torchrun, 1 vs 2 ranks) and of sharded Lava evaluation
(Ray, 1 vs 2 workers) on this machine, for docs/scaling.md.

Usage: ``python benchmarks/scaling/measure.py [--train 3000 --test 4000 --steps 32 --epochs 3
--hidden 64 --batch 64 --parts train eval --out benchmarks/results/scaling.json]``.

Every timing is one run of a shell command (printed) or of ``evaluate(..., shards=N)`` on a Ray
cluster started before the clock, with the CPU seconds of the processes it waited for and the
machine's load average before it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parents[1] / "results" / "scaling.json"


def toy(rng: np.random.Generator, n: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Three classes (a ramp up, down or a bump in channel 0, its negative in channel 1) in
    noise, 4 channels (the generator of tests/fixtures/toy_data.py)."""
    label = rng.integers(0, 3, n)
    t = np.linspace(-1, 1, steps)
    base = np.stack([t, -t, 1 - 2 * t**2])[label]
    x = np.stack([base, -base, rng.normal(0, 1, (n, steps)), rng.normal(0, 1, (n, steps))], 1)
    x = 5 + 3 * (x + rng.normal(0, 0.3, x.shape))
    return x.astype(np.float32), np.array(["up", "down", "bump"])[label]


def timed(command: list[str], cwd: Path) -> dict:
    """Run ``command``; its wall time, the CPU seconds of all its processes, the machine's load
    average before it, the command line."""
    load = os.getloadavg()[0]
    print("$", " ".join(command), flush=True)
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"failed:\n{done.stderr[-3000:]}")
    print(f"  {seconds:.1f} s, {cpu:.1f} CPU s (load average before: {load:.2f})", flush=True)
    return {"command": " ".join(command), "seconds": seconds, "cpu_seconds": cpu,
            "load_before": load, "stdout": done.stdout[-500:]}  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=3000, help="training samples")
    parser.add_argument("--test", type=int, default=4000, help="test samples")
    parser.add_argument("--steps", type=int, default=32, help="time steps per sample")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64, help="the global batch size")
    parser.add_argument("--parts", nargs="+", default=["train", "eval"], choices=("train", "eval"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    results: dict = {"machine": {"cpus": os.cpu_count()},
                     "args": {**vars(args), "out": str(args.out)}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="lava_sd_scaling_") as folder:
        root = Path(folder)
        x, y = toy(rng, args.train + args.test, args.steps)
        np.savez(root / "train.npz", x=x[: args.train], y=y[: args.train])
        np.savez(root / "test.npz", x=x[args.train :], y=y[args.train :])
        common = ["--model", "lif", "--data", "train.npz", "--hidden", str(args.hidden),
                  "--epochs", str(args.epochs), "--option", f"batch_size={args.batch}"]  # fmt: skip
        py = sys.executable
        if "train" in args.parts:
            results.update(_train(root, py, common))
        else:  # a model to evaluate
            timed([py, "-m", "lava_sd.commands.train", *common, "--out", "one.npz"], root)
        if "eval" in args.parts:
            results.update(_eval(root, py))
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


def _train(root: Path, py: str, common: list[str]) -> dict:
    """One process, torchrun with 1 and with 2 ranks, the same training."""
    torchrun = [py, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node"]
    module = ["-m", "lava_sd.commands.train"]
    train = {
        "one process": timed([py, *module, *common, "--out", "one.npz"], root),
        "torchrun, 1 rank": timed([*torchrun, "1", *module, "--distributed", *common,
                                   "--out", "r1.npz"], root),
        "torchrun, 2 ranks": timed([*torchrun, "2", *module, "--distributed", *common,
                                    "--out", "r2.npz"], root),
    }  # fmt: skip
    inside = {name: _train_seconds(root / f"{name}.npz") for name in ("one", "r1", "r2")}
    return {"train": train, "train_seconds_inside_fit": inside}


def _eval(root: Path, py: str) -> dict:
    """The eval command in one process and with 1 and 2 shards (each starting a local Ray),
    then evaluate(shards=1, 2) on a running Ray."""
    evaluate = [py, "-m", "lava_sd.commands.evaluate", "--model", "one.npz", "--data",
                "test.npz", "--backend", "fixed"]  # fmt: skip
    cli = {
        "one process": timed(evaluate, root),
        "--shards 1 (starts a local Ray)": timed([*evaluate, "--shards", "1"], root),
        "--shards 2 (starts a local Ray)": timed([*evaluate, "--shards", "2"], root),
    }
    return {"eval_cli": cli, "eval_ray_running": _on_running_ray(root)}


def _train_seconds(path: Path) -> float:
    from lava_sd.checkpoint import read_header

    return float(read_header(path)["training"]["train_seconds"])


def _on_running_ray(root: Path) -> dict:
    """``evaluate(..., shards=N)`` for N = 1, 2 on a Ray cluster started before the clock (its
    own process: no Lava run in this process while it is a Ray driver)."""
    code = """
import json, os, time, ray, numpy as np
from lava_sd.torch.classifier import load
from lava_sd.torch.predict import evaluate
ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
model = load("one.npz")
with np.load("test.npz") as d:
    x, y = d["x"], d["y"]
out = {}
for shards in (1, 2, 1, 2):
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    report = evaluate(model, x, y, backend="fixed", shards=shards)
    out.setdefault(str(shards), []).append({
        "seconds": time.perf_counter() - started, "load_before": load_before,
        "shard_seconds": [s["seconds"] for s in report["shards"]],
        "shard_cpu_seconds": [s["cpu_seconds"] for s in report["shards"]],
        "lava_seconds": [s["lava_seconds"] for s in report["shards"]],
        "accuracy": report["accuracy"]})
print(json.dumps(out))
"""
    print("$ python -c <evaluate(..., shards=1, 2, 1, 2) on ray.init(num_cpus=2)>", flush=True)
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1), flush=True)
    return result


if __name__ == "__main__":
    main()
