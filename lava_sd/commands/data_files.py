"""The ``.npz`` data files of the command line.

A data file is a numpy ``.npz`` archive (``np.savez("train.npz", x=x, y=y)``), read without
pickle, with:

- ``x``: float ``(samples, channels, time)``, time last;
- ``lengths`` (optional): int ``(samples,)``, the valid steps of each sample (the rest of its row
  is padding);
- ``y``: labels ``(samples,)``, integers or strings (needed by ``train`` and ``eval``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError


def read_data(path: str | Path, *, labels: bool) -> tuple[np.ndarray, Any, Any]:
    """``(x, lengths or None, y or None)`` of a data file; ``labels``: ``y`` is required."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"no data file at {path}.")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ParameterError(
            f"{path} is not a readable .npz data file ({type(exc).__name__}: {exc}); write one "
            "with numpy.savez(path, x=x, y=y)."
        ) from None
    if "x" not in arrays:
        raise ParameterError(f"{path} has no array 'x' (it has {sorted(arrays)}).")
    if labels and "y" not in arrays:
        raise ParameterError(f"{path} has no labels 'y' (it has {sorted(arrays)}).")
    return arrays["x"], arrays.get("lengths"), arrays.get("y")
