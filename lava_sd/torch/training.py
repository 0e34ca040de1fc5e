"""Training and evaluation loops for sequence classifiers (CPU-friendly, seeded)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm


@dataclass
class TrainLog:
    """Per-epoch training loss and accuracy, and the test accuracy if a test set was given."""

    loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    """Seed torch's global generator (weight initialisation)."""
    torch.manual_seed(seed)


def accuracy(
    model: nn.Module,
    x: torch.Tensor,
    lengths: torch.Tensor,
    y: torch.Tensor,
    batch: int = 512,
    **forward_kwargs: int,
) -> float:
    """Fraction of correctly classified sequences (``forward_kwargs`` go to the model)."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            logits = model(x[i : i + batch], lengths[i : i + batch], **forward_kwargs)
            correct += int((logits.argmax(1) == y[i : i + batch]).sum())
    return correct / len(y)


def train_classifier(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    test: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
    epochs: int = 40,
    lr: float = 3e-3,
    batch_size: int = 64,
    seed: int = 0,
    progress: bool = True,
    **forward_kwargs: int,
) -> TrainLog:
    """Adam with cosine learning-rate decay and cross-entropy on ``model(x, lengths)``.

    Args:
        model: maps ``(x (B, F, T), lengths (B,))`` to logits.
        train, test: ``(x, lengths, labels)`` tensors.
        epochs, lr, batch_size: optimisation settings.
        seed: seeds the initial shuffle order (and torch, for dropout-free models the init is
            seeded by whoever built the model).
        progress: show a tqdm bar over epochs.
        forward_kwargs: passed to every ``model(x, lengths, ...)`` call.
    """
    x, lengths, y = train
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * int(np.ceil(len(y) / batch_size))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_fn = nn.CrossEntropyLoss()
    log = TrainLog()
    bar = tqdm(range(epochs), desc="training", disable=not progress)
    for _ in bar:
        model.train()
        order = torch.randperm(len(y), generator=generator)
        total, correct = 0.0, 0
        for i in range(0, len(y), batch_size):
            idx = order[i : i + batch_size]
            t_max = int(lengths[idx].max())
            logits = model(x[idx, :, :t_max], lengths[idx], **forward_kwargs)
            loss = loss_fn(logits, y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss) * len(idx)
            correct += int((logits.argmax(1) == y[idx]).sum())
        log.loss.append(total / len(y))
        log.train_acc.append(correct / len(y))
        if test is not None:
            log.test_acc.append(accuracy(model, *test, **forward_kwargs))
        bar.set_postfix(loss=log.loss[-1], acc=log.train_acc[-1], test=(log.test_acc or [None])[-1])
    return log
