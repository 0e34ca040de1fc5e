"""Human activity recognition on smartwatch signals (seglearn watch data), every model.

Raw, normalized accelerometer and gyroscope samples (6 channels, 25 Hz, 2 s windows with 50 %
overlap) go straight into each recurrent network, no encoding (L2MU, arXiv 2407.04076). The
held-out subjects (9 and 10) never contribute a training window (``lava_sd.data.har_watch``).
``lava-sd bench har`` evaluates the shipped weights (``lava_sd/weights/har_<model>.npz``);
``--train [MODEL ...]`` retrains them first, on the training windows plus two rotated, rescaled
copies of each (``AUGMENT``, chosen on subject 8 by ``lava-sd bench har-augment``).

Per model: torch accuracy (``acc_torch``: the network the Lava one implements; for the 3-bit ΣΔ
networks that is their SNN-time form), Lava floating_pt and fixed_pt accuracy and macro-F1,
spikes and synaptic operations per window, activity sparsity, parameter count and wall times,
plus a random forest on window statistics as the classical baseline (trained on the plain and
on the augmented training windows). Writes ``benchmarks/results/har_watch.json`` (the schema
of ``audio_digits.json``) and ``har_watch.png``.
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
from lava_sd.bench.common import lava_entry, n_parameters, train_spiking
from lava_sd.cli import positive_int
from lava_sd.convert import convert
from lava_sd.convert_spiking import convert_spiking
from lava_sd.data import augment_rotations, load_watch_windows, macro_f1, random_forest_baseline
from lava_sd.data.har_watch import HarSplits
from lava_sd.torch.checkpoint import load_classifiers, save_classifiers
from lava_sd.torch.lprnn import LpRNNClassifier
from lava_sd.torch.training import accuracy, seed_everything, train_classifier

WEIGHTS_DIR = Path(lava_sd.weights.__file__).parent
RESULTS = Path("benchmarks/results")
SEED = 0
MODELS = ("lprnn", "sigma_delta_ff", "alif", "spiking_lstm", "egru")
# ΣΔ networks: 3-bit QAT in frame form, then fine-tuned at SNN time (K steps per sample).
SIGMA_DELTA = dict(hidden=(64, 64), frame_steps=4, frame_offset=2, epochs=30, finetune=3)
# Event-based networks: one recurrent layer of 64; ALIF and spiking LSTM 2 steps per sample,
# EGRU one (its graded events carry values).
SPIKING = {
    "alif": dict(hidden=(64,), frame_steps=2, readout_decay=410 / 4096, epochs=20, lr=5e-3),
    "spiking_lstm": dict(hidden=(64,), frame_steps=2, readout_decay=410 / 4096, epochs=20, lr=5e-3),
    "egru": dict(hidden=(64,), frame_steps=1, readout_decay=0.25, epochs=20, lr=5e-3),
}
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


def train_sigma_delta(
    kind: str, train: tuple[torch.Tensor, ...], progress: bool
) -> LpRNNClassifier:
    """The 3-bit ΣΔ network (``lprnn``: recurrent; ``sigma_delta_ff``: feed-forward)."""
    torch.set_num_threads(1)
    seed_everything(SEED)
    s = SIGMA_DELTA
    model = LpRNNClassifier(
        train[0].shape[1], s["hidden"], int(train[2].max()) + 1, recurrent=kind == "lprnn"
    )
    train_classifier(model, train, epochs=s["epochs"], seed=SEED, progress=progress)
    train_classifier(
        model, train, epochs=s["finetune"], lr=1e-3, seed=SEED, progress=progress,
        frame_steps=s["frame_steps"], frame_offset=s["frame_offset"],
    )  # fmt: skip
    return model


def train_model(
    kind: str, splits: HarSplits, weights: Path, progress: bool, augment: dict[str, Any] | None
) -> None:
    """Train one model on ``training_set(splits, augment)`` and save it to ``weights``."""
    started = time.perf_counter()
    train = training_set(splits, augment)
    tensors = as_tensors(train.x_train, train.y_train)
    if kind in SPIKING:
        model = train_spiking(kind, tensors, SPIKING[kind], seed=SEED, progress=progress)
    else:
        model = train_sigma_delta(kind, tensors, progress)
    meta = {
        "seed": SEED,
        "train_seconds": time.perf_counter() - started,
        "n_train_windows": len(train.y_train),
        "augment": augment,
    }
    save_classifiers(weights, {kind: model}, meta)


def evaluate_model(
    kind: str, splits: HarSplits, n_test: int | None, retrain: bool, weights: Path, progress: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """Train (or load) one model and evaluate it in torch and Lava; ``(entry, fixed preds)``."""
    if retrain:
        train_model(kind, splits, weights, progress, AUGMENT)
    models, meta = load_classifiers(weights)
    model = models[kind]
    x, y = splits.x_test, splits.y_test
    if n_test is not None:
        x, y = x[:n_test], y[:n_test]
    test = as_tensors(x, y)
    lengths = test[1].numpy()
    torch.set_num_threads(1)
    if kind in SPIKING:
        net, forward = convert_spiking(model), {}
        steps = net.frame_steps
    else:
        s = SIGMA_DELTA
        forward = dict(frame_steps=s["frame_steps"], frame_offset=s["frame_offset"])
        net = convert(model, **forward)
        steps = s["frame_steps"]
    with torch.no_grad():
        torch_pred = model(*test[:2], **forward).argmax(1).numpy()
    acc_torch = float((torch_pred == y).mean())
    entry: dict[str, Any] = {
        # The torch network the Lava one implements (ΣΔ: the 3-bit network at SNN time).
        "acc_torch": acc_torch,
        "macro_f1_torch": macro_f1(y, torch_pred, len(splits.class_names)),
        # audio_digits.json's keys: ANN float / 3-bit (SNN time and frame form).
        "acc_ann_float": acc_torch if kind in SPIKING else None,
        "acc_ann_quant": None if kind in SPIKING else acc_torch,
        "acc_ann_quant_frame_form": None if kind in SPIKING else accuracy(model, *test),
    }
    lava, fixed_pred = lava_entry(net, x, lengths, y, progress)
    entry.update(lava)
    entry.update(
        macro_f1_lava_fixed=macro_f1(y, fixed_pred, len(splits.class_names)),
        n_parameters=n_parameters(model),
        snn_steps_per_frame=steps,
        hidden=list(model.config["hidden"]),
        weights_file=weights.name,
        train_seconds=meta.get("train_seconds"),
        n_train_windows=meta.get("n_train_windows"),
        augment=meta.get("augment"),
    )
    return entry, fixed_pred


def build_parser() -> argparse.ArgumentParser:
    """Options of ``lava-sd bench har`` (and ``python -m lava_sd.bench.har_watch``)."""
    parser = argparse.ArgumentParser(prog="lava-sd bench har")
    parser.add_argument(
        "--train", nargs="*", choices=MODELS, default=None, help="retrain these models first"
    )
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument(
        "--n-test", type=positive_int, default=None, help="evaluate the first N windows"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "har_watch.json")
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench har [--train [MODEL ...]] [--models ...] [--n-test N] [--out PATH]``."""
    args = build_parser().parse_args(argv)
    retrain = set(args.models if args.train == [] else args.train or [])
    splits = load_watch_windows()
    entries, predictions = {}, {}
    for kind in args.models:
        print(f"== {kind} ==", flush=True)
        entry, pred = evaluate_model(
            kind, splits, args.n_test, kind in retrain, args.weights_dir / f"har_{kind}.npz", True
        )
        entries[kind], predictions[kind] = entry, pred
        accs = ", ".join(
            f"{name} {entry[key]:.3f}"
            for name, key in (("torch", "acc_torch"), ("Lava float", "acc_lava_float"),
                              ("Lava fixed", "acc_lava_fixed"), ("F1", "macro_f1_lava_fixed"))
        )  # fmt: skip
        print(f"{kind}: {accs}")
    n_test = len(splits.y_test) if args.n_test is None else min(args.n_test, len(splits.y_test))
    baseline = random_forest_baseline(splits, seed=SEED)
    baseline_augmented = random_forest_baseline(training_set(splits), seed=SEED)
    report = {
        "benchmark": "har_watch",
        "dataset": splits.describe(),
        "n_train": int(len(splits.y_train)),
        "n_test": int(n_test),
        "test_subjects": list(splits.test_subjects),
        "command": "lava-sd bench har " + " ".join(argv or []),
        "models": entries,
        "baseline_random_forest": baseline,
        # The same forest trained on the networks' augmented training windows.
        "baseline_random_forest_augmented": baseline_augmented,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=float) + "\n")
    from lava_sd.bench.har_figure import plot_har

    y_test = splits.y_test[:n_test]
    plot_har(report, predictions, y_test, splits.class_names, args.out.with_suffix(".png"))
    for name, forest in (("", baseline), (" (augmented training)", baseline_augmented)):
        print(f"random forest{name}: {forest['acc']:.3f} (macro-F1 {forest['macro_f1']:.3f})")
    print(f"wrote {args.out} and {args.out.with_suffix('.png')}")
    return report


if __name__ == "__main__":
    main()
