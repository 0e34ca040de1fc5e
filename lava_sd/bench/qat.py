"""Every registered model at 8, 4 and 3 weight bits, quantization-aware, on both benchmarks.

``lava-sd bench qat`` evaluates, per benchmark (spoken digits, smartwatch HAR) and registered
model, checkpoints trained from the seed with ``weight_bits`` = 8, 4 and 3
(``lava_sd.Classifier(..., weight_bits=b)``: even ``b``-bit mantissas, one exponent per matrix,
straight-through estimator) and the model's float reference, which it also converts after
training at each width (post-training quantisation, PTQ). A model's settings are its preset for
the benchmark; a model without one (``lif``) takes its defaults at the width of the
event-based presets (``DEFAULT_HIDDEN``), not chosen on validation data. The float reference of
a model is its shipped benchmark checkpoint (``lava_sd/weights/<benchmark>_<model>.npz``: the
default training; on HAR ``fit`` retrains it bit for bit, the spoken-digit ones predate ``fit``
and a retrain lands within 1 point, README) where that is float, else one trained here with the
same recipe (the lpRNN with ``frac_bits=None``). ``--train`` / ``--train-missing`` train the
checkpoints into ``benchmarks/checkpoints/<benchmark>_<model>_w<b>.npz`` (``_float.npz``) first.

Writes ``benchmarks/results/qat_<benchmark>.json`` and ``.png``: per model the float torch
accuracy, PTQ Lava fixed accuracy at each width, and per width the QAT network's torch, Lava
float and Lava fixed accuracy (HAR: macro-F1 too), synaptic operations and training time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lava_sd.bench.common import (
    RESULTS,
    SEED,
    WEIGHTS_DIR,
    evaluate_lava,
    lava_entry,
    save_figure,
    shown_path,
    write_json,
)
from lava_sd.commands.arguments import positive_int
from lava_sd.metrics import macro_f1
from lava_sd.registry import REGISTRY, ModelSpec

BENCHMARKS = ("audio_digits", "har_watch")
WIDTHS = (8, 4, 3)
CHECKPOINTS = Path("benchmarks/checkpoints")
# A model without a preset for the benchmark: its defaults at the event-based presets' width.
DEFAULT_HIDDEN = {"audio_digits": (128,), "har_watch": (64,)}


@dataclass(frozen=True)
class Data:
    """A benchmark's training tensors, test arrays and what a checkpoint of it carries."""

    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    test: tuple[np.ndarray, np.ndarray, np.ndarray]
    class_names: list[str]
    normaliser: Any
    feature_recipe: str
    info: dict[str, Any] = field(default_factory=dict)

    def first(self, n: int | None) -> Data:
        """The same data with only the first ``n`` test samples (all of them for ``None``)."""
        return self if n is None else replace(self, test=tuple(a[:n] for a in self.test))


def audio_data() -> Data:
    """Spoken digits: the benchmark's 2400 training and 600 test recordings."""
    from lava_sd.bench.audio_digits import tensors
    from lava_sd.data import load_spoken_digits
    from lava_sd.data.spoken_digits import FEATURE_RECIPE

    splits = load_spoken_digits(seed=SEED)
    test = tuple(t.numpy() for t in tensors(splits.test))
    return Data(tensors(splits.train), test, list(splits.train.class_names), splits.normaliser,
                FEATURE_RECIPE)  # fmt: skip


def har_data() -> Data:
    """Smartwatch HAR: subjects 1-8 with the benchmark's augmentation; subjects 9 and 10."""
    from lava_sd.bench.har_watch import AUGMENT, as_tensors, training_set
    from lava_sd.data import load_watch_windows
    from lava_sd.data.har_watch import FEATURE_RECIPE

    splits = load_watch_windows()
    train = training_set(splits)
    test = tuple(t.numpy() for t in as_tensors(splits.x_test, splits.y_test))
    return Data(as_tensors(train.x_train, train.y_train), test,
                [str(c) for c in splits.class_names], splits.normaliser, FEATURE_RECIPE,
                {"augment": AUGMENT, "n_train_windows": len(train.y_train)})  # fmt: skip


DATA: dict[str, Callable[[], Data]] = {"audio_digits": audio_data, "har_watch": har_data}


@dataclass(frozen=True)
class QatRow:
    """A registered model on a benchmark: its preset there, or its defaults (``hidden``)."""

    spec: ModelSpec
    benchmark: str

    @property
    def preset(self) -> str | None:
        """The model's preset named after the benchmark, if it has one."""
        return self.benchmark if self.benchmark in self.spec.presets else None

    def fit_settings(self) -> dict[str, Any]:
        """``lava_sd.fit`` keywords: the preset, or the default width."""
        if self.preset is not None:
            return {"preset": self.preset}
        return {"hidden": DEFAULT_HIDDEN[self.benchmark]}

    def checkpoint(self, directory: Path, bits: int | None) -> Path:
        """``<benchmark>_<model>_w<bits>.npz`` (``_float.npz`` for ``bits=None``)."""
        suffix = "float" if bits is None else f"w{bits}"
        return directory / f"{self.benchmark}_{self.spec.name}_{suffix}.npz"

    def shipped(self, weights_dir: Path) -> Path | None:
        """The shipped benchmark checkpoint, if it is a float network (the reference)."""
        from lava_sd.torch.classifier import load

        path = weights_dir / f"{self.benchmark}_{self.spec.name}.npz"
        if not path.is_file():
            return None
        config = load(path).config
        return path if config.get("frac_bits") is None and "weight_bits" not in config else None


