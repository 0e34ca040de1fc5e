"""Choosing a model's settings for a benchmark on validation data, never on its test split.

``lava-sd bench select BENCHMARK MODEL --grid KEY=V1,V2 ...`` trains the model (``lava_sd.fit``,
from the seed, a fixed number of epochs as the benchmark trains: no early stopping on the data
that scores it) for every combination of the grid on the benchmark's validation split
(``validation_data()`` of ``lava_sd.bench.<benchmark>``: spoken digits hold out a fifth of each
digit's training recordings, the smartwatch benchmark trains on subjects 1-7 and validates on
subject 8, never reading 9 and 10), and scores each in torch and in Lava fixed point. The chosen
combination has the highest Lava fixed accuracy (ties: fewer synaptic operations). Writes
``benchmarks/results/selection_<benchmark>_<model>.json``; the model's preset then records the
choice.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.common import RESULTS, SEED, lava_entry, n_parameters, write_json
from lava_sd.checks import ParameterError
from lava_sd.registry import get_model

BENCHMARKS = ("audio_digits", "har_watch")


def parse_assignments(items: list[str], owner: str) -> dict[str, list[Any]]:
    """``["a=1,2", "b=[64]"]`` -> ``{"a": [1, 2], "b": [[64]]}`` (values are JSON; a list in
    brackets is one value)."""
    out: dict[str, list[Any]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key:
            raise ParameterError(f"{owner}: expected KEY=VALUE[,VALUE...], got {item!r}.")
        try:
            parsed = json.loads(f"[{values}]")
        except json.JSONDecodeError:
            raise ParameterError(
                f"{owner}: the values of {key!r} are not JSON: {values!r}."
            ) from None
        out[key] = parsed
    return out


def trial(
    model: str,
    preset: str | None,
    data: tuple[tuple[Any, ...], tuple[Any, ...]],
    settings: dict[str, Any],
    progress: bool,
) -> dict[str, Any]:
    """Fit ``model`` with ``settings`` on ``data[0]``; torch and Lava accuracy on ``data[1]``."""
    from lava_sd.torch.convert import convert
    from lava_sd.torch.fit import fit

    train, val = data
    started = time.perf_counter()
    fitted = fit(model, train, preset=preset, normaliser=None, seed=SEED, progress=progress,
                 **settings)  # fmt: skip
    seconds = time.perf_counter() - started
    x, lengths, y = (np.asarray(t) for t in val)
    predicted = fitted.predict(x, lengths)
    entry = {"settings": settings, "acc_torch": float((predicted == y).mean())}
    lava, _ = lava_entry(convert(fitted), x, lengths, y, progress=False)
    entry.update(
        {
            key: lava[key]
            for key in (
                "acc_lava_float",
                "acc_lava_fixed",
                "synops_per_sample",
                "activity_sparsity",
            )
        }
    )
    entry.update(n_parameters=n_parameters(fitted), train_seconds=seconds)
    return entry


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench select``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench select", description=__doc__.split("\n")[0]
    )
    parser.add_argument("benchmark", choices=BENCHMARKS)
    parser.add_argument("model", help="a registered model, e.g. l2mu")
    parser.add_argument(
        "--grid",
        nargs="+",
        default=[],
        metavar="KEY=V1,V2",
        help="settings to try (classifier options or training recipe keys)",
    )
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        dest="fixed",
        help="settings shared by every trial",
    )
    parser.add_argument("--out", type=Path, default=None, help="result file")
    parser.add_argument("--progress", action="store_true", help="show training progress bars")
    return parser  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench select BENCHMARK MODEL --grid KEY=V1,V2 ... [--set KEY=VALUE ...]``."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    spec = get_model(args.model)
    preset = args.benchmark if args.benchmark in spec.presets else None
    grid = parse_assignments(args.grid, "--grid")
    fixed = {k: v[0] for k, v in parse_assignments(args.fixed, "--set").items()}
    validation_data = importlib.import_module(f"lava_sd.bench.{args.benchmark}").validation_data
    data = validation_data()
    print(f"{args.benchmark} validation split: {len(data[0][2])} training, {len(data[1][2])} "
          f"validation samples; {int(np.prod([len(v) for v in grid.values()]))} trials",
          flush=True)  # fmt: skip
    trials = []
    for values in itertools.product(*grid.values()):
        settings = {**fixed, **dict(zip(grid, values, strict=True))}
        entry = trial(args.model, preset, data, settings, args.progress)
        trials.append(entry)
        print(
            f"{settings}: torch {entry['acc_torch']:.3f}, Lava fixed {entry['acc_lava_fixed']:.3f},"
            f" {entry['synops_per_sample']:,.0f} synops, {entry['train_seconds']:.0f} s",
            flush=True,
        )
    best = max(trials, key=lambda e: (e["acc_lava_fixed"], -e["synops_per_sample"]))
    report = {
        "benchmark": args.benchmark,
        "model": args.model,
        "split": " ".join(validation_data.__doc__.split()),
        "command": " ".join(["lava-sd bench select", *argv]),
        "criterion": "highest Lava fixed accuracy on the validation split (ties: fewer synops)",
        "trials": trials,
        "chosen": best["settings"],
    }
    out = args.out or RESULTS / f"selection_{args.benchmark}_{args.model}.json"
    write_json(out, report)
    print(f"chosen: {best['settings']}; wrote {out}")
    return report


if __name__ == "__main__":
    main()
