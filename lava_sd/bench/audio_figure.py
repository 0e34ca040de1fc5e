"""Figure of the spoken-digits benchmark: every model's accuracy and operations, and the ΣΔ-lpRNN's
spike raster and decoded value against its ANN on one recording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from lava.proc.io.sink import RingBuffer as Sink

from lava_sd.bench.common import save_figure
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
    models: dict[str, dict[str, Any]],
    path: Path,
    sample: tuple[Network, Classifier, np.ndarray, int] | None = None,
) -> Path:
    """Save the benchmark figure to ``path``: test accuracy of every model in torch, Lava float
    and Lava fixed point; synaptic operations against dense MACs per recording; and, given
    ``sample`` = ``(net, model, x, length)`` of the ΣΔ-lpRNN, its first layer's spikes and its
    last layer's decoded value against the ANN on that recording."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(models)
    fig, axes = plt.subplots(2 if sample else 1, 2, figsize=(14, 8.4 if sample else 4.2),
                             squeeze=False)  # fmt: skip
    pos, width = np.arange(len(names)), 0.27

    entries = [models[n] for n in names]
    columns = {  # torch: the network Lava runs (the lpRNN's 3-bit one)
        "torch": [e["acc_ann_float"] if e["acc_ann_quant"] is None else e["acc_ann_quant"]
                  for e in entries],
        "Lava float": [e["acc_lava_float"] for e in entries],
        "Lava fixed": [e["acc_lava_fixed"] for e in entries],
    }  # fmt: skip
    lowest = 100 * min(min(values) for values in columns.values())
    for j, (label, values) in enumerate(columns.items()):
        values = [100 * v for v in values]
        bars = axes[0, 0].bar(pos + (j - 1) * width, values, width, label=label)
        axes[0, 0].bar_label(bars, fmt="%.1f", fontsize=7)
    axes[0, 0].set_xticks(pos, names)
    axes[0, 0].set(ylim=(lowest - 3, 100.5), ylabel="test accuracy (%)",
                   title="Spoken digits: 600 test recordings")  # fmt: skip
    axes[0, 0].legend(fontsize=8, loc="lower right")
    axes[0, 1].bar(pos - 0.2, [models[n]["synops_per_sample"] for n in names], 0.4,
                   label="synaptic operations (Lava fixed)")  # fmt: skip
    axes[0, 1].bar(pos + 0.2, [models[n]["dense_macs_per_sample"] for n in names], 0.4,
                   label="dense MACs")  # fmt: skip
    axes[0, 1].set_yscale("log")
    axes[0, 1].set_xticks(pos, names)
    axes[0, 1].set(title="operations per recording")
    axes[0, 1].legend(fontsize=8)
    if sample:
        _plot_sample(axes[1], *sample)
    return save_figure(fig, path)


def _plot_sample(axes: Any, net: Network, model: Classifier, x: np.ndarray, length: int) -> None:
    """The ΣΔ-lpRNN on one recording: layer 1's spike raster, the last layer decoded vs ANN."""
    traces = sample_traces(net, x, length)
    ann = ann_trace(model, x, length, net.frame_steps)
    t_idx, n_idx = np.nonzero(traces["spikes"][0].T)
    axes[0].scatter(t_idx, n_idx, s=1, marker="|", color="k")
    axes[0].set(xlabel="SNN step", ylabel="neuron",
                title="ΣΔ-lpRNN layer 1 spikes (one recording, fixed_pt)")  # fmt: skip
    active = np.argsort(ann.mean(1))[-3:]
    steps = np.arange(ann.shape[1])
    for j, unit in enumerate(active):
        color = f"C{j}"
        axes[1].plot(steps, ann[unit], color=color, lw=2, label=f"ANN h, unit {unit}")
        axes[1].step(steps, traces["decoded"][unit, : len(steps)], color=color, lw=0.8, ls="--")
    axes[1].set(xlabel="SNN step", ylabel="value",
                title="ΣΔ-lpRNN last layer: decoded (dashed) vs ANN")  # fmt: skip
    axes[1].legend(fontsize=8)