def qat_rows(benchmark: str) -> list[QatRow]:
    """Every registered model, in registry order."""
    return [QatRow(spec, benchmark) for spec in REGISTRY.values()]


def train_checkpoint(
    row: QatRow, data: Data, bits: int | None, path: Path, progress: bool, **overrides: Any
) -> None:
    """Fit ``row`` at ``bits`` (``None``: float; the model's ``qat_options`` too, so that the
    lpRNN's reference is float) from the seed on ``data.train`` and save it to ``path``."""
    options = dict(row.spec.qat_options) if bits is None else {"weight_bits": bits}
    width = "float" if bits is None else str(bits)
    command = (
        f"lava-sd bench qat --benchmarks {row.benchmark} --models {row.spec.name} "
        f"--bits {width} --train"
    )
    fit_and_save(row, data, path, {**options, **overrides}, command, progress)


def fit_and_save(
    row: QatRow,
    data: Data,
    path: Path,
    settings: dict[str, Any],
    command: str,
    progress: bool,
    seed: int = SEED,
) -> Any:
    """``lava_sd.fit`` of ``row`` with ``settings`` from ``seed`` on ``data.train``, saved to
    ``path`` with what using it needs and how it was made; returns the model."""
    from lava_sd.torch.fit import fit

    started = time.perf_counter()
    model = fit(row.spec.name, data.train, normaliser=None, seed=seed, progress=progress,
                **row.fit_settings(), **settings)  # fmt: skip
    model.class_names = list(data.class_names)
    model.normaliser, model.feature_recipe = data.normaliser, data.feature_recipe
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path, seed=seed, train_seconds=time.perf_counter() - started, **data.info,
               command=command)  # fmt: skip
    return model


def torch_accuracy(model: Any, test: tuple[np.ndarray, ...]) -> float:
    """Torch accuracy in the timing the model's Lava network runs."""
    from lava_sd.torch.training import accuracy

    return accuracy(model, *(torch.from_numpy(a) for a in test))


def ptq_entry(model: Any, data: Data, bits: int) -> dict[str, Any]:
    """The float ``model`` quantised to ``bits`` after training, in Lava fixed point."""
    from lava_sd.torch.convert import convert

    x, lengths, y = data.test
    net = convert(model, weight_bits=bits)
    out = evaluate_lava(net, x, lengths, "fixed", progress=False)
    predicted = out["logits"].argmax(1)
    return {
        "acc_lava_fixed": float((predicted == y).mean()),
        "macro_f1_lava_fixed": macro_f1(y, predicted, len(data.class_names)),
        "synops_per_sample": float(net.synops(out["spikes"]).mean()),
        "overflow_steps_lava_fixed": out["overflow_steps"],
    }


def qat_entry(model: Any, data: Data) -> dict[str, Any]:
    """A QAT ``model`` in torch and Lava float and fixed point."""
    from lava_sd.torch.convert import convert

    x, lengths, y = data.test
    entry: dict[str, Any] = {"acc_torch": torch_accuracy(model, data.test)}
    lava, fixed_pred = lava_entry(convert(model), x, lengths, y, progress=False)
    entry.update(lava)
    entry.update(
        macro_f1_lava_fixed=macro_f1(y, fixed_pred, len(data.class_names)),
        train_seconds=model.training_info.get("train_seconds"),
        epochs_run=model.training_info.get("epochs_run"),
    )
    return entry


