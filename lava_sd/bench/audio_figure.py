"""Figure of the spoken-digits benchmark: accuracy bars, a spike raster and decoded vs ANN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from lava.proc.io.sink import RingBuffer as Sink

from lava_sd.models.sigma_delta.config import decode_spikes
from lava_sd.network import Network
from lava_sd.run import run
from lava_sd.torch.classifier import Classifier


def sample_traces(net: Network, x: np.ndarray, length: int) -> dict[str, np.ndarray]:
    """One sample in Lava fixed point: every layer's spikes (n, steps) and the last layer's
    decoded value (n, steps), decoded from its spikes with its own feedback filter."""
    procs, num_steps = net.graph(x[None, :, :length], np.array([length]), "fixed")
    sinks = []
    for proc in procs:
        sink = Sink(shape=proc.s_out.shape, buffer=num_steps)
        proc.s_out.connect(sink.a_in)
        sinks.append(sink)
    out = run({f"s{i}": sink.data for i, sink in enumerate(sinks)}, num_steps, backend="fixed")
    spikes = [out[f"s{i}"][0] for i in range(len(sinks))]
    last = net.layers[-1].float_params
    return {"spikes": spikes, "decoded": decode_spikes(spikes[-1], last["du_fb"], last["w_fb"])}


def ann_trace(model: Classifier, x: np.ndarray, length: int, k: int) -> np.ndarray:
    """The ANN's last hidden layer at SNN time resolution (n, length * k)."""
    with torch.no_grad():
        h = model.outputs(torch.from_numpy(x[None, :, :length]).float(), k, 0)[-1]
    return h[0].numpy()


def plot_audio(
    entry: dict[str, Any],
    net: Network,
    model: Classifier,
    x: np.ndarray,
    length: int,
    path: Path,
) -> Path:
    """Save the three-panel benchmark figure to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    traces = sample_traces(net, x, length)
    ann = ann_trace(model, x, length, net.frame_steps)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    names = ["ANN float", "ANN 3-bit", "Lava float", "Lava fixed"]
    keys = ["acc_ann_float", "acc_ann_quant", "acc_lava_float", "acc_lava_fixed"]
    values = [100 * entry[k] for k in keys]
    bars = axes[0].bar(names, values, color=["C7", "C0", "C1", "C3"])
    axes[0].bar_label(bars, fmt="%.1f")
    axes[0].set(ylim=(min(values) - 5, 100.5), ylabel="test accuracy (%)", title="Spoken digits")
    spikes = traces["spikes"][0]
    t_idx, n_idx = np.nonzero(spikes.T)
    axes[1].scatter(t_idx, n_idx, s=1, marker="|", color="k")
    axes[1].set(xlabel="SNN step", ylabel="neuron", title="Layer 1 spikes (one sample, fixed_pt)")
    active = np.argsort(ann.mean(1))[-3:]
    steps = np.arange(ann.shape[1])
    for j, unit in enumerate(active):
        color = f"C{j}"
        axes[2].plot(steps, ann[unit], color=color, lw=2, label=f"ANN h, unit {unit}")
        axes[2].step(steps, traces["decoded"][unit, : len(steps)], color=color, lw=0.8, ls="--")
    axes[2].set(xlabel="SNN step", ylabel="value", title="Last layer: decoded (dashed) vs ANN")
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
