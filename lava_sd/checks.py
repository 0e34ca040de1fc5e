"""Parameter checks with messages that say what was wrong and how to fix it.

Every lava_sd process validates its parameters with these helpers *in the parent*, before a
simulation starts: an exception inside a Lava process model hangs ``run()`` (lava-nc 0.10).
Only numpy is imported here: this module is executed by Lava's model discovery.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


class ParameterError(ValueError):
    """A process parameter, Var value or input has the wrong shape, type or range."""


def as_array(
    owner: str, name: str, value: object, shape: Sequence[int] | None = None
) -> np.ndarray:
    """Convert ``value`` to a finite float64 array, broadcast to ``shape`` if given.

    Args:
        owner: what the value belongs to, for the message (e.g. ``"SigmaDelta 'enc'"``).
        name: the parameter name.
        value: scalar or array-like.
        shape: target shape; ``None`` keeps the value's own shape.

    Raises:
        ParameterError: if the value is not numeric (complex numbers and text included), not
            finite or not broadcastable to ``shape``.
    """
    try:
        raw = np.asarray(value)
        if _complex_or_text(raw):
            raise ParameterError(
                f"{owner}: '{name}' must be real numbers, got {_short(value)} (dtype {raw.dtype}); "
                "pass floats or integers (for complex data, pass the real part or the magnitude "
                "explicitly; numbers given as text must be converted first)."
            )
        arr = np.array(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(f"{owner}: '{name}' must be numeric, got {_short(value)}.") from exc
    check_finite(owner, name, arr)
    if shape is None:
        return arr
    try:
        return np.broadcast_to(arr, tuple(shape)).copy()
    except ValueError:
        raise ParameterError(
            f"{owner}: '{name}' has shape {arr.shape}, which does not broadcast to the process "
            f"shape {tuple(shape)}; pass a scalar or an array of shape {tuple(shape)} "
            f"(or of its last dimension, {tuple(shape)[-1:]})."
        ) from None


def check_finite(owner: str, name: str, arr: np.ndarray) -> None:
    """Raise ``ParameterError`` if ``arr`` holds NaN or infinity."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        where = tuple(int(i) for i in bad[0]) if bad.size else ()
        raise ParameterError(
            f"{owner}: '{name}' holds {np.count_nonzero(~np.isfinite(arr))} NaN or infinite "
            f"value(s) (first at index {where}); replace them with finite numbers."
        )


def check_range(
    owner: str, name: str, arr: np.ndarray, low: float, high: float, hint: str = ""
) -> None:
    """Raise ``ParameterError`` unless every element lies in ``[low, high]``."""
    arr = np.asarray(arr)
    bad = (arr < low) | (arr > high)
    if np.any(bad):
        worst = arr[bad].flat[0]
        raise ParameterError(
            f"{owner}: '{name}' = {worst:g} is out of range [{low:g}, {high:g}]." + _hint(hint)
        )


def check_integer(owner: str, name: str, arr: np.ndarray, hint: str = "") -> None:
    """Raise ``ParameterError`` unless every element is integer-valued."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "biu":
        return
    bad = arr != np.round(arr)
    if np.any(bad):
        raise ParameterError(
            f"{owner}: '{name}' = {arr[bad].flat[0]:g} is not an integer, but the fixed-point "
            f"model stores it as one." + _hint(hint)
        )


def check_shape(owner: str, shape: Sequence[int]) -> tuple[int, ...]:
    """``shape`` as a non-empty tuple of positive ints, or a ``ParameterError`` naming ``owner``.

    Non-integer entries (``2.5``, ``"4"``) are refused rather than truncated.
    """
    try:
        entries = tuple(shape)
    except TypeError:
        entries = None
    valid = entries is not None and all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in entries
    )
    if not valid:
        raise ParameterError(
            f"{owner}: shape must be a tuple of positive integers, e.g. (n,) or (batch, n); "
            f"got {shape!r}."
        )
    if not entries or any(n <= 0 for n in entries):
        raise ParameterError(
            f"{owner}: shape must be a non-empty tuple of positive integers, got {entries}."
        )
    return tuple(int(n) for n in entries)


def _complex_or_text(arr: np.ndarray) -> bool:
    """Whether ``arr`` holds complex numbers, strings or bytes (also inside an object array)."""
    if arr.dtype.kind in "cUSV":
        return True
    return arr.dtype.kind == "O" and any(
        isinstance(x, str | bytes | complex | np.complexfloating) for x in arr.flat
    )


def _short(value: object, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _hint(hint: str) -> str:
    return f" {hint}" if hint else ""
