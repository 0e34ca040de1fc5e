"""The HAR benchmark figure: accuracy per model and backend, cost, best model's confusion."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.bench.common import save_figure
from lava_sd.metrics import confusion_matrix


def plot_har(
    report: dict[str, Any],
    predictions: dict[str, np.ndarray],
    y_test: np.ndarray,
    class_names: Sequence[str],
    path: Path,
) -> None:
    """Bars of torch / Lava float / Lava fixed accuracy per model with the random forests (plain
    and augmented training windows) as lines, synaptic operations per window, and the confusion
    matrix of the best fixed model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = report["models"]
    names = list(models)
    fig, (ax_acc, ax_ops, ax_cm) = plt.subplots(
        1, 3, figsize=(16, 4.5), gridspec_kw={"width_ratios": [1.6, 1, 1]}
    )
    width = 0.27
    pos = np.arange(len(names))
    for k, (key, label) in enumerate(
        (
            ("acc_torch", "torch"),
            ("acc_lava_float", "Lava float"),
            ("acc_lava_fixed", "Lava fixed"),
        )
    ):
        ax_acc.bar(pos + (k - 1) * width, [models[n][key] for n in names], width, label=label)
    ax_acc.axhline(report["baseline_random_forest"]["acc"], c="k", ls="--", label="random forest")
    ax_acc.axhline(
        report["baseline_random_forest_augmented"]["acc"], c="0.4", ls=":",
        label="random forest, augmented windows",
    )  # fmt: skip
    ax_acc.set_xticks(pos, names, rotation=20)
    ax_acc.set(ylabel="accuracy (held-out subjects)", ylim=(0, 1), title="accuracy")
    ax_acc.legend(fontsize=8, loc="lower right")
    ax_ops.bar(pos - 0.2, [models[n]["synops_per_sample"] for n in names], 0.4, label="synops")
    ax_ops.bar(pos + 0.2, [models[n]["dense_macs_per_sample"] for n in names], 0.4,
               label="dense MACs")  # fmt: skip
    ax_ops.set_yscale("log")
    ax_ops.set_xticks(pos, names, rotation=20)
    ax_ops.set(title="operations per window (Lava fixed)")
    ax_ops.legend(fontsize=8)
    best = max(names, key=lambda n: models[n]["acc_lava_fixed"])
    cm = confusion_matrix(y_test, predictions[best], len(class_names))
    ax_cm.imshow(cm, cmap="Blues")
    for (i, j), v in np.ndenumerate(cm):
        ax_cm.text(j, i, int(v), ha="center", va="center", fontsize=7)
    ax_cm.set_xticks(range(len(class_names)), class_names, rotation=45)
    ax_cm.set_yticks(range(len(class_names)), class_names)
    ax_cm.set(xlabel="predicted", ylabel="true",
              title=f"{best}, Lava fixed: {models[best]['acc_lava_fixed']:.3f}")  # fmt: skip
    save_figure(fig, path)
