"""What every classification benchmark does with a trained network: run it in Lava float and
fixed point in chunks, and report accuracy, activity and cost in one result entry."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from lava_sd.convert import ConvertedNetwork
from lava_sd.convert_spiking import SpikingNetwork
from lava_sd.torch.spiking_classifier import SpikingClassifier
from lava_sd.torch.training import train_classifier

CHUNK = 300  # samples per Lava run


def evaluate_lava(
    net: ConvertedNetwork | SpikingNetwork,
    x: np.ndarray,
    lengths: np.ndarray,
    backend: str,
    progress: bool,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Logits, spike counts and wall time of the Lava network over ``x`` in chunks."""
    logits, spikes, overflow = [], [], 0
    started = time.perf_counter()
    for i in range(0, len(lengths), chunk):
        t_max = int(lengths[i : i + chunk].max())
        if progress:
            print(f"Lava {backend}: samples {i}..{min(i + chunk, len(lengths)) - 1}", flush=True)
        out = net.run(
            x[i : i + chunk, :, :t_max], lengths[i : i + chunk], backend=backend, progress=progress
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


def lava_entry(
    net: ConvertedNetwork | SpikingNetwork,
    x: np.ndarray,
    lengths: np.ndarray,
    y: np.ndarray,
    progress: bool,
) -> tuple[dict[str, Any], np.ndarray]:
    """Run ``net`` in both backends: accuracies, timings, overflow, spikes, synaptic operations
    and dense MACs per sample, activity sparsity (event-based networks). Also returns the fixed
    point predictions."""
    entry: dict[str, Any] = {}
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
    )
    if isinstance(net, SpikingNetwork):
        unit_steps = sum(layer.n for layer in net.layers) * lengths.sum() * net.frame_steps
        entry["activity_sparsity"] = float(1 - sum(s.sum() for s in fixed_spikes) / unit_steps)
    return entry, lava["fixed"]["logits"].argmax(1)


def train_spiking(
    kind: str,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    settings: dict[str, Any],
    *,
    seed: int,
    progress: bool = True,
) -> SpikingClassifier:
    """Train a ``SpikingClassifier`` of ``kind`` on ``train`` with ``settings`` (hidden,
    frame_steps, readout_decay, epochs, lr)."""
    torch.set_num_threads(1)  # small per-step tensors: one thread is faster and robust
    x, _, y = train
    model = SpikingClassifier(
        kind,
        x.shape[1],
        settings["hidden"],
        int(y.max()) + 1,
        frame_steps=settings["frame_steps"],
        readout_decay=settings["readout_decay"],
        seed=seed,
    )
    train_classifier(
        model, train, epochs=settings["epochs"], lr=settings["lr"], seed=seed, progress=progress
    )
    return model


def n_parameters(model: torch.nn.Module) -> int:
    """Trainable parameters of a torch model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
