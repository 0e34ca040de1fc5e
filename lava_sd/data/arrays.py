"""User data as the arrays a network takes: inputs, labels, resampling.

Inputs are channels-then-time, like everything in lava_sd: one array ``(N, C, T)`` (every sample
``T`` steps long, or shorter ones given by ``lengths``), or a list of ``(C, T_i)`` arrays of
different lengths, padded by holding each sequence's last frame (a network that reads past a
sequence's end then sees the same input whatever batch it is in). Labels may be any integers or
strings: they become class indices ``0 .. K-1`` in sorted order, and their names are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError

MAX_CLASSES = 10_000


def as_sequences(
    x: Any, lengths: Any = None, *, owner: str = "data"
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, lengths)``: inputs as one finite float32 ``(N, C, T)`` array and int64 lengths.

    Args:
        x: an array ``(N, C, T)``, or a list of ``(C, T_i)`` arrays (numpy, lists or torch).
        lengths: for an array, each sample's valid steps (default: all ``T``); not with a list.
        owner: who asks, for error messages.

    Raises:
        ParameterError: wrong dimensions, differing channel counts, non-numeric or non-finite
            values, lengths that do not fit ``x``.
    """
    if isinstance(x, list | tuple) and x and np.ndim(_numpy(x[0])) == 2:
        if lengths is not None:
            raise ParameterError(
                f"{owner}: a list of (channels, time) sequences carries its own lengths; do not "
                "pass 'lengths' with it."
            )
        return _pad_list(owner, [_numpy(seq) for seq in x])
    arr = _float_array(owner, "x", x)
    if arr.ndim != 3:
        hint = (
            " A single sequence (C, T) needs a batch axis: x[None]."
            if arr.ndim == 2
            else " Give (samples, channels, time) or a list of (channels, time) arrays."
        )
        raise ParameterError(
            f"{owner}: x must be (samples, channels, time), got {arr.shape}.{hint}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0 or arr.shape[2] == 0:
        raise ParameterError(f"{owner}: x has no samples, channels or steps (shape {arr.shape}).")
    steps = arr.shape[-1]
    if lengths is None:
        return arr, np.full(arr.shape[0], steps, dtype=np.int64)
    lengths = np.asarray(_numpy(lengths))
    if (
        lengths.shape != (arr.shape[0],)
        or lengths.dtype.kind not in "iuf"
        or np.any(lengths != np.round(lengths))
        or lengths.min() < 1
        or lengths.max() > steps
    ):
        raise ParameterError(
            f"{owner}: lengths must give each of the {arr.shape[0]} samples' valid steps, "
            f"integers in 1..{steps}."
        )
    return arr, lengths.astype(np.int64)


def encode_labels(
    y: Any, class_names: Sequence[str] | None = None, *, owner: str = "data"
) -> tuple[np.ndarray, list[str]]:
    """``(indices, class_names)``: labels of any integers or strings as int64 class indices.

    Without ``class_names`` the classes are the sorted distinct labels (their ``str`` are the
    names); with them (a fitted model's), every label must be one of them.

    Raises:
        ParameterError: labels that are not 1-D integers or strings, or unknown labels.
    """
    labels = np.asarray(_numpy(y))
    if labels.ndim != 1 or labels.size == 0:
        raise ParameterError(
            f"{owner}: labels must be a non-empty 1-D sequence, got {labels.shape}."
        )
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ParameterError(
                f"{owner}: labels are floats that are not whole numbers; give class labels as "
                "integers or strings."
            )
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iuUSb":
        raise ParameterError(f"{owner}: labels must be integers or strings, got {labels.dtype}.")
    names = [str(v) for v in labels]
    if class_names is None:
        distinct = np.unique(labels)
        if len(distinct) > MAX_CLASSES:
            raise ParameterError(f"{owner}: {len(distinct)} distinct labels; is y really a label?")
        class_names = [str(v) for v in distinct]
    index = {name: i for i, name in enumerate(class_names)}
    unknown = sorted({n for n in names if n not in index})
    if unknown:
        raise ParameterError(
            f"{owner}: label(s) {unknown[:5]} are not among the model's classes {list(index)}."
        )
    return np.array([index[n] for n in names], dtype=np.int64), list(class_names)


def stratified_split(
    y: Any, fraction: float = 0.2, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(keep, held_out)``: sorted indices that hold out ``round(fraction n_c)`` samples of
    every class ``c`` (at least one), drawn with ``numpy.random.default_rng(seed)``; e.g. a
    validation split of a training set.

    Raises:
        ParameterError: a fraction outside (0, 1), or a class too small to keep a sample.
    """
    labels, _ = encode_labels(y, owner="stratified_split")
    if isinstance(fraction, bool) or not 0 < float(fraction) < 1:
        raise ParameterError(f"stratified_split: 'fraction' must lie in (0, 1), got {fraction!r}.")
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        k = max(1, round(float(fraction) * len(members)))
        if k >= len(members):
            raise ParameterError(
                f"stratified_split: class {c} has {len(members)} sample(s); holding out {k} "
                "leaves none to keep. Lower 'fraction' or add samples."
            )
        held.append(rng.permutation(members)[:k])
    held_out = np.sort(np.concatenate(held))
    return np.setdiff1d(np.arange(len(labels)), held_out), held_out


def resample(x: Any, rate_in: float, rate_out: float, *, axis: int = -1) -> np.ndarray:
    """``x`` resampled from ``rate_in`` to ``rate_out`` samples per second along ``axis`` (time),
    with a polyphase anti-aliasing filter (``scipy.signal.resample_poly``); float64.

    The ratio is approximated by a fraction with a denominator of at most 1000.
    """
    from scipy.signal import resample_poly

    for name, rate in (("rate_in", rate_in), ("rate_out", rate_out)):
        if isinstance(rate, bool) or not np.isfinite(rate) or rate <= 0:
            raise ParameterError(f"resample: '{name}' must be a positive rate, got {rate!r}.")
    arr = _float_array("resample", "x", x).astype(np.float64)
    ratio = Fraction(float(rate_out) / float(rate_in)).limit_denominator(1000)
    return resample_poly(arr, ratio.numerator, ratio.denominator, axis=axis)


def _pad_list(owner: str, seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    arrays = [_float_array(owner, f"x[{i}]", seq) for i, seq in enumerate(seqs)]
    for i, seq in enumerate(arrays):
        if seq.ndim != 2 or seq.shape[1] == 0:
            raise ParameterError(
                f"{owner}: x[{i}] must be a (channels, time) array with steps, got {seq.shape}."
            )
        if seq.shape[0] != arrays[0].shape[0]:
            raise ParameterError(
                f"{owner}: x[{i}] has {seq.shape[0]} channels but x[0] has {arrays[0].shape[0]}; "
                "every sequence needs the same channels."
            )
    lengths = np.array([seq.shape[1] for seq in arrays], dtype=np.int64)
    out = np.empty((len(arrays), arrays[0].shape[0], int(lengths.max())), dtype=np.float32)
    for b, seq in enumerate(arrays):
        out[b, :, : seq.shape[1]] = seq
        out[b, :, seq.shape[1] :] = seq[:, -1:]
    return out, lengths


def _float_array(owner: str, name: str, value: Any) -> np.ndarray:
    arr = np.asarray(_numpy(value))
    if arr.dtype.kind not in "biuf":
        raise ParameterError(
            f"{owner}: '{name}' must hold real numbers, got dtype {arr.dtype}; convert strings "
            "or complex values first."
        )
    arr = arr.astype(np.float32)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(
            f"{owner}: '{name}' holds NaN or infinite values (or values beyond float32); clean "
            "or clip them first."
        )
    return arr


def _numpy(value: Any) -> Any:
    """A torch tensor's values as numpy; anything else unchanged."""
    detach = getattr(value, "detach", None)
    return detach().cpu().numpy() if callable(detach) else value
