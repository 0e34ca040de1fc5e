"""The training recipe of every registered model, in one place.

``train_recipe`` trains a ``lava_sd.Classifier`` with Adam, a cosine learning-rate schedule and
cross-entropy (``lava_sd.torch.training.train_classifier``) in up to two phases:

1. ``epochs`` at ``lr``: a model whose torch form is frame-based (the lpRNN's ANN,
   ``ModelSpec.dense_per_frame``) trains in frame form (``frame_steps = 1``, no offset, with
   quantization-aware 3-bit weights); the others at their own ``K`` steps per frame;
2. ``finetune_epochs`` at ``finetune_lr`` at the classifier's own ``K`` and readout offset: the
   time resolution its Lava network runs at (the lpRNN's SNN-time fine-tuning).

``activity_penalty`` (a weight > 0) adds a penalty on the spikes or synaptic operations of the
network's Lava form (``activity_measure``; ``lava_sd.torch.activity``) to the loss of both
phases; 0 (the default) trains on the cross-entropy alone.

The defaults are the model's ``ModelSpec.training`` (and a preset's overrides).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

from lava_sd.checks import ParameterError
from lava_sd.registry import get_model
from lava_sd.torch.activity import MEASURES, ActivityPenalty
from lava_sd.torch.distributed import Ranks
from lava_sd.torch.training import TrainLog, train_classifier


def train_recipe(
    model: Any,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    epochs: int,
    lr: float,
    batch_size: int = 64,
    finetune_epochs: int = 0,
    finetune_lr: float = 1e-3,
    seed: int = 0,
    progress: bool = True,
    val: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
    patience: int | None = None,
    device: str | torch.device = "cpu",
    ranks: Ranks | None = None,
    activity_penalty: float = 0.0,
    activity_measure: str = "synops",
) -> list[TrainLog]:
    """Train ``model`` on ``train = (x, lengths, labels)`` tensors; one log per phase.

    With ``val``, each phase keeps its best epoch by validation accuracy (in the model's own
    timing) and stops after ``patience`` epochs without improvement. Run it under
    ``one_thread()`` on a CPU (``lava_sd.fit`` does). With ``ranks``, each phase trains
    data-parallel on them (``train_classifier``; ``device`` must be ``ranks.device``).
    ``activity_penalty`` > 0: the loss adds that weight times the batch's mean
    ``activity_measure`` (``"synops"``: synaptic operations per dense MAC; ``"spikes"``: events
    per neuron and step; ``lava_sd.torch.activity.ActivityPenalty``).
    """
    check_recipe(dict(epochs=epochs, lr=lr, batch_size=batch_size, patience=patience,
                      finetune_epochs=finetune_epochs, finetune_lr=finetune_lr))  # fmt: skip
    spec = get_model(model.model)
    first = dict(frame_steps=1, frame_offset=0) if spec.dense_per_frame else {}
    common = dict(
        batch_size=batch_size, seed=seed, progress=progress, val=val, patience=patience,
        device=device,
    )  # fmt: skip
    if ranks is not None:
        common["ranks"] = ranks
    if activity_penalty:
        common["activity"] = ActivityPenalty(model, activity_measure, activity_penalty)
    elif activity_measure not in MEASURES:
        raise ParameterError(
            f"activity_measure must be one of {MEASURES}, got {activity_measure!r}."
        )
    logs = [train_classifier(model, train, epochs=epochs, lr=lr, **common, **first)]
    if finetune_epochs:
        logs.append(
            train_classifier(model, train, epochs=finetune_epochs, lr=finetune_lr, **common)
        )
    return logs


def check_recipe(values: dict[str, Any]) -> None:
    """Raise ``ParameterError`` unless, where given, ``epochs`` and ``batch_size`` are integers
    >= 1, ``finetune_epochs`` one >= 0, ``patience`` one >= 1 or ``None``, and the learning
    rates finite numbers > 0."""
    least = {"epochs": 1, "batch_size": 1, "finetune_epochs": 0, "patience": 1}
    for key, low in least.items():
        value = values.get(key)
        if value is None and (key == "patience" or key not in values):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ParameterError(f"{key} must be an integer >= {low}, got {value!r}.")
    for key in ("lr", "finetune_lr"):
        if key not in values:
            continue
        value = values[key]
        ok = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
        if not ok or not np.isfinite(value) or value <= 0:
            raise ParameterError(f"{key} must be a finite number > 0, got {value!r}.")


@contextmanager
def one_thread() -> Iterator[None]:
    """torch on one CPU thread inside the block (small per-step tensors train faster so, and a
    shared machine does not slow them down; results do not depend on the machine's cores), the
    caller's thread count restored after."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
