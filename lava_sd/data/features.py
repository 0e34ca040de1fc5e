"""WAV reading and MFCC features in numpy / scipy (no librosa, no torch).

:func:`mfcc` computes, in this order:

1. pre-emphasis ``y[n] = x[n] - a * x[n-1]`` (``y[0] = x[0]``; ``a = preemphasis``, 0 turns it off);
2. framing: frames of ``L = round(frame_ms * sr / 1000)`` samples every
   ``H = round(hop_ms * sr / 1000)`` samples, no padding, so ``T = 1 + (N - L) // H`` frames for
   ``N >= L`` samples (the tail that does not fill a frame is dropped);
3. a symmetric Hamming window (:func:`numpy.hamming`, as in HTK);
4. power spectrum ``|rfft(frame, n_fft)|**2 / n_fft`` (``n_fft`` defaults to the next power of
   two ``>= L``; the frame is zero-padded to it);
5. a triangular mel filterbank: ``n_mels`` filters with peak 1, their edges equally spaced on the
   HTK mel scale ``mel(f) = 2595 * log10(1 + f / 700)`` between 0 Hz and ``sr / 2``;
6. natural log of the filterbank energies, floored at :data:`LOG_FLOOR` (silence gives a finite
   value instead of ``-inf``);
7. orthonormal DCT-II (``scipy.fft.dct(type=2, norm="ortho")``) over the mel axis, keeping the
   first ``n_mfcc`` coefficients.

Property (used by the tests): scaling the signal by ``g`` multiplies every filterbank energy by
``g**2``, i.e. adds ``2 ln g`` to every log-mel value; the orthonormal DCT of that constant
vector is ``2 ln(g) * sqrt(n_mels)`` in coefficient 0 and zero elsewhere. So a louder copy
changes only coefficient 0, by exactly ``2 * ln(g) * sqrt(n_mels)`` (while no energy is floored).
"""

from __future__ import annotations

import math
import numbers
import os
import struct
import warnings
from typing import Any

import numpy as np
import scipy.fft
import scipy.io.wavfile

from lava_sd.checks import ParameterError
from lava_sd.data._args import as_path, positive_float, positive_int
from lava_sd.data.errors import DatasetFormatError

__all__ = [
    "LOG_FLOOR",
    "hz_to_mel",
    "mel_filterbank",
    "mel_to_hz",
    "mfcc",
    "read_wav",
    "wav_to_features",
]

_TRUNCATION_SIGNS = ("Reached EOF prematurely", "Incomplete chunk")
"""scipy's ``WavFileWarning`` messages for a file that ends before its header says it does."""

LOG_FLOOR = 1e-10
"""Filterbank energies below this are raised to it before the log (``ln(1e-10) = -23.0``)."""


def read_wav(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """Read a WAV file as mono float32 samples and its sample rate.

    Integer PCM is scaled to ``[-1, 1)``: uint8 as ``(x - 128) / 128``, signed ``intN`` as
    ``x / 2**(N-1)`` (int16, and int32, which scipy also uses for 24-bit files). Float WAVs are
    returned as stored (normally already in ``[-1, 1]``; they are not clipped). Multi-channel files
    are mixed to mono by averaging the channels.

    Args:
        path: the ``.wav`` file.

    Returns:
        ``(samples, sample_rate)``: float32 array ``(N,)`` and the rate in Hz.

    Raises:
        ParameterError: if ``path`` is not a path.
        FileNotFoundError: if the file does not exist (or is a directory).
        DatasetFormatError: if the file is not a readable WAV (corrupt, truncated, unsupported
            encoding) or holds NaN / infinite samples.
    """
    path = as_path("read_wav", "path", path)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"read_wav: {path} {what}; pass the path of a .wav file.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sample_rate, data = scipy.io.wavfile.read(path)
    except (ValueError, EOFError, struct.error, IndexError, KeyError) as exc:
        raise DatasetFormatError(
            f"read_wav: {path} is not a readable WAV file ({type(exc).__name__}: {exc}). It is "
            "corrupt, truncated or uses an encoding scipy cannot read; re-export it as 16-bit PCM "
            "WAV (e.g. `sox in.wav -b 16 out.wav`)."
        ) from exc
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, scipy.io.wavfile.WavFileWarning) and any(
            sign in message for sign in _TRUNCATION_SIGNS
        ):
            raise DatasetFormatError(
                f"read_wav: {path} is truncated: the file is shorter than its header says "
                f"(scipy: {message}). Re-download or re-export the recording."
            )
        warnings.warn(warning.message, warning.category, stacklevel=2)
    data = np.asarray(data)
    if data.dtype == np.uint8:
        samples = (data.astype(np.float64) - 128.0) / 128.0
    elif data.dtype.kind == "i":
        samples = data.astype(np.float64) / float(2 ** (8 * data.dtype.itemsize - 1))
    elif data.dtype.kind == "f":
        samples = data.astype(np.float64)
    else:
        raise DatasetFormatError(
            f"read_wav: {path} holds samples of dtype {data.dtype}, which is not a PCM or float "
            "WAV encoding; re-export it as 16-bit PCM WAV."
        )
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    if not np.all(np.isfinite(samples)):
        raise DatasetFormatError(f"read_wav: {path} holds NaN or infinite samples.")
    return samples.astype(np.float32), int(sample_rate)