def evaluate_row(
    row: QatRow, data: Data, widths: tuple[int, ...], reference: Path, checkpoints: Path
) -> dict[str, Any]:
    """The float reference (torch, PTQ at every width) and each QAT checkpoint of ``row``."""
    from lava_sd.torch.classifier import load

    model = load(reference)
    entry: dict[str, Any] = {
        "settings": row.fit_settings(),
        "hidden": list(model.config["hidden"]),
        "float": {
            "weights_file": shown_path(reference),
            "acc_torch": torch_accuracy(model, data.test),
            "train_seconds": model.training_info.get("train_seconds"),
            "ptq": {str(b): ptq_entry(model, data, b) for b in widths},
        },
        "qat": {},
    }
    for bits in widths:
        path = row.checkpoint(checkpoints, bits)
        if path.is_file():
            scores = qat_entry(load(path), data)
            entry["qat"][str(bits)] = {"weights_file": shown_path(path), **scores}
    return entry


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench qat``."""
    parser = argparse.ArgumentParser(prog="lava-sd bench qat", description=__doc__.split("\n")[0])
    parser.add_argument("--benchmarks", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--models", nargs="+", choices=list(REGISTRY), default=list(REGISTRY))
    parser.add_argument(
        "--bits", nargs="+", choices=[*map(str, WIDTHS), "float"], default=None,
        help="the widths to train and evaluate (default 8 4 3; 'float': the reference only)",
    )  # fmt: skip
    train = parser.add_mutually_exclusive_group()
    train.add_argument("--train", action="store_true", help="train the checkpoints first")
    train.add_argument(
        "--train-missing", action="store_true", help="train the checkpoints not there yet"
    )
    parser.add_argument(
        "--no-eval", action="store_true", help="train only; evaluate and write nothing"
    )
    parser.add_argument("--epochs", type=positive_int, default=None, help="override the epochs")
    parser.add_argument("--n-test", type=positive_int, default=None, help="the first N only")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR, help="shipped ones")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench qat [--benchmarks ...] [--models ...] [--bits ...] [--train |
    --train-missing] [--no-eval] [--n-test N] [--epochs N]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    chosen = args.bits or [str(b) for b in WIDTHS]
    widths = tuple(int(b) for b in chosen if b != "float")
    overrides = {} if args.epochs is None else {"epochs": args.epochs, "finetune_epochs": 0}
    reports = {}
    for benchmark in args.benchmarks:
        data = DATA[benchmark]().first(args.n_test)
        entries = {}
        for row in qat_rows(benchmark):
            if row.spec.name not in args.models:
                continue
            reference = row.shipped(args.weights_dir) or row.checkpoint(args.checkpoints, None)
            todo = list(widths) + ([None] if reference.parent == args.checkpoints else [])
            for bits in todo:
                path = row.checkpoint(args.checkpoints, bits)
                if args.train or (args.train_missing and not path.is_file()):
                    print(f"== {benchmark} {row.spec.name}: training {bits or 'float'} ==",
                          flush=True)  # fmt: skip
                    train_checkpoint(row, data, bits, path, progress=True, **overrides)
            if args.no_eval:
                continue
            if not reference.is_file():
                print(f"== {benchmark} {row.spec.name}: no float reference {reference}; train "
                      "it with --bits float --train ==", flush=True)  # fmt: skip
                continue
            print(f"== {benchmark} {row.spec.name}: evaluating ==", flush=True)
            entries[row.spec.name] = evaluate_row(row, data, widths, reference, args.checkpoints)
            print_row(row.spec.name, entries[row.spec.name])
        if args.no_eval:
            continue
        reports[benchmark] = write_report(benchmark, data, entries, argv, args.out_dir)
    return reports


def write_report(
    benchmark: str, data: Data, entries: dict[str, Any], argv: list[str], out_dir: Path
) -> dict[str, Any]:
    """``qat_<benchmark>.json`` and its figure."""
    report = {
        "benchmark": benchmark,
        "n_test": int(len(data.test[2])),
        "command": " ".join(["lava-sd bench qat", *argv]),
        "weights": "even b-bit mantissas, one power-of-two exponent per matrix (Lava Dense)",
        "models": entries,
    }
    out = out_dir / f"qat_{benchmark}.json"
    write_json(out, report)
    plot_qat(report, out.with_suffix(".png"))
    print(f"wrote {out} and {out.with_suffix('.png')}")
    return report


def print_row(name: str, entry: dict[str, Any]) -> None:
    """One model's accuracies: float torch, then per width QAT torch / Lava fixed and PTQ."""
    cells = [f"{name:13s} float {100 * entry['float']['acc_torch']:6.2f}"]
    for bits, ptq in entry["float"]["ptq"].items():
        qat = entry["qat"].get(bits)
        fixed = "  -  " if qat is None else f"{100 * qat['acc_lava_fixed']:6.2f}"
        cells.append(f"{bits} bit: QAT fixed {fixed}, PTQ fixed {100 * ptq['acc_lava_fixed']:6.2f}")
    print(" | ".join(cells), flush=True)


def plot_qat(report: dict[str, Any], path: Path) -> Path:
    """Lava fixed accuracy against weight bits per model: QAT (solid), PTQ (dashed), the
    float torch network (dotted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (name, entry) in enumerate(report["models"].items()):
        color = f"C{i}"
        ptq = entry["float"]["ptq"]
        bits = [int(b) for b in ptq]
        ax.plot(bits, [100 * ptq[str(b)]["acc_lava_fixed"] for b in bits], "--", color=color,
                alpha=0.6)  # fmt: skip
        qat = [b for b in bits if str(b) in entry["qat"]]
        ax.plot(qat, [100 * entry["qat"][str(b)]["acc_lava_fixed"] for b in qat], "o-",
                color=color, label=name)  # fmt: skip
        ax.axhline(100 * entry["float"]["acc_torch"], color=color, ls=":", lw=0.8)
    title = f"{report['benchmark']}: QAT (solid), post-training (dashed), float (dotted)"
    ax.set(xlabel="weight bits (Lava fixed point)", ylabel="test accuracy (%)", title=title)
    ax.invert_xaxis()
    ax.legend(fontsize=8)
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
