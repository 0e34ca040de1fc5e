"""Human activity recognition on smartwatch signals (seglearn watch data), every registered model.

Raw, normalized accelerometer and gyroscope samples (6 channels, 25 Hz, 2 s windows with 50 %
overlap) go straight into each recurrent network, no encoding (L2MU, arXiv 2407.04076). The
held-out subjects (9 and 10) never contribute a training window (``lava_sd.data.har_watch``).
``lava-sd bench har`` evaluates the shipped checkpoints (``lava_sd/weights/har_watch_<row>.npz``)
of every model with a ``"har_watch"`` preset (``lava_sd.bench.common.rows``); ``--train
[ROW ...]`` retrains them first, on the training windows plus two rotated, rescaled copies of each
(``AUGMENT``, chosen on subject 8 by ``lava-sd bench har-augment``).

Per row: torch accuracy (``acc_torch``: the network the Lava one implements; for the 3-bit ΣΔ
networks that is their SNN-time form), Lava floating_pt and fixed_pt accuracy and macro-F1,
spikes and synaptic operations per window, activity sparsity, parameter count and wall times,
plus a random forest on window statistics as the classical baseline (trained on the plain and
on the augmented training windows). Writes ``benchmarks/results/har_watch.json`` (the schema
of ``audio_digits.json``) and ``har_watch.png``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lava_sd.bench.common import (
    RESULTS,
    SEED,
    WEIGHTS_DIR,
    Row,
    build_and_train,
    lava_entry,
    n_parameters,
    rows,
    write_json,
)
from lava_sd.bench.har_baseline import random_forest_baseline
from lava_sd.commands.arguments import positive_int
from lava_sd.data import augment_rotations, load_watch_windows
from lava_sd.data.har_watch import FEATURE_RECIPE, HarSplits
from lava_sd.metrics import macro_f1
from lava_sd.torch.classifier import load
from lava_sd.torch.convert import convert
from lava_sd.torch.training import accuracy

BENCHMARK = "har_watch"
# Every model trains on the training windows plus two rotated, rescaled copies of each
# (lava_sd.data.har_augment), a setting chosen on subject 8 by ``lava-sd bench har-augment``.
AUGMENT = dict(copies=2, max_angle_deg=20.0, gain=(0.9, 1.1), seed=SEED)


def training_set(splits: HarSplits, augment: dict[str, Any] | None = AUGMENT) -> HarSplits:
    """``splits`` with the benchmark's training windows (``augment=None``: as loaded)."""
    return splits if augment is None else augment_rotations(splits, **augment)


