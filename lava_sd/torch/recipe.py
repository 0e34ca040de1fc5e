"""The training recipe of every registered model, in one place.

``train_recipe`` trains a ``lava_sd.Classifier`` with Adam, a cosine learning-rate schedule and
cross-entropy (``lava_sd.torch.training.train_classifier``) in up to two phases:

1. ``epochs`` at ``lr``: a model whose torch form is frame-based (the lpRNN's ANN,
   ``ModelSpec.dense_per_frame``) trains in frame form (``frame_steps = 1``, no offset, with
   quantization-aware 3-bit weights); the others at their own ``K`` steps per frame;
2. ``finetune_epochs`` at ``finetune_lr`` at the classifier's own ``K`` and readout offset: the
   time resolution its Lava network runs at (the lpRNN's SNN-time fine-tuning).

The defaults are the model's ``ModelSpec.training`` (and a preset's overrides).
"""

from __future__ import annotations

from typing import Any

import torch

from lava_sd.registry import get_model
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
) -> list[TrainLog]:
    """Train ``model`` on ``train = (x, lengths, labels)`` tensors; one log per phase.

    Runs torch on one thread (small per-step tensors: faster, and robust to a shared machine).
    """
    torch.set_num_threads(1)
    spec = get_model(model.model)
    first = dict(frame_steps=1, frame_offset=0) if spec.dense_per_frame else {}
    logs = [
        train_classifier(
            model,
            train,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
            progress=progress,
            **first,
        )  # fmt: skip
    ]
    if finetune_epochs:
        logs.append(
            train_classifier(
                model,
                train,
                epochs=finetune_epochs,
                lr=finetune_lr,
                batch_size=batch_size,
                seed=seed,
                progress=progress,
            )  # fmt: skip
        )
    return logs
