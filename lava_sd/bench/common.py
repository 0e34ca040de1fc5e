"""What every classification benchmark does: find its rows in the registry, train (or load) each
model from its preset, run it in Lava float and fixed point in chunks, and report accuracy,
activity and cost in one result entry.

A benchmark's rows are the registered models' presets named after it: preset ``"har_watch"`` of
model ``alif`` is the row ``alif``, preset ``"har_watch_feedforward"`` of ``lprnn`` (label
``sigma_delta_ff``) another; a new model with such a preset adds its row, no benchmark code
changes. Each row's checkpoint is ``<weights_dir>/<benchmark>_<label>.npz``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

import lava_sd.weights
from lava_sd.network import Network
from lava_sd.registry import REGISTRY, ModelSpec

CHUNK = 300  # samples per Lava run
WEIGHTS_DIR = lava_sd.weights.DIRECTORY
RESULTS = Path("benchmarks/results")
SEED = 0


@dataclass(frozen=True)
class Row:
    """One benchmark row: a registered model with one of its presets."""

    label: str
    spec: ModelSpec
    preset: str

    @property
    def settings(self) -> dict[str, Any]:
        """The preset's ``{"classifier": ..., "training": ...}`` settings."""
        return self.spec.preset(self.preset)

    def weights(self, weights_dir: Path, benchmark: str) -> Path:
        """Where this row's checkpoint lives."""
        return weights_dir / f"{benchmark}_{self.label}.npz"


def rows(benchmark: str) -> list[Row]:
    """Every registered model's presets for ``benchmark``, in registry order."""
    found = []
    for spec in REGISTRY.values():
        for name, preset in spec.presets.items():
            if name == benchmark or name.startswith(benchmark + "_"):
                found.append(Row(preset.get("label", spec.name), spec, name))
    return found


def build_and_train(
    row: Row,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    seed: int = SEED,
    progress: bool = True,
    classifier: dict[str, Any] | None = None,
    training: dict[str, Any] | None = None,
) -> Any:
    """``lava_sd.fit`` of ``row``'s model with its preset (and ``classifier`` / ``training``
    overrides) on already normalised ``(x, lengths, labels)``."""
    from lava_sd.torch.fit import fit

    return fit(
        row.spec.name, train, preset=row.preset, normaliser=None, seed=seed, progress=progress,
        **(classifier or {}), **(training or {}),
    )  # fmt: skip


def evaluate_lava(
    net: Network,
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
    net: Network,
    x: np.ndarray,
    lengths: np.ndarray,
    y: np.ndarray,
    progress: bool,
) -> tuple[dict[str, Any], np.ndarray]:
    """Run ``net`` in both backends: accuracies, timings, overflow, spikes, synaptic operations
    and dense MACs per sample, activity sparsity, the Loihi 2 estimate (``loihi2_estimate``).
    Also returns the fixed-point predictions."""
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
        activity_sparsity=net.activity_sparsity(fixed_spikes, lengths),
    )
    entry.update(loihi2_estimate(net, fixed_spikes, lengths))
    return entry, lava["fixed"]["logits"].argmax(1)


def loihi2_estimate(net: Network, spikes: list[np.ndarray], lengths: np.ndarray) -> dict:
    """The Loihi 2 ESTIMATE per sample of a run's fixed-point activity (docs/loihi2.md):
    energy with Loihi 1 per-operation constants (Davies et al. 2018; and SANA-FE's Loihi 1
    model as a second reference), latency, neurocores and chips."""
    from lava_sd.interop.loihi2 import EnergyModel

    activity = net.loihi2_activity(spikes, lengths)
    report = net.loihi2_report(activity)
    sanafe = net.loihi2_report(activity, energy=EnergyModel.sanafe_loihi())
    return {
        "loihi2_estimate_energy_uj_per_sample": report.energy_j * 1e6,
        "loihi2_estimate_energy_uj_per_sample_sanafe": sanafe.energy_j * 1e6,
        "loihi2_estimate_latency_us_per_sample": report.latency_s * 1e6,
        "loihi2_estimate_neurocores": report.neurocores,
        "loihi2_estimate_chips": report.chips,
    }


def torch_accuracies(model: Any, x: np.ndarray, lengths: np.ndarray, y: np.ndarray) -> dict:
    """Torch accuracy of ``model`` as its Lava network runs (``acc_torch``) and, for a model
    trained in frame form, in frame form (``acc_torch_frame_form``)."""
    from lava_sd.torch.training import accuracy

    torch.set_num_threads(1)
    test = (torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(y))
    entry = {"acc_torch": accuracy(model, *test)}
    if REGISTRY[model.model].dense_per_frame:
        entry["acc_torch_frame_form"] = accuracy(model, *test, frame_steps=1, frame_offset=0)
    return entry


def n_parameters(model: torch.nn.Module) -> int:
    """Trainable parameters of a torch model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def shown_path(path: Path) -> str:
    """``path`` as results record it: a shipped checkpoint as ``lava_sd/weights/<name>``, any
    other as given (relative to the working directory), so results carry no machine's paths."""
    path = Path(path)
    if path.parent.resolve() == Path(WEIGHTS_DIR).resolve():
        return f"lava_sd/weights/{path.name}"
    return str(path)


def save_figure(fig: Any, path: Path) -> Path:
    """Lay out ``fig``, write it to ``path`` (PNG, 110 dpi) and close it."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_json(path: Path, report: dict[str, Any], *, ensure_ascii: bool = True) -> Path:
    """Write a benchmark report as indented JSON (numpy scalars as floats), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, default=float, ensure_ascii=ensure_ascii)
    path.write_text(text + "\n")
    return path
