"""Spiking Heidelberg Digits (SHD) hdf5 files binned into dense spike arrays.

SHD (Cramer, Stradmann, Schemmel & Zenke, 2020; CC BY 4.0) holds spoken digits 0-9 in English
and German (20 classes) converted to spikes of 700 cochlea-model channels. It cannot be
downloaded on this machine: get ``shd_train.h5`` / ``shd_test.h5`` (gunzip them) from
https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/ and pass the path.

File layout read here: ``spikes/times`` (one variable-length float array per sample, spike times
in seconds), ``spikes/units`` (matching variable-length int arrays, channel 0..699) and
``labels`` (one int per sample). Other groups (``extra/...``) are ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import as_path, positive_float, positive_int
from lava_sd.data.errors import DatasetFormatError, DatasetNotFoundError

__all__ = ["SHD_URL", "load_heidelberg"]

SHD_URL = "https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/"

# Spike times this close below a bin edge (as a fraction of dt) count in the next bin: float
# division puts e.g. 0.29 / 0.01 at 28.999999999999996, which would otherwise land in bin 28.
_EDGE_TOLERANCE = 1e-6


def load_heidelberg(
    path: str | os.PathLike,
    *,
    dt: float = 0.01,
    duration: float = 1.0,
    n_units: int = 700,
    counts: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Load an SHD hdf5 file as dense binned spikes ``(B, n_units, T)``, time last.

    Binning: ``T = round(duration / dt)`` bins; a spike at time ``t`` (seconds) of unit ``u``
    goes to bin ``floor(t / dt)`` of row ``u``. Spikes at ``t >= duration`` are dropped (SHD
    samples last up to about 1.4 s; pass ``duration=1.4`` to keep them all).

    Args:
        path: an SHD ``.h5`` file (e.g. ``shd_train.h5``).
        dt: bin width in seconds.
        duration: length of the binned window in seconds; must be a whole number of bins.
        n_units: number of input channels (700 for SHD); the file's units must be below it.
        counts: ``False`` (default) gives binary spikes: a bin holding several spikes of a unit
            is 1, the form Lava's binary spike ports take. ``True`` gives the spike count per bin
            (saturating at 255, the uint8 maximum).

    Returns:
        ``(spikes, labels)``: uint8 array ``(B, n_units, T)`` and int64 array ``(B,)``.

    Raises:
        ParameterError: for bad ``dt``, ``duration``, ``n_units`` or ``counts``.
        DatasetNotFoundError: if the file does not exist (says where to get SHD).
        DatasetFormatError: if the file is not hdf5, misses a key, or holds inconsistent data
            (negative/NaN times, units outside ``[0, n_units)``, mismatched lengths).
        ImportError: if h5py is not installed.
    """
    owner = "load_heidelberg"
    path = as_path(owner, "path", path)
    dt = positive_float(owner, "dt", dt)
    duration = positive_float(owner, "duration", duration)
    n_units = positive_int(owner, "n_units", n_units)
    if not isinstance(counts, bool | np.bool_):
        raise ParameterError(f"{owner}: 'counts' must be True or False, got {counts!r}.")
    n_bins = int(round(duration / dt))
    if n_bins < 1 or abs(n_bins * dt - duration) > 1e-6 * dt:
        raise ParameterError(
            f"{owner}: duration={duration} s is not a whole number of dt={dt} s bins "
            f"({duration / dt:.6g}); choose a duration that is a multiple of dt."
        )

    if not path.is_file():
        raise DatasetNotFoundError(
            f"SHD file {path} not found. The Spiking Heidelberg Digits cannot be downloaded on "
            f"this machine: get shd_train.h5.gz / shd_test.h5.gz from {SHD_URL} on a connected "
            "machine, gunzip them, copy them here and pass the .h5 path."
        )
    times, units, labels = _read_shd(path)

    spikes = np.zeros((len(labels), n_units, n_bins), dtype=np.uint8)
    for b, (t, u) in enumerate(zip(times, units, strict=True)):
        where = f"{path}: sample {b}"
        if t.shape != u.shape:
            raise DatasetFormatError(
                f"{where} has {t.size} spike times but {u.size} units; they must pair up."
            )
        if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
            raise DatasetFormatError(f"{where} has negative, NaN or infinite spike times.")
        if u.size and (u.min() < 0 or u.max() >= n_units):
            raise DatasetFormatError(
                f"{where} has units in [{u.min()}, {u.max()}], outside [0, {n_units}); pass "
                f"n_units > {u.max()} if the file really has more channels."
            )
        bins = np.floor(t / dt + _EDGE_TOLERANCE).astype(np.int64)
        keep = bins < n_bins
        per_bin = np.bincount(u[keep] * n_bins + bins[keep], minlength=n_units * n_bins)
        spikes[b] = np.minimum(per_bin, 255 if counts else 1).reshape(n_units, n_bins)
    return spikes, labels


def _read_shd(path: Path) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Read ``spikes/times``, ``spikes/units`` and ``labels`` from an SHD file."""
    try:
        import h5py
    except ImportError as exc:  # h5py is optional for the rest of lava_sd
        raise ImportError(
            "load_heidelberg needs h5py to read SHD files; install it with `pip install h5py`."
        ) from exc
    if not h5py.is_hdf5(path):
        raise DatasetFormatError(
            f"{path} is not an HDF5 file (wrong file, or still gzip-compressed: SHD is "
            "distributed as .h5.gz, run `gunzip` first)."
        )
    try:
        with h5py.File(path, "r") as f:
            missing = [key for key in ("spikes/times", "spikes/units", "labels") if key not in f]
            if missing:
                raise DatasetFormatError(
                    f"{path} lacks {missing} (top-level keys: {sorted(f.keys())}); an SHD file "
                    "has spikes/times, spikes/units and labels."
                )
            times = [np.asarray(t, dtype=np.float64) for t in f["spikes/times"][()]]
            units = [np.asarray(u, dtype=np.int64) for u in f["spikes/units"][()]]
            labels = np.asarray(f["labels"][()])
    except (OSError, TypeError, ValueError) as exc:
        if isinstance(exc, DatasetFormatError):
            raise
        raise DatasetFormatError(f"Cannot read SHD data from {path} ({exc}).") from exc
    if (
        labels.ndim != 1
        or labels.dtype.kind not in "iu"
        or not len(times) == len(units) == len(labels)
    ):
        raise DatasetFormatError(
            f"{path}: expected one integer label per sample, got labels of shape {labels.shape} "
            f"and dtype {labels.dtype} for {len(times)} spike-time and {len(units)} unit arrays."
        )
    return times, units, labels.astype(np.int64)
