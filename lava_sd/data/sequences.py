"""Variable-length sequence data sets and zero-padding to one batch array.

Layout convention: a *sequence* is a 2-D array ``(T, n_features)`` with time first (how
recordings and MFCC frames come). :func:`pad` turns a list of them into one batch array with
**time last**, ``(B, n_features, T_max)``, the Lava / lava-dl SLAYER convention (Lava processes
are fed one time step per column; SLAYER blocks take ``NC...T`` tensors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lava_sd.checks import ParameterError


@dataclass(frozen=True, eq=False, repr=False)
class SequenceDataset:
    """A labelled set of variable-length feature sequences.

    Attributes:
        features: one float32 array ``(T_i, n_features)`` per example, time first, ``T_i >= 1``.
        labels: int64 array ``(B,)`` of class indices ``0 .. n_classes - 1``.
        class_names: optional names of the classes, index ``k`` naming label ``k``; when given,
            ``n_classes`` is its length (so a split that happens to miss a class still reports
            the full number of classes).
    """

    features: list[np.ndarray]
    labels: np.ndarray
    class_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        owner = "SequenceDataset"
        if not isinstance(self.features, list):
            raise ParameterError(
                f"{owner}: 'features' must be a list of 2-D arrays, got "
                f"{type(self.features).__name__}; pass list(features)."
            )
        labels = np.asarray(self.labels)
        if labels.ndim != 1 or labels.dtype != np.int64:
            raise ParameterError(
                f"{owner}: 'labels' must be a 1-D int64 array, got shape {labels.shape} and "
                f"dtype {labels.dtype}; convert with np.asarray(labels, dtype=np.int64)."
            )
        if len(labels) != len(self.features):
            raise ParameterError(
                f"{owner}: {len(self.features)} feature sequences but {len(labels)} labels; "
                "there must be one label per sequence."
            )
        if not self.features:
            raise ParameterError(f"{owner}: 'features' is empty; a data set needs >= 1 sequence.")
        n_features = None
        for i, seq in enumerate(self.features):
            if not isinstance(seq, np.ndarray) or seq.ndim != 2 or seq.dtype != np.float32:
                raise ParameterError(
                    f"{owner}: features[{i}] must be a float32 array (T, n_features), got "
                    f"{_describe(seq)}; convert with np.asarray(x, dtype=np.float32)."
                )
            if seq.shape[0] < 1:
                raise ParameterError(
                    f"{owner}: features[{i}] has no time steps (shape {seq.shape})."
                )
            if n_features is None:
                n_features = seq.shape[1]
            elif seq.shape[1] != n_features:
                raise ParameterError(
                    f"{owner}: features[{i}] has {seq.shape[1]} features but features[0] has "
                    f"{n_features}; all sequences need the same number of features."
                )
        if labels.min() < 0 or (self.class_names and labels.max() >= len(self.class_names)):
            raise ParameterError(
                f"{owner}: labels must lie in [0, n_classes), got range [{labels.min()}, "
                f"{labels.max()}] with {len(self.class_names) or 'no'} class names."
            )

    def __repr__(self) -> str:
        """A one-line summary (the default repr would print every array)."""
        lengths = self.lengths
        return (
            f"SequenceDataset({len(self)} sequences, n_features={self.n_features}, "
            f"n_classes={self.n_classes}, lengths {lengths.min()}..{lengths.max()})"
        )

    def __len__(self) -> int:
        """Number of sequences."""
        return len(self.features)

    def padded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, lengths, labels)``: the sequences as one float32 ``(B, features, T)`` array
        (time last), each padded by holding its last frame (``pad(..., hold_last=True)``: results
        then do not depend on the batch composition), their lengths and int64 labels."""
        x, lengths = pad(self.features, hold_last=True)
        return x.astype(np.float32), lengths.astype(np.int64), self.labels.astype(np.int64)

    @property
    def lengths(self) -> np.ndarray:
        """int64 array ``(B,)`` with the number of time steps of each sequence."""
        return np.array([seq.shape[0] for seq in self.features], dtype=np.int64)

    @property
    def n_features(self) -> int:
        """Number of features per time step (e.g. 13 MFCCs)."""
        return int(self.features[0].shape[1])

    @property
    def n_classes(self) -> int:
        """``len(class_names)`` if names are given, else ``max(labels) + 1``."""
        if self.class_names:
            return len(self.class_names)
        return int(self.labels.max()) + 1


def pad(
    features: Sequence[np.ndarray], *, time_last: bool = True, hold_last: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Pad variable-length sequences ``(T_i, n_features)`` into one batch array.

    Args:
        features: sequences with time first, e.g. ``SequenceDataset.features``.
        time_last: ``True`` (default) returns ``(B, n_features, T_max)``, the Lava / SLAYER
            convention (time is the last axis); ``False`` returns ``(B, T_max, n_features)``.
        hold_last: fill each sequence's padding with its last frame instead of zeros, so a
            model that reads a few steps past a sequence's end (the ΣΔ readout offset) sees
            the same input whatever the batch it is in.

    Returns:
        ``(batch, lengths)``: ``batch`` has the inputs' common dtype and zeros (or the held
        last frame) after each sequence's end; ``lengths`` is int64 ``(B,)``.

    Raises:
        ParameterError: if ``features`` is empty, not 2-D arrays, or the feature counts differ.
    """
    if isinstance(features, np.ndarray) or not isinstance(features, Sequence) or not features:
        raise ParameterError(
            "pad: 'features' must be a non-empty list of 2-D arrays (T_i, n_features), got "
            f"{_describe(features)}."
        )
    arrays = [np.asarray(seq) for seq in features]
    for i, seq in enumerate(arrays):
        if seq.ndim != 2 or seq.dtype.kind not in "biuf":
            raise ParameterError(
                f"pad: features[{i}] must be a numeric 2-D array (T, n_features), got "
                f"{_describe(seq)}."
            )
        if seq.shape[1] != arrays[0].shape[1]:
            raise ParameterError(
                f"pad: features[{i}] has {seq.shape[1]} features but features[0] has "
                f"{arrays[0].shape[1]}; all sequences need the same number of features."
            )
    lengths = np.array([seq.shape[0] for seq in arrays], dtype=np.int64)
    batch = np.zeros(
        (len(arrays), int(lengths.max()), arrays[0].shape[1]), dtype=np.result_type(*arrays)
    )
    for b, seq in enumerate(arrays):
        batch[b, : seq.shape[0]] = seq
        if hold_last:
            batch[b, seq.shape[0] :] = seq[-1]
    if time_last:
        batch = np.ascontiguousarray(batch.transpose(0, 2, 1))
    return batch, lengths


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]