def hz_to_mel(freq: np.ndarray | float) -> np.ndarray:
    """HTK mel scale: ``2595 * log10(1 + f / 700)``."""
    return 2595.0 * np.log10(1.0 + np.asarray(freq, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`: ``700 * (10 ** (m / 2595) - 1)``."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mels: int, n_fft: int, sample_rate: int) -> np.ndarray:
    """Triangular mel filters ``(n_mels, n_fft // 2 + 1)`` with peak 1 (HTK mel scale).

    Filter ``k`` rises linearly from edge ``k`` to edge ``k + 1`` and falls to edge ``k + 2``,
    where the ``n_mels + 2`` edges are equally spaced in mel between 0 Hz and ``sample_rate / 2``;
    the weights are evaluated at the FFT bin frequencies ``i * sample_rate / n_fft``.

    Raises:
        ParameterError: if a filter falls between two FFT bins and gets no weight (too many
            mel bands for the frequency resolution).
    """
    n_mels = positive_int("mel_filterbank", "n_mels", n_mels)
    n_fft = positive_int("mel_filterbank", "n_fft", n_fft, minimum=2)
    sample_rate = positive_int("mel_filterbank", "sample_rate", sample_rate)
    edges = mel_to_hz(np.linspace(0.0, hz_to_mel(sample_rate / 2.0), n_mels + 2))
    bins = np.arange(n_fft // 2 + 1) * sample_rate / n_fft
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    weights = np.clip(np.minimum(rising, falling), 0.0, None)
    empty = np.flatnonzero(weights.sum(axis=1) == 0)
    if empty.size:
        raise ParameterError(
            f"mel_filterbank: {empty.size} of the {n_mels} mel filters (first: {empty[0]}) get "
            f"no FFT bin with n_fft={n_fft} at {sample_rate} Hz; use fewer mel bands (n_mels) or "
            "a larger n_fft."
        )
    return weights


def mfcc(
    samples: np.ndarray,
    sample_rate: int,
    *,
    n_mfcc: int = 13,
    n_mels: int = 40,
    frame_ms: float = 25.0,
    hop_ms: float = 10.0,
    preemphasis: float = 0.97,
    n_fft: int | None = None,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients of a mono signal (steps in the module docstring).

    Args:
        samples: 1-D mono signal (any scale; :func:`read_wav` gives ``[-1, 1]``).
        sample_rate: samples per second (Hz).
        n_mfcc: coefficients kept (``1 <= n_mfcc <= n_mels``); coefficient 0 is the log energy.
        n_mels: triangular mel filters.
        frame_ms: frame (window) length in milliseconds.
        hop_ms: step between frame starts in milliseconds.
        preemphasis: pre-emphasis coefficient ``a`` in ``[0, 1)``; 0 disables it.
        n_fft: FFT length ``>= frame length``; ``None`` picks the next power of two.

    Returns:
        float32 array ``(T, n_mfcc)``, ``T = 1 + (N - L) // H`` (see the module docstring).

    Raises:
        ParameterError: for an empty, multi-channel, non-numeric or non-finite signal, a signal
            shorter than one frame, or an out-of-range argument.
    """
    owner = "mfcc"
    sample_rate = positive_int(owner, "sample_rate", sample_rate)
    n_mfcc = positive_int(owner, "n_mfcc", n_mfcc)
    n_mels = positive_int(owner, "n_mels", n_mels)
    if n_mfcc > n_mels:
        raise ParameterError(
            f"{owner}: n_mfcc={n_mfcc} > n_mels={n_mels}; the DCT of {n_mels} mel bands has only "
            f"{n_mels} coefficients. Lower n_mfcc or raise n_mels."
        )
    frame_ms = positive_float(owner, "frame_ms", frame_ms)
    hop_ms = positive_float(owner, "hop_ms", hop_ms)
    if (
        isinstance(preemphasis, bool)
        or not isinstance(preemphasis, numbers.Real)
        or not math.isfinite(preemphasis)
        or not 0 <= preemphasis < 1
    ):
        raise ParameterError(
            f"{owner}: 'preemphasis' must be a number in [0, 1), got {preemphasis!r} (0.97 is "
            "usual, 0 disables pre-emphasis)."
        )
    frame_len = int(round(frame_ms * sample_rate / 1000.0))
    hop_len = int(round(hop_ms * sample_rate / 1000.0))
    if frame_len < 2 or hop_len < 1:
        raise ParameterError(
            f"{owner}: frame_ms={frame_ms} and hop_ms={hop_ms} at {sample_rate} Hz give "
            f"{frame_len}-sample frames every {hop_len} samples; frames need >= 2 samples and the "
            "hop >= 1 sample. Use longer frame_ms / hop_ms."
        )
    if n_fft is None:
        n_fft = 1 << (frame_len - 1).bit_length()
    else:
        n_fft = positive_int(owner, "n_fft", n_fft)
        if n_fft < frame_len:
            raise ParameterError(
                f"{owner}: n_fft={n_fft} is shorter than the {frame_len}-sample frame "
                f"({frame_ms} ms at {sample_rate} Hz); use n_fft >= {frame_len} or None."
            )

    x = _as_signal(owner, samples)
    if x.size < frame_len:
        raise ParameterError(
            f"{owner}: the signal has {x.size} samples ({1000.0 * x.size / sample_rate:.3g} ms) "
            f"but one frame needs {frame_len} ({frame_ms} ms at {sample_rate} Hz); pad the signal "
            "or use a smaller frame_ms."
        )

    emphasized = np.concatenate([x[:1], x[1:] - preemphasis * x[:-1]])
    frames = np.lib.stride_tricks.sliding_window_view(emphasized, frame_len)[::hop_len]
    spectrum = np.fft.rfft(frames * np.hamming(frame_len), n=n_fft, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2) / n_fft
    energies = power @ mel_filterbank(n_mels, n_fft, sample_rate).T
    log_mel = np.log(np.maximum(energies, LOG_FLOOR))
    cepstra = scipy.fft.dct(log_mel, type=2, norm="ortho", axis=1)[:, :n_mfcc]
    return cepstra.astype(np.float32)


def wav_to_features(path: str | os.PathLike, **mfcc_kwargs: Any) -> np.ndarray:
    """MFCC frames ``(T, n_mfcc)`` of a WAV file: :func:`read_wav` then :func:`mfcc`.

    Args:
        path: the ``.wav`` file (mixed to mono).
        **mfcc_kwargs: keyword arguments of :func:`mfcc` (``n_mfcc``, ``n_mels``, ``frame_ms``,
            ``hop_ms``, ``preemphasis``, ``n_fft``).

    Raises:
        FileNotFoundError, DatasetFormatError: see :func:`read_wav`.
        ParameterError: see :func:`mfcc`; the message names the file.
    """
    samples, sample_rate = read_wav(path)
    try:
        return mfcc(samples, sample_rate, **mfcc_kwargs)
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from exc


def _as_signal(owner: str, samples: object) -> np.ndarray:
    """Check ``samples`` is a non-empty, finite, numeric 1-D signal and return it as float64."""
    x = np.asarray(samples)
    if x.dtype.kind not in "biuf":
        raise ParameterError(
            f"{owner}: 'samples' must be numeric, got dtype {x.dtype}; pass a float array."
        )
    if x.ndim != 1:
        raise ParameterError(
            f"{owner}: 'samples' must be a 1-D mono signal, got shape {x.shape}; mix channels "
            "first, e.g. samples.mean(axis=1) (read_wav does this)."
        )
    if x.size == 0:
        raise ParameterError(f"{owner}: 'samples' is empty; pass at least one frame of audio.")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ParameterError(
            f"{owner}: 'samples' holds {np.count_nonzero(~np.isfinite(x))} NaN or infinite "
            "value(s); replace or remove them before computing features."
        )
    return x
