"""Predict and evaluate with a fitted classifier, in torch, in Lava (float or fixed point), or
in torch fixed point.

Backends: ``"torch"`` (the trained float network), Lava ``"float"`` and ``"fixed"``, and
``"torch-fixed"``: the converted network's Lava fixed-point arithmetic run in torch int64
tensors without Lava (``lava_sd.simulate.run_network``), equal to Lava ``"fixed"`` bit for bit
(logits, spikes, overflow) and faster (``docs/fixed_point.md``).

Inputs are what the model was fitted on, before normalisation (the model applies its stored
normaliser): an array ``(N, C, T)``, ``(x, lengths)`` or a list of ``(C, T_i)`` sequences. Lava
and torch-fixed runs go in chunks of ``batch_size`` samples, each one batched simulation. A
warning says when inputs reach far beyond the training inputs' range, and when a fixed-point
state overflowed (``Network.run``): both make Lava and torch disagree.

``shards=N`` splits the samples into N contiguous parts run side by side on Ray workers, each
in a fresh interpreter (``lava_sd.torch.shards``; a local Ray cluster, or the cluster at
``ray_address``), and merges the results in order: the same predictions as one process.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import torch

from lava_sd.checks import ParameterError
from lava_sd.data.arrays import as_sequences, encode_labels
from lava_sd.data.audio import audio_inputs, is_audio
from lava_sd.metrics import confusion_matrix, macro_f1

BACKENDS = ("torch", "float", "fixed", "torch-fixed")
LAVA_BACKENDS = ("float", "fixed")  # run by Lava: can be sharded across Ray workers
RANGE_FACTOR = 2.0  # warn when inputs exceed the training inputs' largest |value| this much


def prepare(model: Any, x: Any, lengths: Any = None, owner: str = "predict") -> tuple:
    """``(x, lengths)`` checked and normalised as the model's training inputs were; a list of
    audio file names becomes their features, if the model's recipe is one lava_sd computes
    (``lava_sd.data.audio``)."""
    if is_audio(x):
        x = audio_inputs(x, model.feature_recipe)
    x, lengths = as_sequences(x, lengths, owner=owner)
    if x.shape[1] != model.n_in:
        raise ParameterError(
            f"{owner}: the inputs have {x.shape[1]} channels; the model was trained on "
            f"{model.n_in}."
        )
    if model.normaliser is not None:
        x = model.normaliser(x)
    limit = model.training_info.get("input_abs_max")
    valid = np.arange(x.shape[-1])[None, None, :] < lengths[:, None, None]
    peak = float(np.abs(np.where(valid, x, 0)).max())
    if limit and peak > RANGE_FACTOR * limit:
        warnings.warn(
            f"{owner}: inputs reach {peak:.3g} (after normalisation), {peak / limit:.1f}x the "
            f"largest training input ({limit:.3g}): expect torch and Lava to disagree, and the "
            "fixed-point states to overflow. Check the units and the normaliser of your data.",
            RuntimeWarning,
            stacklevel=3,
        )
    return x, lengths


def logits(
    model: Any,
    x: Any,
    lengths: Any = None,
    *,
    backend: str = "torch",
    batch_size: int = 256,
    progress: bool = False,
    shards: int | None = None,
    ray_address: str | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Logits ``(N, classes)`` and run facts (Lava and torch-fixed: spikes per layer, overflow,
    seconds; with ``shards``, each shard's worker facts under ``"shards"``)."""
    check_run(backend, batch_size, shards, ray_address)
    x, lengths = prepare(model, x, lengths)
    return prepared_logits(model, x, lengths, backend=backend, batch_size=batch_size,
                           progress=progress, shards=shards, ray_address=ray_address)  # fmt: skip


def check_run(backend: str, batch_size: Any, shards: Any, ray_address: str | None) -> None:
    """Refuse a backend, ``batch_size``, ``shards`` or ``ray_address`` that ``logits`` cannot
    run, before any input is read."""
    if backend not in BACKENDS:
        raise ParameterError(f"predict: backend must be one of {BACKENDS}, got {backend!r}.")
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ParameterError(f"predict: batch_size must be a positive integer, got {batch_size!r}.")
    if shards is not None:
        if isinstance(shards, bool) or int(shards) != shards or shards < 1:
            raise ParameterError(f"predict: shards must be a positive integer, got {shards!r}.")
        if backend not in LAVA_BACKENDS:
            raise ParameterError(
                "predict: shards split Lava simulations across Ray workers; use backend "
                f"'float' or 'fixed', or no shards for {backend}."
            )
    elif ray_address is not None:
        raise ParameterError("predict: ray_address is the cluster of the shards; give shards=N.")


