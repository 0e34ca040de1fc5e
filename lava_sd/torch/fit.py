"""``lava_sd.fit``: train any registered model on your own data with its own recipe.

::

    model = lava_sd.fit("lprnn", (x, y), val=(x_val, y_val), hidden=(64, 64))
    model.evaluate(x_test, y_test, backend="fixed")      # Lava fixed point
    model.save("digits.npz")

``x`` is an array ``(samples, channels, time)`` (with optional ``lengths``: ``(x, lengths, y)``)
or a list of ``(channels, time)`` arrays of different lengths; ``y`` holds any integers or
strings. ``fit`` fits a per-channel normaliser on the training inputs only, maps the labels to
classes, builds a ``lava_sd.Classifier`` (from the model's defaults, a preset and your options)
and trains it with the model's recipe (``lava_sd.torch.recipe``: for the lpRNN, quantization-aware
training in frame form, then fine-tuning at its own K steps per frame), for at least 500 optimiser
steps unless you set ``epochs``. With validation data it
keeps the epoch with the best validation accuracy, in the timing Lava runs, and stops early
after ``patience`` epochs without improvement. It trains on a GPU when torch sees one.

``distributed=True`` in a script started by ``torchrun --nproc-per-node N`` trains the same model
data-parallel on N processes (``lava_sd.torch.distributed``; ``gloo`` on CPUs, ``nccl`` on GPUs):
every rank passes the same data, trains on its part of each batch and returns the same model;
save it on rank 0 only (``model.training_info["distributed"]["rank"] == 0``).
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from lava_sd.checks import ParameterError
from lava_sd.data.arrays import as_sequences, encode_labels
from lava_sd.data.normaliser import Normaliser
from lava_sd.registry import get_model
from lava_sd.torch import distributed as ddp
from lava_sd.torch.classifier import Classifier
from lava_sd.torch.recipe import check_recipe, one_thread, train_recipe

MIN_STEPS = 500  # a model's own number of epochs is raised to at least this many optimiser steps
RECIPE_KEYS = tuple(
    name
    for name, p in inspect.signature(train_recipe).parameters.items()
    if p.kind is p.KEYWORD_ONLY and name not in ("seed", "progress", "val", "device", "ranks")
)


def fit(
    model: str | Classifier,
    train: Sequence[Any],
    val: Sequence[Any] | None = None,
    *,
    hidden: Sequence[int] | None = None,
    preset: str | None = None,
    normaliser: str | Normaliser | None = "fit",
    feature_recipe: str | None = None,
    patience: int | None = 10,
    seed: int = 0,
    device: str = "auto",
    progress: bool = True,
    distributed: bool = False,
    **settings: Any,
) -> Classifier:
    """Train ``model`` on ``train`` and return it, ready to predict, evaluate, convert and save.

    Args:
        model: a registered model name (``lava_sd.REGISTRY``), or a ``Classifier`` to train.
        train: ``(x, y)`` or ``(x, lengths, y)``: ``x`` an array ``(N, C, T)`` or a list of
            ``(C, T_i)`` arrays; ``y`` integers or strings.
        val: validation data in the same form (optional): best-epoch selection, early stopping.
        hidden: layer widths (a new model; default: the preset's).
        preset: the model's named settings (``ModelSpec.presets``, e.g. ``"har_watch"``).
        normaliser: ``"fit"`` (per-channel mean/std of the training inputs, stored in the
            model and applied by ``predict``), ``None`` (inputs used as they are) or a
            ``Normaliser`` to apply and store.
        feature_recipe: a name for how the inputs were made (stored; ``predict`` on audio
            files checks it).
        patience: epochs without validation improvement before stopping (``None``: never).
        seed: seeds the initialisation and the shuffle order.
        device: ``"auto"`` (a GPU when torch sees one), ``"cpu"``, ``"cuda"``, ...
        progress: show progress bars (on rank 0 only when distributed).
        distributed: train data-parallel on the ranks of a ``torchrun`` job (each rank calls
            ``fit`` with the same arguments and data; ``device`` ``"auto"``: ``cuda:LOCAL_RANK``
            when torch sees a GPU, else the CPU); the result equals one process's training with
            the same ``batch_size`` (the global batch) and seed, up to float summation order.
        **settings: the training recipe (``epochs``, ``lr``, ``batch_size``,
            ``finetune_epochs``, ``finetune_lr``, ``activity_penalty`` and
            ``activity_measure``: a penalty on the Lava network's ``"synops"`` or ``"spikes"``,
            ``lava_sd.torch.activity``) and, for a new model, classifier options
            (``frame_steps``, ``readout_mode``, ``recurrent``, ``weight_bits`` for
            quantization-aware training, ...).

    Raises:
        ParameterError: what is wrong with the data or the settings, and how to fix it.
    """
    with one_thread():
        if not distributed:
            return _fit(model, train, val, hidden, preset, normaliser, feature_recipe, patience,
                        seed, device, progress, settings)  # fmt: skip
        ranks = ddp.join(device)
        # a rank that raises never reaches leave(): torchrun then ends the others
        fitted = _fit(model, train, val, hidden, preset, normaliser, feature_recipe, patience,
                      seed, ranks.device, progress and ranks.main, settings, ranks)  # fmt: skip
        ddp.leave(ranks)
        return fitted


def _fit(
    model: str | Classifier,
    train: Sequence[Any],
    val: Sequence[Any] | None,
    hidden: Sequence[int] | None,
    preset: str | None,
    normaliser: str | Normaliser | None,
    feature_recipe: str | None,
    patience: int | None,
    seed: int,
    device: str,
    progress: bool,
    settings: dict[str, Any],
    ranks: ddp.Ranks | None = None,
) -> Classifier:
    """``fit``'s body, on one torch thread (on ``ranks``, data-parallel)."""
    started = time.perf_counter()
    x, lengths, y = _unpack("fit", train)
    recipe = {key: settings.pop(key) for key in RECIPE_KEYS if key in settings}
    if isinstance(model, Classifier):
        if hidden is not None or preset is not None or settings:
            raise ParameterError(
                "fit: hidden, preset and classifier options shape a new model; the Classifier "
                f"you passed already has them (got {sorted(settings) or 'hidden/preset'})."
            )
        labels, class_names = encode_labels(y, _given_names(model), owner="fit")
        spec = get_model(model.model)
        defaults = dict(spec.training)
    else:
        spec = get_model(model) if isinstance(model, str) else _not_a_model(model)
        labels, class_names = encode_labels(y, owner="fit")
        chosen = spec.preset(preset) if preset else {"classifier": spec.classifier,
                                                       "training": spec.training}  # fmt: skip
        options = {**chosen["classifier"], **settings}
        size = hidden if hidden is not None else options.pop("hidden", None)
        options.pop("hidden", None)
        if size is None:
            raise ParameterError(
                f"fit: give the layer widths of the new {spec.name} model: hidden=(64,)."
            )
        if len(class_names) < 2:
            raise ParameterError(
                f"fit: the training labels hold one class ({class_names}); need 2+."
            )
        model = Classifier(spec.name, x.shape[1], size, len(class_names), seed=seed, **options)
        defaults = dict(chosen["training"])
    _check_shapes(model, x, class_names)
    norm = _normaliser(normaliser, x, lengths)
    if norm is not None:
        x = norm(x)
    val_tensors = _validation(val, norm, class_names) if val is not None else None
    device = _device(device) if ranks is None else ranks.device
    check_recipe({**defaults, **recipe, "patience": patience})
    recipe = {**defaults, **recipe, "epochs": _epochs(defaults, recipe, len(labels))}
    logs = train_recipe(
        model, (torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(labels)),
        **recipe, seed=seed, progress=progress, val=val_tensors,
        patience=patience if val is not None else None, device=device,
        **({} if ranks is None else {"ranks": ranks}),
    )  # fmt: skip
    model.to("cpu")
    model.class_names = class_names
    model.normaliser = norm
    model.feature_recipe = feature_recipe
    model.training_info = {
        "seed": seed,
        "recipe": recipe,
        "n_train": int(len(labels)),
        "input_abs_max": float(np.abs(x).max()),
        "train_seconds": time.perf_counter() - started,
        "device": str(device),
        "epochs_run": [len(log.loss) for log in logs],
        "val_acc": [log.val_acc for log in logs] if val is not None else None,
    }
    if recipe.get("activity_penalty"):  # the measure per epoch (lava_sd.torch.activity)
        model.training_info["activity"] = [log.activity for log in logs]
    if ranks is not None:
        model.training_info["distributed"] = {
            "rank": ranks.rank,
            "world_size": ranks.world,
            "backend": ranks.backend,
            "samples_per_rank": np.sum([log.rank_samples for log in logs], axis=0).tolist(),
        }
    return model


def _epochs(defaults: dict[str, Any], given: dict[str, Any], n_train: int) -> int:
    """The epochs to train: as given, or the recipe's, raised to ``MIN_STEPS`` optimiser steps
    (a small data set would otherwise see a few dozen steps)."""
    if "epochs" in given:
        return int(given["epochs"])
    batch = given.get("batch_size", defaults.get("batch_size", 64))
    return max(int(defaults["epochs"]), math.ceil(MIN_STEPS / math.ceil(n_train / batch)))


def _unpack(owner: str, data: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """``(x, lengths, y)`` from ``(x, y)`` or ``(x, lengths, y)``."""
    if not isinstance(data, tuple | list) or len(data) not in (2, 3):
        raise ParameterError(
            f"{owner}: data must be a pair (x, y) or a triple (x, lengths, y), got "
            f"{type(data).__name__}"
            + (f" of length {len(data)}" if hasattr(data, "__len__") else "")
            + "."
        )
    x, lengths, y = (data[0], None, data[1]) if len(data) == 2 else data
    x, lengths = as_sequences(x, lengths, owner=owner)
    if not hasattr(y, "__len__") or len(y) != len(x):
        raise ParameterError(f"{owner}: {len(x)} input sequences but a different number of labels.")
    return x, lengths, y


def _given_names(model: Classifier) -> list[str] | None:
    """A classifier's class names if they were set (not the default "0".."K-1")."""
    default = [str(c) for c in range(model.config["n_classes"])]
    return None if model.class_names == default else model.class_names


def _check_shapes(model: Classifier, x: np.ndarray, class_names: list[str]) -> None:
    if x.shape[1] != model.n_in:
        raise ParameterError(
            f"fit: the inputs have {x.shape[1]} channels but the model takes {model.n_in}."
        )
    if len(class_names) != model.config["n_classes"]:
        raise ParameterError(
            f"fit: the labels hold {len(class_names)} classes but the model has "
            f"{model.config['n_classes']} outputs."
        )


def _normaliser(choice: Any, x: np.ndarray, lengths: np.ndarray) -> Normaliser | None:
    if isinstance(choice, Normaliser) or choice is None:
        if choice is not None and choice.n_channels != x.shape[1]:
            raise ParameterError(
                f"fit: the normaliser is for {choice.n_channels} channels, the inputs have "
                f"{x.shape[1]}."
            )
        return choice
    if choice != "fit":
        raise ParameterError(
            f"fit: normaliser must be 'fit', None or a Normaliser, got {choice!r}."
        )
    return Normaliser.fit(x, lengths)


def _validation(
    val: Any, norm: Normaliser | None, class_names: list[str]
) -> tuple[torch.Tensor, ...]:
    x, lengths, y = _unpack("fit (validation)", val)
    labels, _ = encode_labels(y, class_names, owner="fit (validation)")
    if norm is not None:
        x = norm(x)
    return torch.from_numpy(x), torch.from_numpy(lengths), torch.from_numpy(labels)


def _device(choice: str) -> torch.device:
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(choice)
    except (RuntimeError, TypeError) as exc:
        raise ParameterError(f"fit: unknown device {choice!r} ({exc}).") from None


def _not_a_model(model: Any) -> Any:
    raise ParameterError(
        f"fit: model must be a registered model name or a lava_sd.Classifier, got "
        f"{type(model).__name__}."
    )
