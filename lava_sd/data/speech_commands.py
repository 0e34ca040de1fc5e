"""Google Speech Commands from an extracted folder, as MFCC sequences per split.

Speech Commands (Warden, 2018, https://arxiv.org/abs/1804.03209; CC BY 4.0) cannot be downloaded
on this machine. Extract ``speech_commands_v0.02.tar.gz`` (from
http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz) on disk so that it reads
``root/<label>/<file>.wav`` and pass ``root``. Folders whose name starts with ``_`` (such as
``_background_noise_``) are not labels and are skipped.

Split: if ``root/validation_list.txt`` and/or ``root/testing_list.txt`` exist (they list paths
relative to ``root``, one per line, e.g. ``yes/0a7c2a8d_nohash_0.wav``), listed files go to
``"validation"`` / ``"test"`` and every other file to ``"train"``. Without the lists every file
is in ``"train"``. Only splits that receive at least one file are returned.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import as_path, positive_int
from lava_sd.data.errors import DatasetFormatError, DatasetNotFoundError
from lava_sd.data.features import mfcc, read_wav
from lava_sd.data.sequences import SequenceDataset

__all__ = ["SPEECH_COMMANDS_URL", "load_speech_commands"]

SPEECH_COMMANDS_URL = "http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz"
_SPLIT_LISTS = {"validation": "validation_list.txt", "test": "testing_list.txt"}
_SPLIT_ORDER = ("train", "validation", "test")
_N_MELS = 40


def load_speech_commands(
    root: str | os.PathLike, *, labels: Sequence[str] | None = None, n_mfcc: int = 13
) -> dict[str, SequenceDataset]:
    """Compute MFCC sequences of Speech Commands WAV files, split by the official lists.

    Features: :func:`lava_sd.data.features.wav_to_features` with ``n_mfcc`` and the other
    :func:`~lava_sd.data.features.mfcc` defaults (40 mel bands, 25 ms frames, 10 ms hop, 0.97
    pre-emphasis): a 1 s clip at 16 kHz gives 98 frames. No normalization is applied; fit one on
    the ``"train"`` split. Nothing is cached: every call reads and transforms every file.

    Args:
        root: the extracted data set folder holding one sub-folder of ``.wav`` files per label.
        labels: the labels (folder names) to load, in the order that defines their class index;
            ``None`` loads every label folder, sorted by name.
        n_mfcc: MFCC coefficients per frame.

    Returns:
        ``{"train": ..., "validation": ..., "test": ...}``, holding only the non-empty splits;
        every :class:`SequenceDataset` has ``class_names`` equal to the label list; its sequences
        are grouped by label (in label order), files sorted by name within a label.

    Raises:
        ParameterError: for bad ``labels`` (unknown, repeated, or a single string) or ``n_mfcc``.
        DatasetNotFoundError: if ``root`` is missing or holds no label folder with ``.wav`` files.
        DatasetFormatError: if a WAV file cannot be read or is shorter than one frame, or if
            the files do not all have the same sample rate (the message names the files).
    """
    owner = "load_speech_commands"
    root = as_path(owner, "root", root)
    n_mfcc = positive_int(owner, "n_mfcc", n_mfcc)
    if n_mfcc > _N_MELS:
        raise ParameterError(
            f"{owner}: n_mfcc={n_mfcc} exceeds the {_N_MELS} mel bands; use n_mfcc <= {_N_MELS}."
        )
    how_to_get = (
        f"Speech Commands cannot be downloaded on this machine: fetch {SPEECH_COMMANDS_URL} on a "
        "connected machine, extract it (tar -xzf) and pass the folder that holds one sub-folder "
        "of .wav files per label (root/<label>/<file>.wav)."
    )
    if not root.is_dir():
        raise DatasetNotFoundError(f"Speech Commands folder {root} does not exist. {how_to_get}")
    available = sorted(
        d.name
        for d in root.iterdir()
        if d.is_dir() and not d.name.startswith("_") and any(d.glob("*.wav"))
    )
    if not available:
        raise DatasetNotFoundError(
            f"{root} holds no label folder with .wav files (expected root/<label>/<file>.wav). "
            + how_to_get
        )
    chosen = _check_labels(owner, labels, available)

    split_of = {}
    for split, name in _SPLIT_LISTS.items():
        listing = root / name
        if listing.is_file():
            for line in listing.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    split_of[line.strip().replace("\\", "/")] = split

    features: dict[str, list[np.ndarray]] = {split: [] for split in _SPLIT_ORDER}
    targets: dict[str, list[int]] = {split: [] for split in _SPLIT_ORDER}
    first: tuple[int, Path] | None = None  # (sample rate, file) of the first recording
    for index, label in enumerate(chosen):
        for wav in sorted((root / label).glob("*.wav")):
            split = split_of.get(f"{label}/{wav.name}", "train")
            samples, rate = read_wav(wav)
            first = first or (rate, wav)
            if rate != first[0]:
                raise DatasetFormatError(
                    f"{owner}: {wav} is sampled at {rate} Hz but {first[1]} at {first[0]} Hz. "
                    "MFCCs of different sample rates are not comparable (the mel filters span 0 "
                    "to half the rate); resample the odd files to the data set's rate (Speech "
                    "Commands is 16 kHz), e.g. `sox in.wav -r 16000 out.wav`."
                )
            try:
                features[split].append(mfcc(samples, rate, n_mfcc=n_mfcc, n_mels=_N_MELS))
            except ParameterError as exc:  # too short for one frame, or similar
                raise DatasetFormatError(f"{owner}: cannot compute features: {wav}: {exc}") from exc
            targets[split].append(index)
    return {
        split: SequenceDataset(
            features[split], np.array(targets[split], dtype=np.int64), class_names=chosen
        )
        for split in _SPLIT_ORDER
        if features[split]
    }


def _check_labels(
    owner: str, labels: Sequence[str] | None, available: list[str]
) -> tuple[str, ...]:
    """Validate the requested labels against the label folders found."""
    if labels is None:
        return tuple(available)
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
        raise ParameterError(
            f"{owner}: 'labels' must be a non-empty list of folder names, got {labels!r}; "
            f"e.g. labels=['yes', 'no']."
        )
    if len(set(labels)) != len(labels):
        raise ParameterError(f"{owner}: 'labels' repeats a name: {list(labels)}.")
    unknown = [label for label in labels if label not in available]
    if unknown:
        raise ParameterError(
            f"{owner}: no .wav folder for label(s) {unknown}; available: {available}."
        )
    return tuple(labels)
