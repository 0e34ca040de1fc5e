"""Argument checks shared by the data loaders (messages say what was wrong and how to fix it)."""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

from lava_sd.checks import ParameterError


def positive_int(owner: str, name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``, else raise.

    Raises:
        ParameterError: for booleans, non-integers and values below ``minimum``.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value != int(value)
    ):
        raise ParameterError(f"{owner}: '{name}' must be an integer >= {minimum}, got {value!r}.")
    if int(value) < minimum:
        raise ParameterError(f"{owner}: '{name}' must be >= {minimum}, got {value!r}.")
    return int(value)


def positive_float(owner: str, name: str, value: object) -> float:
    """Return ``value`` as a ``float`` if it is a finite number ``> 0``, else raise.

    Raises:
        ParameterError: for booleans, non-numbers, NaN, infinity and values ``<= 0``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ParameterError(f"{owner}: '{name}' must be a finite number > 0, got {value!r}.")
    if value <= 0:
        raise ParameterError(f"{owner}: '{name}' must be > 0, got {value!r}.")
    return float(value)


def as_path(owner: str, name: str, value: object) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` if it is a ``str`` or ``os.PathLike``.

    Raises:
        ParameterError: for any other type (e.g. ``None`` or an open file object).
    """
    if not isinstance(value, str | os.PathLike) or str(value) == "":
        raise ParameterError(
            f"{owner}: '{name}' must be a file-system path (str or pathlib.Path), got {value!r}."
        )
    return Path(value)