def as_tensors(x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(x, lengths, y)`` tensors of fixed-length windows ``x`` ``(N, 6, T)``."""
    lengths = np.full(len(y), x.shape[-1], dtype=np.int64)
    return torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(y)


VALIDATION = dict(test_subjects=(8,), exclude_subjects=(9, 10))


def validation_data() -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
    """``(train, val)`` tensors ``(x, lengths, y)`` for choosing settings: subjects 1-7 with
    the benchmark's augmentation, and subject 8; subjects 9 and 10 (the test split) are never
    read."""
    splits = training_set(load_watch_windows(**VALIDATION))
    return as_tensors(splits.x_train, splits.y_train), as_tensors(splits.x_test, splits.y_test)


def row_by_label(label: str) -> Row:
    """The benchmark row called ``label``."""
    return next(row for row in rows(BENCHMARK) if row.label == label)


def train_model(
    row: Row,
    splits: HarSplits,
    weights: Path,
    progress: bool,
    augment: dict[str, Any] | None,
    training: dict[str, Any] | None = None,
) -> None:
    """Train one row on ``training_set(splits, augment)`` (``training`` overrides its preset's
    recipe, e.g. fewer epochs) and save it to ``weights``."""
    started = time.perf_counter()
    train = training_set(splits, augment)
    model = build_and_train(
        row, as_tensors(train.x_train, train.y_train), seed=SEED, progress=progress,
        training=training,
    )  # fmt: skip
    model.class_names = [str(c) for c in splits.class_names]
    model.normaliser, model.feature_recipe = splits.normaliser, FEATURE_RECIPE
    model.save(
        weights, seed=SEED, train_seconds=time.perf_counter() - started,
        n_train_windows=len(train.y_train), augment=augment,
        command=f"lava-sd bench har --train {row.label}",
    )  # fmt: skip


def evaluate_model(
    row: Row, splits: HarSplits, n_test: int | None, retrain: bool, weights: Path, progress: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """Train (or load) one row and evaluate it in torch and Lava; ``(entry, fixed preds)``."""
    if retrain:
        train_model(row, splits, weights, progress, AUGMENT)
    model = load(weights)
    x, y = splits.x_test, splits.y_test
    if n_test is not None:
        x, y = x[:n_test], y[:n_test]
    test = as_tensors(x, y)
    lengths = test[1].numpy()
    torch.set_num_threads(1)
    net = convert(model)
    with torch.no_grad():
        torch_pred = model(*test[:2]).argmax(1).numpy()
    acc_torch = float((torch_pred == y).mean())
    frame_based = row.spec.dense_per_frame
    entry: dict[str, Any] = {
        # The torch network the Lava one implements (ΣΔ: the 3-bit network at SNN time).
        "acc_torch": acc_torch,
        "macro_f1_torch": macro_f1(y, torch_pred, len(splits.class_names)),
        # audio_digits.json's keys: ANN float / 3-bit (SNN time and frame form).
        "acc_ann_float": None if frame_based else acc_torch,
        "acc_ann_quant": acc_torch if frame_based else None,
        "acc_ann_quant_frame_form": (
            accuracy(model, *test, frame_steps=1, frame_offset=0) if frame_based else None
        ),
    }
    lava, fixed_pred = lava_entry(net, x, lengths, y, progress)
    entry.update(lava)
    info = model.training_info
    entry.update(
        macro_f1_lava_fixed=macro_f1(y, fixed_pred, len(splits.class_names)),
        n_parameters=n_parameters(model),
        snn_steps_per_frame=net.frame_steps,
        hidden=list(model.config["hidden"]),
        weights_file=weights.name,
        train_seconds=info.get("train_seconds"),
        n_train_windows=info.get("n_train_windows"),
        augment=info.get("augment"),
    )
    return entry, fixed_pred


def add_training_overrides(parser: argparse.ArgumentParser) -> None:
    """``--epochs`` / ``--finetune-epochs``: override the preset's recipe (e.g. a smoke run)."""
    parser.add_argument(
        "--epochs", type=positive_int, default=None, help="override the preset's epochs"
    )
    parser.add_argument(
        "--finetune-epochs", type=int, default=None, help="override the preset's fine-tuning epochs"
    )


def training_overrides(args: argparse.Namespace) -> dict[str, int]:
    """The recipe settings given on the command line."""
    given = {"epochs": args.epochs, "finetune_epochs": args.finetune_epochs}
    return {key: value for key, value in given.items() if value is not None}


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench har``."""
    labels = [row.label for row in rows(BENCHMARK)]
    parser = argparse.ArgumentParser(prog="lava-sd bench har", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--train", nargs="*", choices=labels, default=None, help="retrain these rows first"
    )
    parser.add_argument("--models", nargs="+", choices=labels, default=labels)
    parser.add_argument(
        "--n-test", type=positive_int, default=None, help="evaluate the first N windows"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "har_watch.json")
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench har [--train [ROW ...]] [--models ...] [--n-test N] [--out PATH]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    retrain = set(args.models if args.train == [] else args.train or [])
    splits = load_watch_windows()
    entries, predictions = {}, {}
    for row in rows(BENCHMARK):
        if row.label not in args.models:
            continue
        print(f"== {row.label} ==", flush=True)
        weights = row.weights(args.weights_dir, BENCHMARK)
        entry, pred = evaluate_model(row, splits, args.n_test, row.label in retrain, weights, True)
        entries[row.label], predictions[row.label] = entry, pred
        accs = ", ".join(
            f"{name} {entry[key]:.3f}"
            for name, key in (("torch", "acc_torch"), ("Lava float", "acc_lava_float"),
                              ("Lava fixed", "acc_lava_fixed"), ("F1", "macro_f1_lava_fixed"))
        )  # fmt: skip
        print(f"{row.label}: {accs}")
    n_test = len(splits.y_test) if args.n_test is None else min(args.n_test, len(splits.y_test))
    baseline = random_forest_baseline(splits, seed=SEED)
    baseline_augmented = random_forest_baseline(training_set(splits), seed=SEED)
    report = {
        "benchmark": BENCHMARK,
        "dataset": splits.describe(),
        "n_train": int(len(splits.y_train)),
        "n_test": int(n_test),
        "test_subjects": list(splits.test_subjects),
        "command": " ".join(["lava-sd bench har", *argv]),
        "models": entries,
        "baseline_random_forest": baseline,
        # The same forest trained on the networks' augmented training windows.
        "baseline_random_forest_augmented": baseline_augmented,
    }
    write_json(args.out, report)
    from lava_sd.bench.har_figure import plot_har

    y_test = splits.y_test[:n_test]
    plot_har(report, predictions, y_test, splits.class_names, args.out.with_suffix(".png"))
    for name, forest in (("", baseline), (" (augmented training)", baseline_augmented)):
        print(f"random forest{name}: {forest['acc']:.3f} (macro-F1 {forest['macro_f1']:.3f})")
    print(f"wrote {args.out} and {args.out.with_suffix('.png')}")
    return report


if __name__ == "__main__":
    main()