def prepared_logits(
    model: Any,
    x: np.ndarray,
    lengths: np.ndarray,
    *,
    backend: str,
    batch_size: int = 256,
    progress: bool = False,
    shards: int | None = None,
    ray_address: str | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """``logits`` on inputs already checked and normalised (``prepare``) with options already
    checked (``check_run``)."""
    started = time.perf_counter()
    if backend == "torch":
        model.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(lengths), batch_size):
                chunk = _chunk(x, lengths, i, batch_size)
                out.append(model(*(torch.from_numpy(a) for a in chunk)).numpy())
        return np.concatenate(out), {"seconds": time.perf_counter() - started}
    if shards is not None:
        from lava_sd.torch.shards import sharded_logits

        return sharded_logits(model, x, lengths, backend=backend, batch_size=batch_size,
                              shards=int(shards), address=ray_address)  # fmt: skip
    return lava_logits(model, x, lengths, backend=backend, batch_size=batch_size,
                       progress=progress)  # fmt: skip


def lava_logits(
    model: Any,
    x: np.ndarray,
    lengths: np.ndarray,
    *,
    backend: str,
    batch_size: int = 256,
    progress: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """``logits`` in Lava (or, for ``"torch-fixed"``, in torch without Lava) on prepared inputs
    (``prepare``: checked, normalised), in this process: one simulation per ``batch_size``
    samples."""
    started = time.perf_counter()
    from lava_sd.simulate import run_network
    from lava_sd.torch.convert import convert

    net = convert(model)
    out, spikes, overflow = [], [], 0
    for i in range(0, len(lengths), batch_size):
        chunk = _chunk(x, lengths, i, batch_size)
        if backend == "torch-fixed":
            result = run_network(net, *chunk, "fixed", engine="torch")
        else:
            result = net.run(*chunk, backend=backend, progress=progress)
        out.append(result.logits)
        spikes.append(result.spikes)
        overflow += result.overflow_steps
    per_layer = [np.concatenate([s[k] for s in spikes]) for k in range(len(net.layers))]
    facts = {
        "seconds": time.perf_counter() - started,
        "network": net,
        "lengths": lengths,
        "spikes": per_layer,
        "overflow_steps": overflow,
    }
    return np.concatenate(out), facts


def predict(
    model: Any,
    x: Any,
    lengths: Any = None,
    *,
    backend: str = "torch",
    batch_size: int = 256,
    progress: bool = False,
    shards: int | None = None,
    ray_address: str | None = None,
) -> np.ndarray:
    """Class indices of ``x`` (``model.class_names[i]`` names them); ``shards``: split across
    Ray workers (``logits``)."""
    scores, _ = logits(model, x, lengths, backend=backend, batch_size=batch_size,
                       progress=progress, shards=shards, ray_address=ray_address)  # fmt: skip
    return scores.argmax(1)


def evaluate(
    model: Any,
    x: Any,
    y: Any,
    lengths: Any = None,
    *,
    backend: str = "torch",
    batch_size: int = 256,
    progress: bool = False,
    shards: int | None = None,
    ray_address: str | None = None,
) -> dict[str, Any]:
    """Accuracy, macro-F1 and confusion matrix on ``(x, y)``; Lava backends and torch-fixed add
    spikes, synaptic operations, dense MACs and activity sparsity per sample, and overflow
    steps.

    ``shards``: split the samples across that many Ray workers, each shard one Lava run in a
    fresh interpreter (``lava_sd.torch.shards``), on a local Ray cluster or the one at
    ``ray_address``; the report then lists each shard's worker facts under ``"shards"``.
    """
    labels, _ = encode_labels(y, model.class_names, owner="evaluate")
    scores, facts = logits(model, x, lengths, backend=backend, batch_size=batch_size,
                           progress=progress, shards=shards, ray_address=ray_address)  # fmt: skip
    if len(labels) != len(scores):
        raise ParameterError(f"evaluate: {len(scores)} inputs but {len(labels)} labels.")
    pred = scores.argmax(1)
    n_classes = len(model.class_names)
    report: dict[str, Any] = {
        "backend": backend,
        "n": int(len(labels)),
        "accuracy": float((pred == labels).mean()),
        "macro_f1": macro_f1(labels, pred, n_classes),
        "confusion": confusion_matrix(labels, pred, n_classes).tolist(),
        "class_names": list(model.class_names),
        "seconds": facts["seconds"],
    }
    if backend != "torch":
        net, spikes, lengths = facts["network"], facts["spikes"], facts["lengths"]
        report.update(
            spikes_per_sample=float(sum(s.sum(1) for s in spikes).mean()),
            synops_per_sample=float(net.synops(spikes).mean()),
            dense_macs_per_sample=float(net.dense_macs(lengths).mean()),
            activity_sparsity=net.activity_sparsity(spikes, lengths),
            overflow_steps=facts["overflow_steps"],
        )
    if "shards" in facts:
        report["shards"] = facts["shards"]
    return report


def _chunk(x: np.ndarray, lengths: np.ndarray, start: int, size: int) -> tuple:
    """Samples ``start .. start + size``, cut to their longest length."""
    part = lengths[start : start + size]
    return x[start : start + size, :, : int(part.max())], part
