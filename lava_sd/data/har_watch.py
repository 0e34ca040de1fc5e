"""Smartwatch human-activity recognition (seglearn ``watch`` data) as fixed-length windows.

The recordings come from ``seglearn/data/watch_dataset.npy`` of the installed ``seglearn``
package: 140 recordings of 6-axis inertial signals (accelerometer ``ax, ay, az``, gyroscope
``wx, wy, wz``) at 50 Hz, 947..2618 samples each, from 10 subjects who each performed 7 shoulder
physiotherapy exercises twice, once with each arm (a set of repetitions per recording). The file
is located with :func:`importlib.util.find_spec`, *without* importing seglearn (its ``__init__``
imports scikit-learn and more). Nothing is downloaded.

:func:`load_watch_windows` downsamples, cuts every recording into overlapping windows labelled
with the recording's exercise, splits **by subject** (no subject has windows in both splits) and
standardizes each channel with training statistics only. :func:`window_statistics` and
the classical baseline of the HAR benchmark (``lava_sd.bench.har_baseline``); the metrics are in
``lava_sd.metrics``.

Licence: seglearn is BSD-3-Clause (c) 2018 David M. Burns; the data are from Burns et al. (2018),
arXiv:1802.01489 (text in :data:`LICENCE`, also ``HarSplits.licence``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import positive_float, positive_int
from lava_sd.data.errors import DatasetFormatError, DatasetNotFoundError, package_data_file
from lava_sd.data.normaliser import Normaliser

__all__ = [
    "HarSplits",
    "load_watch_windows",
    "watch_path",
    "window_statistics",
]

SOURCE_RATE_HZ = 50
# The inputs of models trained on these windows: raw accelerometer and gyroscope samples, 6
# channels at 25 Hz (pair-averaged from 50 Hz), standardized per channel.
FEATURE_RECIPE = "seglearn-watch-imu6-25hz"
N_CHANNELS = 6
N_CLASSES = 7
N_STATISTICS = 5  # mean, std, min, max, mean |first difference|
_WATCH_NPY = ("data", "watch_dataset.npy")
_REQUIRED_KEYS = ("X", "y", "subject", "side", "X_labels", "y_labels")
_INSTALL_HINT = (
    "Install it with `pip install seglearn==1.2.5` (or run `make test`, which sets up the "
    "project's environment with the dev extra). Nothing is downloaded at run time."
)
_REINSTALL_HINT = "Reinstall seglearn: `pip install --force-reinstall seglearn==1.2.5`."

LICENCE = """\
Smartwatch shoulder-exercise data ("watch" data set of seglearn)

Data: David M. Burns, Nathan Leung, Michael Hardisty, Cari Whyne, Patrick Henry and Stewart
McLachlin, "Shoulder physiotherapy exercise recognition: machine learning the inertial signals
from a smartwatch", Physiological Measurement 39(7), 2018, doi:10.1088/1361-6579/aacfd9,
arXiv:1802.01489. Please cite this paper when you use the data.

The data are distributed inside the seglearn package (https://github.com/dmbee/seglearn,
file seglearn/data/watch_dataset.npy), which is licensed as follows; lava_sd reads the file from
the installed package and does not redistribute it.

Copyright (c) 2018, David M. Burns
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.

* Neither the name of project-template nor the names of its
  contributors may be used to endorse or promote products derived from
  this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


