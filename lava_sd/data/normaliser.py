"""Per-channel standardisation fitted on training data, stored with a model.

``Normaliser.fit`` computes, per channel, the mean and standard deviation (``ddof = 0``) over
every valid time step of every training sequence, in float64; ``normaliser(x)`` applies
``(x - mean) / std`` in float64 and returns float32, the arithmetic of the data loaders. Arrays
are channels-then-time: ``(N, C, T)`` or ``(C, T)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array


@dataclass(frozen=True, eq=False)
class Normaliser:
    """``(x - mean) / std`` per channel (float64 statistics, float32 result).

    Attributes:
        mean: ``(C,)`` per-channel mean.
        std: ``(C,)`` per-channel standard deviation, > 0 (a constant channel gets 1).
    """

    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self) -> None:
        mean = as_array("Normaliser", "mean", self.mean)
        std = as_array("Normaliser", "std", self.std)
        if mean.ndim != 1 or std.shape != mean.shape:
            raise ParameterError(
                f"Normaliser: mean and std must be 1-D of equal length, got {mean.shape} and "
                f"{std.shape}."
            )
        if np.any(std <= 0):
            raise ParameterError("Normaliser: every std must be positive.")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @classmethod
    def fit(cls, x: np.ndarray, lengths: np.ndarray | None = None) -> Normaliser:
        """Statistics of ``x`` ``(N, C, T)`` over each sequence's first ``lengths[i]`` steps
        (all ``T`` when ``lengths`` is ``None``)."""
        x = as_array("Normaliser.fit", "x", x)
        if x.ndim != 3 or x.shape[0] == 0:
            raise ParameterError(f"Normaliser.fit: x must be (N, C, T) with N >= 1, got {x.shape}.")
        if lengths is None:
            valid = np.ones((x.shape[0], x.shape[-1]), dtype=bool)
        else:
            lengths = np.asarray(lengths)
            valid = np.arange(x.shape[-1])[None, :] < lengths[:, None]
        frames = x.transpose(0, 2, 1)[valid]  # (steps, C)
        mean = frames.mean(axis=0)
        std = frames.std(axis=0)
        std[std == 0] = 1.0  # a constant channel stays centred instead of dividing by 0
        return cls(mean, std)

    @property
    def n_channels(self) -> int:
        """Channels it standardises."""
        return len(self.mean)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(x - mean) / std`` over the channel axis (second to last), as float32."""
        x = np.asarray(x)
        if x.ndim < 2 or x.shape[-2] != self.n_channels:
            raise ParameterError(
                f"Normaliser: expected (..., {self.n_channels}, T) inputs, got shape {x.shape}."
            )
        return ((x - self.mean[:, None]) / self.std[:, None]).astype(np.float32)

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-able form (exact: floats are written with full precision)."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Normaliser:
        """The inverse of ``to_dict``."""
        return cls(np.asarray(data["mean"], float), np.asarray(data["std"], float))
