"""The training loop of every classifier: Adam, cosine learning-rate decay, cross-entropy (plus
an optional activity penalty, ``lava_sd.torch.activity``), seeded, with optional validation,
early stopping, a device, and data-parallel ranks (``lava_sd.torch.distributed``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from lava_sd.checks import ParameterError
from lava_sd.torch.activity import ActivityPenalty
from lava_sd.torch.distributed import Ranks


@dataclass
class TrainLog:
    """Per-epoch training loss and accuracy, the validation accuracy if a validation set was
    given, and the epoch whose weights were kept (the best validation epoch, else the last).
    With an activity penalty: ``activity``, the epoch's mean measure (unweighted; ``loss``
    includes the weighted penalty). Trained on ranks: ``rank_samples``, the training samples
    each rank's part of the batches held over the whole run (they add up to samples x epochs)."""

    loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    rank_samples: list[int] | None = None
    activity: list[float] = field(default_factory=list)


def accuracy(
    model: nn.Module,
    x: torch.Tensor,
    lengths: torch.Tensor,
    y: torch.Tensor,
    batch: int = 512,
    **forward_kwargs: int,
) -> float:
    """Fraction of correctly classified sequences (``forward_kwargs`` go to the model)."""
    return hits(model, x, lengths, y, batch, **forward_kwargs) / len(y)


def hits(
    model: nn.Module,
    x: torch.Tensor,
    lengths: torch.Tensor,
    y: torch.Tensor,
    batch: int = 512,
    **forward_kwargs: int,
) -> int:
    """Number of correctly classified sequences (``forward_kwargs`` go to the model)."""
    model.eval()
    correct = 0
    device = next(model.parameters()).device
    with torch.no_grad():
        for i in range(0, len(y), batch):
            logits = model(
                x[i : i + batch].to(device), lengths[i : i + batch].to(device), **forward_kwargs
            )
            correct += int((logits.argmax(1).cpu() == y[i : i + batch]).sum())
    return correct


