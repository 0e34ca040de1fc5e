"""The spread over training seeds of one training option against the plain training.

``lava-sd bench qat`` and ``lava-sd bench activity`` train one network per cell from the
benchmark seed; one spoken-digit test recording is 0.17 points, so a cell cannot tell a real
cost from a lucky seed. This bench trains, per model and seed (default 0, 1, 2), with the
model's spoken-digit preset and ``lava_sd.fit`` as those benches do, two networks:

- ``--option weight_bits=B`` (default ``weight_bits=4``; models ALIF, spiking LSTM, EGRU, the
  three of issue 18's 4-bit target): the float network (the model's ``qat_options``) and the
  network trained quantization-aware at B bits; seed 0's B-bit network is ``lava-sd bench
  qat``'s checkpoint;
- ``--option activity_penalty=W`` (models: the ΣΔ-lpRNN): the plain training and the one
  with ``activity_penalty=W`` (synaptic operations per dense MAC); seed 0's penalised network
  is ``lava-sd bench activity``'s test-split checkpoint.

Both are scored on the 600 test recordings in torch and Lava fixed point (accuracy, synaptic
operations per dense MAC: ``lava_sd.bench.activity.score``), with the compared network's Lava
fixed accuracy minus the reference's torch accuracy, and the mean and sample standard
deviation of each figure over the seeds. Checkpoints:
``benchmarks/checkpoints/seeds/audio_digits_<model>_<tag>_s<seed>.npz`` (``--train-missing``;
tags ``float``, ``plain``, ``w<B>``, ``p<W>``). Writes
``benchmarks/results/seeds_audio_digits_<option>_<value>.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.activity import MEASURE, score
from lava_sd.bench.activity import checkpoint as activity_checkpoint
from lava_sd.bench.common import RESULTS, SEED, write_json
from lava_sd.bench.qat import CHECKPOINTS, DATA, Data, QatRow, fit_and_save
from lava_sd.commands.arguments import positive_int
from lava_sd.registry import REGISTRY

BENCHMARK = "audio_digits"
SEEDS = (0, 1, 2)
MODELS = {"weight_bits": ("alif", "spiking_lstm", "egru"), "activity_penalty": ("lprnn",)}
SUMMARY = ("reference_acc_torch", "reference_acc_lava_fixed", "reference_synops_per_dense_mac",
           "compared_acc_torch", "compared_acc_lava_fixed", "compared_synops_per_dense_mac",
           "compared_lava_fixed_minus_reference_torch")  # fmt: skip


def parse_option(text: str) -> tuple[str, float]:
    """``"weight_bits=4"`` -> ``("weight_bits", 4)``; ``"activity_penalty=0.3"`` likewise."""
    key, _, value = text.partition("=")
    try:
        number = int(value) if key == "weight_bits" else float(value)
    except ValueError:
        number = None
    if key not in MODELS or number is None or number <= 0:
        raise argparse.ArgumentTypeError(
            f"give weight_bits=B (B in 2..8) or activity_penalty=W (W > 0), got {text!r}"
        )
    return key, number


def tags(key: str, value: float) -> tuple[str, str]:
    """The reference's and the compared network's checkpoint tags."""
    if key == "weight_bits":
        return "float", f"w{value}"
    return "plain", f"p{value:g}"


def checkpoint(row: QatRow, key: str, value: float, compared: bool, seed: int,
               directory: Path) -> Path:  # fmt: skip
    """Where a network of this study lives: seed 0's compared one is the other bench's."""
    if compared and seed == SEED:
        if key == "weight_bits":
            return row.checkpoint(directory, int(value))
        return activity_checkpoint(directory, row, "test", value)
    tag = tags(key, value)[compared]
    return directory / "seeds" / f"{row.benchmark}_{row.spec.name}_{tag}_s{seed}.npz"


def fit_settings(row: QatRow, key: str, value: float, compared: bool) -> dict[str, Any]:
    """The ``fit`` options of the reference (``compared=False``) or the compared network."""
    if key == "weight_bits":
        return {"weight_bits": int(value)} if compared else dict(row.spec.qat_options)
    return {"activity_penalty": value, "activity_measure": MEASURE} if compared else {}


def evaluate_seed(reference: Path, compared: Path, data: Data) -> dict[str, Any]:
    """Both networks scored (``activity.score``, without the training logs) and the compared
    network's Lava fixed accuracy minus the reference's torch accuracy."""
    from lava_sd.torch.classifier import load

    entry: dict[str, Any] = {}
    for name, path in (("reference", reference), ("compared", compared)):
        scores = score(load(path), data)
        scores.pop("activity")
        entry.update({f"{name}_{k}": v for k, v in scores.items()})
    entry["compared_lava_fixed_minus_reference_torch"] = (
        entry["compared_acc_lava_fixed"] - entry["reference_acc_torch"]
    )
    return entry


def summary(seeds: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation (``ddof = 1``; 0 for one seed) of ``SUMMARY``."""
    out = {}
    for key in SUMMARY:
        values = np.array([entry[key] for entry in seeds.values()], dtype=float)
        spread = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        out[key] = {"mean": float(values.mean()), "std": spread}
    return out


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench seeds``."""
    parser = argparse.ArgumentParser(prog="lava-sd bench seeds",
                                     description=__doc__.split("\n")[0])  # fmt: skip
    parser.add_argument(
        "--option", type=parse_option, default=("weight_bits", 4),
        help="weight_bits=B or activity_penalty=W (default weight_bits=4)",
    )  # fmt: skip
    parser.add_argument("--models", nargs="+", choices=list(REGISTRY), default=None,
                        help="default: the option's models (see the module docstring)")  # fmt: skip
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--train-missing", action="store_true",
                        help="train the checkpoints not there yet")  # fmt: skip
    parser.add_argument("--no-eval", action="store_true", help="train only; write nothing")
    parser.add_argument("--epochs", type=positive_int, default=None, help="override the epochs")
    parser.add_argument("--n-test", type=positive_int, default=None, help="the first N only")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument(
        "--out", type=Path, default=None,
        help="default: benchmarks/results/seeds_audio_digits_<option>_<value>.json",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    """``lava-sd bench seeds [--option KEY=VALUE] [--models ...] [--seeds ...]
    [--train-missing] [--no-eval]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    key, value = args.option
    if key == "weight_bits" and not 2 <= value <= 8:
        raise SystemExit("lava-sd bench seeds: weight_bits must be in 2..8.")
    data = DATA[BENCHMARK]().first(args.n_test)
    overrides = {} if args.epochs is None else {"epochs": args.epochs, "finetune_epochs": 0}
    entries = {}
    for name in args.models or MODELS[key]:
        row = QatRow(REGISTRY[name], BENCHMARK)
        seeds = {}
        for seed in args.seeds:
            paths = [checkpoint(row, key, value, c, seed, args.checkpoints) for c in (False, True)]
            for compared, path in enumerate(paths):
                if args.train_missing and not path.is_file():
                    tag = tags(key, value)[compared]
                    command = (f"lava-sd bench seeds --option {key}={value:g} --models {name} "
                               f"--seeds {seed} --train-missing --no-eval")  # fmt: skip
                    print(f"== {name} {tag} seed {seed}: training ==", flush=True)
                    settings = {**fit_settings(row, key, value, bool(compared)), **overrides}
                    fit_and_save(row, data, path, settings, command, progress=True, seed=seed)
            if args.no_eval:
                continue
            missing = [str(p) for p in paths if not p.is_file()]
            if missing:
                raise SystemExit(f"lava-sd bench seeds: no checkpoint {missing}; add "
                                 "--train-missing to train it.")  # fmt: skip
            entry = seeds[str(seed)] = evaluate_seed(*paths, data)
            print(
                f"{name} seed {seed}: reference torch {100 * entry['reference_acc_torch']:.2f} %;"
                f" {tags(key, value)[1]}: Lava fixed {100 * entry['compared_acc_lava_fixed']:.2f}"
                f" %, {entry['compared_synops_per_dense_mac']:.2f}x dense MACs",
                flush=True,
            )
        if seeds:
            entries[name] = {"seeds": seeds, "summary": summary(seeds)}
    if args.no_eval:
        return None
    report = {
        "benchmark": "seeds",
        "data": f"spoken digits, {len(data.test[2])} test recordings",
        "command": " ".join(["lava-sd bench seeds", *argv]),
        "option": {key: value},
        "reference": tags(key, value)[0],
        "models": entries,
    }
    out = args.out or RESULTS / f"seeds_{BENCHMARK}_{key}_{value:g}.json"
    write_json(out, report)
    print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main()
