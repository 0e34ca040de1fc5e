"""The spread over training seeds of quantization-aware training's cost on spoken digits.

``lava-sd bench qat`` trains one network per model and width from the benchmark seed; one test
recording is 0.17 points, so its table cannot tell a real loss from a lucky seed. This bench
trains, per model (default: the three of issue 18's 4-bit target) and seed (default 0, 1, 2),
the float network and the network at ``--bits`` (default 4) with ``lava_sd.fit`` and the
model's spoken-digit preset, as ``lava-sd bench qat`` does (seed 0 at ``--bits`` is that
bench's checkpoint), into ``benchmarks/checkpoints/seeds/`` (``--train-missing``; file names
``audio_digits_<model>_<float|w<b>>_s<seed>.npz``), and reports per seed the float network's
torch accuracy, the QAT network's torch and Lava fixed-point accuracy on the 600 test
recordings, and their difference; then the mean and the sample standard deviation over seeds.

Writes ``benchmarks/results/qat_seeds_audio_digits.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.common import RESULTS, SEED, evaluate_lava, write_json
from lava_sd.bench.qat import (
    CHECKPOINTS,
    DATA,
    WIDTHS,
    Data,
    QatRow,
    fit_and_save,
    torch_accuracy,
)
from lava_sd.commands.arguments import positive_int
from lava_sd.registry import REGISTRY

BENCHMARK = "audio_digits"
MODELS = ("alif", "spiking_lstm", "egru")
SEEDS = (0, 1, 2)


def checkpoint(row: QatRow, bits: int | None, seed: int, directory: Path) -> Path:
    """Where the network of ``row`` at ``bits`` (``None``: float) from ``seed`` lives."""
    if bits is not None and seed == SEED:
        return row.checkpoint(directory, bits)  # lava-sd bench qat's own
    suffix = "float" if bits is None else f"w{bits}"
    return directory / "seeds" / f"{row.benchmark}_{row.spec.name}_{suffix}_s{seed}.npz"


def train(
    row: QatRow, data: Any, bits: int | None, seed: int, path: Path, **overrides: Any
) -> None:
    """``lava_sd.fit`` at ``bits`` from ``seed``, saved to ``path`` with its command."""
    options = dict(row.spec.qat_options) if bits is None else {"weight_bits": bits}
    options.update(overrides)
    width = "float" if bits is None else str(bits)
    command = (f"lava-sd bench qat-seeds --models {row.spec.name} --bits {width} --seeds {seed}"
               " --train-missing")  # fmt: skip
    print(f"== {row.spec.name} {width} seed {seed}: training ==", flush=True)
    fit_and_save(row, data, path, options, command, progress=True, seed=seed)


def evaluate_seed(float_path: Path, qat_path: Path, data: Any) -> dict[str, Any]:
    """Float torch accuracy; the QAT network's torch and Lava fixed accuracy."""
    from lava_sd.torch.classifier import load
    from lava_sd.torch.convert import convert

    x, lengths, y = data.test
    qat_model = load(qat_path)
    out = evaluate_lava(convert(qat_model), x, lengths, "fixed", progress=False)
    entry = {
        "float_acc_torch": torch_accuracy(load(float_path), data.test),
        "qat_acc_torch": torch_accuracy(qat_model, data.test),
        "qat_acc_lava_fixed": float((out["logits"].argmax(1) == y).mean()),
        "qat_overflow_steps_lava_fixed": out["overflow_steps"],
    }
    entry["lava_fixed_minus_float_torch"] = entry["qat_acc_lava_fixed"] - entry["float_acc_torch"]
    return entry


def summary(seeds: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation (``ddof = 1``; 0 for one seed) of every figure."""
    keys = [k for k in next(iter(seeds.values())) if not k.startswith("qat_overflow")]
    out = {}
    for key in keys:
        values = np.array([entry[key] for entry in seeds.values()], dtype=float)
        spread = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        out[key] = {"mean": float(values.mean()), "std": spread}
    return out


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench qat-seeds``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd bench qat-seeds", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--models", nargs="+", choices=list(REGISTRY), default=list(MODELS))
    parser.add_argument("--bits", type=int, choices=WIDTHS, default=4)
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--train-missing", action="store_true",
                        help="train the checkpoints not there yet")  # fmt: skip
    parser.add_argument("--no-eval", action="store_true", help="train only; write nothing")
    parser.add_argument("--epochs", type=positive_int, default=None, help="override the epochs")
    parser.add_argument("--n-test", type=positive_int, default=None, help="the first N only")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--out", type=Path, default=RESULTS / f"qat_seeds_{BENCHMARK}.json")
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    """``lava-sd bench qat-seeds [--models ...] [--bits B] [--seeds ...] [--train-missing]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    data = DATA[BENCHMARK]()
    if args.n_test is not None:
        data = Data(**{**data.__dict__, "test": tuple(a[: args.n_test] for a in data.test)})
    overrides = {} if args.epochs is None else {"epochs": args.epochs, "finetune_epochs": 0}
    entries = {}
    for name in args.models:
        row = QatRow(REGISTRY[name], BENCHMARK)
        seeds = {}
        for seed in args.seeds:
            paths = {
                bits: checkpoint(row, bits, seed, args.checkpoints) for bits in (None, args.bits)
            }
            for bits, path in paths.items():
                if args.train_missing and not path.is_file():
                    train(row, data, bits, seed, path, **overrides)
            if args.no_eval:
                continue
            missing = [str(p) for p in paths.values() if not p.is_file()]
            if missing:
                raise SystemExit(f"lava-sd bench qat-seeds: no checkpoint {missing}; add "
                                 "--train-missing to train it.")  # fmt: skip
            seeds[str(seed)] = evaluate_seed(paths[None], paths[args.bits], data)
            e = seeds[str(seed)]
            print(f"{name} seed {seed}: float torch {100 * e['float_acc_torch']:.2f} %, "
                  f"{args.bits}-bit QAT torch {100 * e['qat_acc_torch']:.2f} %, Lava fixed "
                  f"{100 * e['qat_acc_lava_fixed']:.2f} %", flush=True)  # fmt: skip
        if seeds:
            entries[name] = {"seeds": seeds, "summary": summary(seeds)}
    if args.no_eval:
        return None
    report = {
        "benchmark": "qat_seeds",
        "data": f"spoken digits, {len(data.test[2])} test recordings",
        "command": " ".join(["lava-sd bench qat-seeds", *argv]),
        "bits": args.bits,
        "models": entries,
    }
    write_json(args.out, report)
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