def check_data(
    owner: str, data: Any, n_in: int, n_classes: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``data = (x, lengths, labels)`` as float32 / int64 / int64 tensors, checked: ``x``
    ``(N, n_in, T)`` finite, ``lengths`` in 1..T, labels class indices ``0 .. n_classes - 1``.

    Raises:
        ParameterError: saying what is wrong (``lava_sd.fit`` takes plain arrays, lists of
            sequences and any labels).
    """
    if not isinstance(data, tuple | list) or len(data) != 3:
        raise ParameterError(
            f"{owner}: expected (x, lengths, labels), got {type(data).__name__} of length "
            f"{len(data) if hasattr(data, '__len__') else '?'}; lava_sd.fit takes (x, y) too."
        )
    x, lengths, y = (torch.as_tensor(np.asarray(v) if not torch.is_tensor(v) else v) for v in data)
    if x.ndim != 3 or x.shape[1] != n_in or not x.is_floating_point():
        raise ParameterError(
            f"{owner}: x must be float (samples, {n_in}, time), got {tuple(x.shape)} {x.dtype}."
        )
    if not torch.isfinite(x).all():
        raise ParameterError(f"{owner}: x holds NaN or infinite values.")
    if lengths.shape != (x.shape[0],) or y.shape != (x.shape[0],):
        raise ParameterError(
            f"{owner}: lengths and labels need one entry per sample ({x.shape[0]}), got "
            f"{tuple(lengths.shape)} and {tuple(y.shape)}."
        )
    if lengths.min() < 1 or lengths.max() > x.shape[-1]:
        raise ParameterError(f"{owner}: lengths must lie in 1..{x.shape[-1]}.")
    if y.is_floating_point() or y.min() < 0 or y.max() >= n_classes:
        raise ParameterError(
            f"{owner}: labels must be class indices 0..{n_classes - 1}; lava_sd.fit maps any "
            "integer or string labels to them."
        )
    return x.float(), lengths.long(), y.long()


def train_classifier(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    val: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
    epochs: int = 40,
    lr: float = 3e-3,
    batch_size: int = 64,
    patience: int | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: bool = True,
    ranks: Ranks | None = None,
    activity: ActivityPenalty | None = None,
    **forward_kwargs: int,
) -> TrainLog:
    """Adam with cosine learning-rate decay and cross-entropy on ``model(x, lengths)`` (plus
    ``activity``'s penalty on the events of ``model(x, lengths, events=True)``).

    Args:
        model: maps ``(x (B, F, T), lengths (B,))`` to logits (``config`` gives ``n_in`` and
            ``n_classes``).
        train, val: ``(x, lengths, labels)`` (``check_data``). With ``val``, the weights of
            the epoch with the best validation accuracy (in the model's own timing, what Lava
            runs) are kept, and training stops after ``patience`` epochs without improvement.
        epochs, lr, batch_size: optimisation settings.
        patience: early-stopping patience in epochs (``None``: train every epoch).
        seed: seeds the shuffle order (the initialisation is seeded by whoever built the model).
        device: where to train (the model and each batch are moved there).
        progress: show a tqdm bar over epochs.
        ranks: train data-parallel on these ranks (``lava_sd.torch.distributed``: each rank
            trains on its part of every batch, DDP averages the gradients, the logs are summed
            over the ranks); ``device`` must be ``ranks.device``. ``None``: this process alone.
        activity: an activity penalty (``lava_sd.torch.activity.ActivityPenalty``) added to the
            loss; ``None``: cross-entropy alone.
        forward_kwargs: passed to every training ``model(x, lengths, ...)`` call.
    """
    if ranks is not None:
        return _train_on_ranks(
            model, train, val=val, epochs=epochs, lr=lr, batch_size=batch_size,
            patience=patience, seed=seed, progress=progress, ranks=ranks, activity=activity,
            **forward_kwargs,
        )  # fmt: skip
    n_in, n_classes = model.config["n_in"], model.config["n_classes"]
    x, lengths, y = check_data("train_classifier", train, n_in, n_classes)
    if val is not None:
        val = check_data("train_classifier (validation)", val, n_in, n_classes)
    model.to(device)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * int(np.ceil(len(y) / batch_size))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_fn = nn.CrossEntropyLoss()
    log, best_state = TrainLog(), None
    bar = tqdm(range(epochs), desc="training", disable=not progress)
    for epoch in bar:
        model.train()
        order = torch.randperm(len(y), generator=generator)
        total, correct, spent = 0.0, 0, 0.0
        for i in range(0, len(y), batch_size):
            idx = order[i : i + batch_size]
            t_max = int(lengths[idx].max())
            xb, lb, yb = (t.to(device) for t in (x[idx, :, :t_max], lengths[idx], y[idx]))
            if activity is None:
                logits = model(xb, lb, **forward_kwargs)
                loss = loss_fn(logits, yb)
            else:
                logits, events = model(xb, lb, events=True, **forward_kwargs)
                measure = activity.per_sample(events, lb, *_timing(model, forward_kwargs))
                loss = loss_fn(logits, yb) + activity.weight * measure.mean()
                spent += float(measure.sum())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss) * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
        log.loss.append(total / len(y))
        log.train_acc.append(correct / len(y))
        if activity is not None:
            log.activity.append(spent / len(y))
        log.best_epoch = epoch
        if val is not None:
            log.val_acc.append(accuracy(model, *val))
            best = int(np.argmax(log.val_acc))
            if best == epoch:
                best_state = copy.deepcopy(model.state_dict())
            log.best_epoch = best
            if patience is not None and epoch - best >= patience:
                log.stopped_early = True
                break
        bar.set_postfix(loss=log.loss[-1], acc=log.train_acc[-1], val=(log.val_acc or [None])[-1])
    if best_state is not None:
        model.load_state_dict(best_state)
    return log


def _train_on_ranks(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    val: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None,
    epochs: int,
    lr: float,
    batch_size: int,
    patience: int | None,
    seed: int,
    progress: bool,
    ranks: Ranks,
    activity: ActivityPenalty | None = None,
    **forward_kwargs: int,
) -> TrainLog:
    """``train_classifier`` data-parallel: the same permutation, batches, schedule and decisions
    as one process, each rank computing its interleaved part of every batch (``ranks.shard``)
    with the loss ``world / |batch| * sum of its cross-entropies``, DDP averaging the gradients."""
    n_in, n_classes = model.config["n_in"], model.config["n_classes"]
    x, lengths, y = check_data("train_classifier", train, n_in, n_classes)
    if val is not None:
        val = check_data("train_classifier (validation)", val, n_in, n_classes)
        val_part = tuple(t[ranks.rank :: ranks.world] for t in val)
    device = ranks.device
    model.to(device)
    net = ranks.wrap(model)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * int(np.ceil(len(y) / batch_size))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_sum = nn.CrossEntropyLoss(reduction="sum")
    log, best_state, seen = TrainLog(), None, 0
    bar = tqdm(range(epochs), desc=f"training ({ranks.world} ranks)",
               disable=not (progress and ranks.main))  # fmt: skip
    for epoch in bar:
        net.train()
        order = torch.randperm(len(y), generator=generator)
        total, correct, spent = 0.0, 0, 0.0
        for i in range(0, len(y), batch_size):
            idx = order[i : i + batch_size]
            t_max = int(lengths[idx].max())  # as one process pads the whole batch
            mine = ranks.shard(idx)
            # a rank whose part is empty (a last batch smaller than the world) still joins the
            # gradient all-reduce, with a zero-weighted sample
            weight = ranks.world / len(idx) if len(mine) else 0.0
            part = mine if len(mine) else idx[:1]
            xb, lb, yb = (t.to(device) for t in (x[part, :, :t_max], lengths[part], y[part]))
            if activity is None:
                logits = net(xb, lb, **forward_kwargs)
                summed = loss_sum(logits, yb)
                loss = summed * weight
            else:
                logits, events = net(xb, lb, events=True, **forward_kwargs)
                measure = activity.per_sample(events, lb, *_timing(model, forward_kwargs))
                summed = loss_sum(logits, yb)
                loss = (summed + activity.weight * measure.sum()) * weight
                if len(mine):
                    spent += float(measure.sum())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if len(mine):
                total += float(summed)
                correct += int((logits.argmax(1) == yb).sum())
                seen += len(mine)
        total, correct, spent = ranks.all_sum([total, correct, spent])
        log.loss.append(total / len(y))
        log.train_acc.append(int(correct) / len(y))
        if activity is not None:
            log.activity.append(spent / len(y))
        log.best_epoch = epoch
        if val is not None:
            (right,) = ranks.all_sum([hits(model, *val_part)])
            log.val_acc.append(int(right) / len(val[2]))
            best = int(np.argmax(log.val_acc))
            if best == epoch:
                best_state = copy.deepcopy(model.state_dict())
            log.best_epoch = best
            if patience is not None and epoch - best >= patience:
                log.stopped_early = True
                break
        bar.set_postfix(loss=log.loss[-1], acc=log.train_acc[-1], val=(log.val_acc or [None])[-1])
    if best_state is not None:
        model.load_state_dict(best_state)
    log.rank_samples = [int(n) for n in ranks.per_rank(seen)]
    return log


def _timing(model: nn.Module, forward_kwargs: dict[str, int]) -> tuple[int, int]:
    """The steps per frame and readout offset of a training forward pass."""
    k = forward_kwargs.get("frame_steps", model.frame_steps)
    return k, forward_kwargs.get("frame_offset", model.frame_offset)