@dataclass(frozen=True, eq=False, repr=False)
class HarSplits:
    """Subject-independent train / test windows of the smartwatch data, time last.

    Attributes:
        x_train: float32 ``(N_train, 6, window)`` training windows, channels ``channel_names``,
            time last (the Lava / SLAYER layout of :func:`lava_sd.data.pad`); standardized if
            loaded with ``normalize=True``.
        y_train: int64 ``(N_train,)`` exercise index of each window (its recording's label).
        subject_train: int64 ``(N_train,)`` subject (1..10) of each training window.
        recording_train: int64 ``(N_train,)`` index of the source recording in the file (windows of
            one recording overlap; use it, or ``subject_train``, to group cross-validation folds).
        side_train: int64 ``(N_train,)`` arm that wore the watch (seglearn: 1 = right, 0 = left);
            every subject did every exercise once with each arm.
        x_test, y_test, subject_test, recording_test, side_test: the same for the held-out
            subjects, standardized with the *training* statistics.
        class_names: the 7 exercise abbreviations, index ``k`` naming label ``k``.
        channel_names: the 6 channel names (``ax, ay, az, wx, wy, wz``).
        normaliser: the same statistics in float64 as a ``Normaliser`` (what a fitted model
            stores), or ``None`` when loaded with ``normalize=False``.
        mean: float32 ``(6,)`` per-channel mean over all training windows, or ``None`` when
            loaded with ``normalize=False``. Normalize new windows as ``(x - mean[:, None]) /
            std[:, None]``.
        std: float32 ``(6,)`` per-channel standard deviation (``ddof=0``) over all training
            windows, or ``None`` when loaded with ``normalize=False``.
        window: window length in samples (at ``rate_hz``).
        stride: step between window starts in samples.
        rate_hz: sample rate of the windows.
        test_subjects: the held-out subjects, sorted.
        licence: the seglearn BSD licence and the data citation.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    subject_train: np.ndarray
    recording_train: np.ndarray
    side_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    subject_test: np.ndarray
    recording_test: np.ndarray
    side_test: np.ndarray
    class_names: tuple[str, ...]
    channel_names: tuple[str, ...]
    mean: np.ndarray | None
    std: np.ndarray | None
    window: int
    stride: int
    rate_hz: int
    test_subjects: tuple[int, ...]
    licence: str
    normaliser: Normaliser | None = None

    @property
    def train_subjects(self) -> tuple[int, ...]:
        """The subjects whose windows form the training set, sorted."""
        return tuple(int(s) for s in np.unique(self.subject_train))

    def describe(self) -> str:
        """A one-line summary: rate, window, overlap, split sizes and subjects, normalization."""
        overlap = max(0.0, 1.0 - self.stride / self.window)
        return (
            f"seglearn watch: {len(self.channel_names)} channels at {self.rate_hz} Hz, windows of "
            f"{self.window} samples ({self.window / self.rate_hz:g} s) every {self.stride} "
            f"({overlap:.0%} overlap); train {len(self.y_train)} windows (subjects "
            f"{_ranges(self.train_subjects)}), test {len(self.y_test)} windows (subjects "
            f"{_ranges(self.test_subjects)}); {len(self.class_names)} classes; "
            + ("standardized with train mean/std" if self.mean is not None else "not normalized")
        )

    def __repr__(self) -> str:
        """A short summary without the arrays and the licence text."""
        return (
            f"HarSplits(x_train={self.x_train.shape}, x_test={self.x_test.shape}, "
            f"rate_hz={self.rate_hz}, window={self.window}, stride={self.stride}, "
            f"test_subjects={self.test_subjects}, normalized={self.mean is not None})"
        )


def load_watch_windows(
    *,
    test_subjects: Iterable[int] = (9, 10),
    exclude_subjects: Iterable[int] = (),
    window_s: float = 2.0,
    stride_s: float = 1.0,
    rate_hz: int = 25,
    normalize: bool = True,
) -> HarSplits:
    """Load the smartwatch recordings as labelled windows, split by subject.

    Steps:

    1. Read the 140 recordings (50 Hz, 6 channels) from seglearn's ``watch_dataset.npy``.
    2. Downsample to ``rate_hz`` by averaging non-overlapping blocks of ``50 // rate_hz``
       samples (pairs for the default 25 Hz; ``rate_hz=50`` keeps the samples). An incomplete
       last block is dropped. Block averaging is a crude low-pass filter: fine for a factor of 2
       (the arm motions are slow), increasingly aliased for larger factors.
    3. Cut every recording into windows of ``window = window_s * rate_hz`` samples starting every
       ``stride = stride_s * rate_hz`` samples; a recording of ``L`` samples (after
       downsampling) gives ``1 + (L - window) // stride`` windows, the tail shorter than a stride
       is dropped. Each window is labelled with its recording's exercise.
    4. Split **by subject**: every window of the subjects in ``test_subjects`` goes to the test
       set, every window of the subjects in ``exclude_subjects`` is dropped, every other window
       goes to training. No subject, hence no recording, is in both sets.
    5. ``normalize=True``: per-channel mean and standard deviation (``ddof=0``) over all
       *training* windows (as windows, so overlapping samples count once per window), applied
       to both splits.

    Windows are float32 ``(N, 6, window)``, time last. Within each split, windows are in file
    order of their recordings, then in time order.

    Args:
        test_subjects: the held-out subjects: a non-empty proper subset of the file's subjects
            (1..10), e.g. ``(9, 10)`` (default) or ``[3]``.
        exclude_subjects: subjects left out of both splits (default none), e.g. ``(9, 10)`` with
            ``test_subjects=(8,)`` to choose settings on subject 8 without ever touching the
            benchmark's test subjects. Must not overlap ``test_subjects``; at least one subject
            must remain for training.
        window_s: window length in seconds; ``window_s * rate_hz`` must be a whole number >= 2 not
            longer than the shortest recording (18.9 s at 25 Hz).
        stride_s: step between window starts in seconds; ``stride_s * rate_hz`` must be a whole
            number >= 1. The default 1 s with 2 s windows is 50 % overlap.
        rate_hz: sample rate of the windows: a divisor of 50 (50, 25, 10, 5, 2 or 1).
        normalize: standardize the channels with the training statistics.

    Returns:
        A :class:`HarSplits`.

    Raises:
        ParameterError: for bad ``test_subjects``, ``window_s``, ``stride_s``, ``rate_hz`` or
            ``normalize``.
        DatasetNotFoundError: if seglearn (or its ``watch_dataset.npy``) is not installed.
        DatasetFormatError: if ``watch_dataset.npy`` is unreadable or not the expected dict.
    """
    owner = "load_watch_windows"
    rate_hz = positive_int(owner, "rate_hz", rate_hz)
    if SOURCE_RATE_HZ % rate_hz:
        divisors = [d for d in range(SOURCE_RATE_HZ, 0, -1) if SOURCE_RATE_HZ % d == 0]
        raise ParameterError(
            f"{owner}: 'rate_hz' must divide the recordings' {SOURCE_RATE_HZ} Hz exactly (the "
            f"downsampling averages whole blocks of samples), got {rate_hz!r}; choose one of "
            f"{divisors}."
        )
    window = _whole_samples(owner, "window_s", window_s, rate_hz, minimum=2)
    stride = _whole_samples(owner, "stride_s", stride_s, rate_hz, minimum=1)
    if not isinstance(normalize, bool | np.bool_):
        raise ParameterError(f"{owner}: 'normalize' must be True or False, got {normalize!r}.")
    held_out = _subject_tuple(owner, "test_subjects", test_subjects)
    excluded = _subject_tuple(owner, "exclude_subjects", exclude_subjects, allow_empty=True)
    if set(held_out) & set(excluded):
        raise ParameterError(
            f"{owner}: subjects {sorted(set(held_out) & set(excluded))} are in both "
            f"'test_subjects' {list(held_out)} and 'exclude_subjects' {list(excluded)}; a subject "
            "is either tested on or left out, not both."
        )

    data = _read_watch(watch_path())
    subjects_in_file = sorted({int(s) for s in data["subject"]})
    for name, chosen in (("test_subjects", held_out), ("exclude_subjects", excluded)):
        unknown = sorted(set(chosen) - set(subjects_in_file))
        if unknown:
            raise ParameterError(
                f"{owner}: '{name}' {list(chosen)} contains {unknown}, which the data set does "
                f"not have; its subjects are {subjects_in_file}."
            )
    if len(held_out) + len(excluded) == len(subjects_in_file):
        raise ParameterError(
            f"{owner}: 'test_subjects' {list(held_out)} and 'exclude_subjects' {list(excluded)} "
            f"take every subject {subjects_in_file}, which leaves no training data; hold out a "
            "proper subset, e.g. (9, 10)."
        )

    factor = SOURCE_RATE_HZ // rate_hz
    recordings = [_downsample(rec, factor) for rec in data["X"]]
    shortest = min(len(rec) for rec in recordings)
    if window > shortest:
        raise ParameterError(
            f"{owner}: a window of {window_s!r} s ({window} samples at {rate_hz} Hz) is longer "
            f"than the shortest recording ({shortest} samples = {shortest / rate_hz:g} s); use "
            f"window_s <= {shortest / rate_hz:g}."
        )

    windows, labels, subjects, sources = [], [], [], []
    for index, rec in enumerate(recordings):
        # (L - window + 1, 6, window): time last, every start; keep every stride-th start
        cut = np.lib.stride_tricks.sliding_window_view(rec, window, axis=0)[::stride]
        windows.append(cut)
        labels.append(np.full(len(cut), data["y"][index], dtype=np.int64))
        subjects.append(np.full(len(cut), data["subject"][index], dtype=np.int64))
        sources.append(np.full(len(cut), index, dtype=np.int64))
    x = np.concatenate(windows)  # float64
    y, subject, source = np.concatenate(labels), np.concatenate(subjects), np.concatenate(sources)
    kept = ~np.isin(subject, excluded)
    x, y, subject, source = x[kept], y[kept], subject[kept], source[kept]
    is_test = np.isin(subject, held_out)

    mean = std = normaliser = None
    if normalize:
        mean64 = x[~is_test].mean(axis=(0, 2))
        std64 = x[~is_test].std(axis=(0, 2))
        std64[std64 == 0] = 1.0  # a constant channel stays centred instead of dividing by 0
        x = (x - mean64[:, None]) / std64[:, None]
        mean, std = mean64.astype(np.float32), std64.astype(np.float32)
        normaliser = Normaliser(mean64, std64)
    x = x.astype(np.float32)

    return HarSplits(
        x_train=np.ascontiguousarray(x[~is_test]),
        y_train=y[~is_test],
        subject_train=subject[~is_test],
        recording_train=source[~is_test],
        side_train=data["side"][source[~is_test]],
        x_test=np.ascontiguousarray(x[is_test]),
        y_test=y[is_test],
        subject_test=subject[is_test],
        recording_test=source[is_test],
        side_test=data["side"][source[is_test]],
        class_names=data["y_labels"],
        channel_names=data["X_labels"],
        mean=mean,
        std=std,
        window=window,
        stride=stride,
        rate_hz=rate_hz,
        test_subjects=held_out,
        licence=LICENCE,
        normaliser=normaliser,
    )


def window_statistics(x: np.ndarray) -> np.ndarray:
    """Per-window summary features for a classical classifier.

    For each channel: mean, standard deviation (``ddof=0``), minimum, maximum and the mean
    absolute first difference ``mean(|x[t+1] - x[t]|)`` (a roughness / speed measure). The
    columns are grouped by statistic: ``[mean(c0..cC-1), std(...), min(...), max(...),
    mad(...)]``, so 6 channels give 30 features.

    Args:
        x: windows ``(N, C, T)``, time last, finite, ``T >= 2``.

    Returns:
        float64 ``(N, 5 * C)``.

    Raises:
        ParameterError: if ``x`` is not a finite numeric 3-D array with at least 2 time steps.
    """
    owner = "window_statistics"
    arr = np.asarray(x)
    if arr.ndim != 3 or arr.dtype.kind not in "iuf" or arr.shape[0] < 1 or arr.shape[2] < 2:
        raise ParameterError(
            f"{owner}: 'x' must be a numeric array (N, C, T) with N >= 1 and T >= 2 (windows, "
            f"time last, as HarSplits.x_train), got shape {arr.shape} and dtype {arr.dtype}."
        )
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ParameterError(f"{owner}: 'x' contains NaN or infinite values.")
    return np.concatenate(
        [
            arr.mean(axis=2),
            arr.std(axis=2),
            arr.min(axis=2),
            arr.max(axis=2),
            np.abs(np.diff(arr, axis=2)).mean(axis=2),
        ],
        axis=1,
    )


def watch_path() -> Path:
    """Path of ``watch_dataset.npy`` in the installed seglearn package (seglearn is not imported).

    Raises:
        DatasetNotFoundError: if seglearn is not installed or its copy lacks the file.
    """
    return package_data_file(
        "seglearn",
        _WATCH_NPY,
        "The smartwatch exercise recordings",
        _INSTALL_HINT,
        _REINSTALL_HINT,
    )


def _read_watch(path: Path) -> dict[str, Any]:
    """Read and check the pickled dict of ``watch_dataset.npy``.

    Returns ``X`` (list of float64 ``(n_i, 6)``), ``y``, ``subject``, ``side`` (int64 ``(n,)``),
    ``X_labels`` (6 names) and ``y_labels`` (7 names) as tuples of str.
    """
    if not Path(path).is_file():
        raise DatasetNotFoundError(f"{path} does not exist. {_REINSTALL_HINT}")
    try:
        # The file is a pickled dict (numpy object array); it comes from the installed package.
        loaded = np.load(path, allow_pickle=True)
        data = loaded.item() if isinstance(loaded, np.ndarray) and loaded.shape == () else loaded
    except Exception as exc:  # unpickling can fail in many ways; all mean "not the file we know"
        raise DatasetFormatError(f"Cannot read {path} ({exc!r}). {_REINSTALL_HINT}") from exc

    def bad(what: str) -> DatasetFormatError:
        return DatasetFormatError(
            f"{path} is not the expected watch data set: {what}. " + _REINSTALL_HINT
        )

    if not isinstance(data, dict):
        raise bad(f"it holds a {type(data).__name__}, not a dict")
    missing = [key for key in _REQUIRED_KEYS if key not in data]
    if missing:
        raise bad(f"keys {missing} are missing (has {sorted(map(str, data))})")
    x_labels, y_labels = data["X_labels"], data["y_labels"]
    if (
        not isinstance(x_labels, list | tuple | np.ndarray)
        or len(x_labels) != N_CHANNELS
        or not all(isinstance(name, str) for name in x_labels)
    ):
        raise bad(f"'X_labels' must be {N_CHANNELS} channel names, got {x_labels!r}")
    if (
        not isinstance(y_labels, list | tuple | np.ndarray)
        or len(y_labels) != N_CLASSES
        or not all(isinstance(name, str) for name in y_labels)
    ):
        raise bad(f"'y_labels' must be {N_CLASSES} class names, got {y_labels!r}")
    recordings = data["X"]
    if not isinstance(recordings, list | tuple) or not recordings:
        raise bad(f"'X' must be a non-empty list of arrays, got {type(recordings).__name__}")
    n = len(recordings)
    columns = {}
    for key, low, high in (("y", 0, N_CLASSES - 1), ("subject", 1, None)):
        values = np.asarray(data[key])
        if values.shape != (n,) or values.dtype.kind not in "iu":
            raise bad(
                f"'{key}' must be {n} integers (one per recording in 'X'), got shape "
                f"{values.shape} and dtype {values.dtype}"
            )
        if values.min() < low or (high is not None and values.max() > high):
            raise bad(
                f"'{key}' must lie in [{low}, {high if high is not None else 'inf'}], got "
                f"[{values.min()}, {values.max()}]"
            )
        columns[key] = values.astype(np.int64)
    side = np.asarray(data["side"])
    if side.shape != (n,) or side.dtype.kind not in "iuf" or not np.isin(side, (0, 1)).all():
        raise bad(f"'side' must be {n} values 0 (left) or 1 (right), got shape {side.shape}")
    columns["side"] = side.astype(np.int64)
    checked = []
    for i, rec in enumerate(recordings):
        if (
            not isinstance(rec, np.ndarray)
            or rec.ndim != 2
            or rec.shape[1] != N_CHANNELS
            or rec.shape[0] < 1
            or rec.dtype.kind not in "iuf"
        ):
            shape = getattr(rec, "shape", None)
            raise bad(f"X[{i}] must be a numeric array (n_samples, 6), got {shape or type(rec)}")
        rec = rec.astype(np.float64)
        if not np.isfinite(rec).all():
            raise bad(f"X[{i}] contains NaN or infinite values")
        checked.append(rec)
    return {
        "X": checked,
        "y": columns["y"],
        "subject": columns["subject"],
        "side": columns["side"],
        "X_labels": tuple(str(name) for name in x_labels),
        "y_labels": tuple(str(name) for name in y_labels),
    }


def _downsample(rec: np.ndarray, factor: int) -> np.ndarray:
    """Average non-overlapping blocks of ``factor`` samples of ``(n, C)``; drop a partial block."""
    if factor == 1:
        return rec
    n = len(rec) // factor
    return rec[: n * factor].reshape(n, factor, rec.shape[1]).mean(axis=1)


def _whole_samples(owner: str, name: str, seconds: object, rate_hz: int, minimum: int) -> int:
    """``seconds * rate_hz`` as an int if it is a whole number >= ``minimum``, else raise."""
    value = positive_float(owner, name, seconds)
    samples = value * rate_hz
    whole = round(samples)
    if not math.isclose(samples, whole, rel_tol=1e-9, abs_tol=1e-9):
        raise ParameterError(
            f"{owner}: '{name}' * rate_hz must be a whole number of samples, got {value!r} s * "
            f"{rate_hz} Hz = {samples:g}; use a multiple of {1 / rate_hz:g} s."
        )
    if whole < minimum:
        raise ParameterError(
            f"{owner}: '{name}' = {value!r} s is {whole} sample(s) at {rate_hz} Hz; it must be at "
            f"least {minimum} (>= {minimum / rate_hz:g} s)."
        )
    return int(whole)


def _subject_tuple(
    owner: str, name: str, subjects: object, allow_empty: bool = False
) -> tuple[int, ...]:
    """``subjects`` as a sorted tuple of distinct positive ints, else raise."""
    hint = "pass a collection of subject numbers such as (9, 10) or [3]"
    if isinstance(subjects, str | bytes) or not isinstance(subjects, Iterable):
        raise ParameterError(
            f"{owner}: '{name}' must be a collection of subject numbers, got {subjects!r}; {hint}."
        )
    values = list(subjects)
    if not values and not allow_empty:
        raise ParameterError(f"{owner}: '{name}' is empty; {hint}.")
    for value in values:
        if (
            isinstance(value, bool | np.bool_)
            or not isinstance(value, numbers.Integral)
            or int(value) < 1
        ):
            raise ParameterError(
                f"{owner}: '{name}' must hold subject numbers 1..10 (integers), got "
                f"{value!r} in {subjects!r}."
            )
    if len(set(map(int, values))) != len(values):
        raise ParameterError(f"{owner}: '{name}' lists a subject twice: {subjects!r}; {hint}.")
    return tuple(sorted(int(v) for v in values))


def _ranges(values: Iterable[int]) -> str:
    """``(1, 2, 3, 5)`` -> ``"1-3, 5"``."""
    parts: list[str] = []
    run: list[int] = []
    for v in sorted(values):
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [v]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)
