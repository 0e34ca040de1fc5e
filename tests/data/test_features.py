"""WAV reading and numpy/scipy MFCCs: shapes, formats, a loop reference, gain, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.io.wavfile

from lava_sd.checks import ParameterError
from lava_sd.data import DatasetFormatError, mfcc, read_wav, wav_to_features
from lava_sd.data.features import hz_to_mel, mel_filterbank, mel_to_hz

SR = 16000


def tones(*freqs_amps: tuple[float, float], seconds: float = 0.5, phase: float = 0.0):
    t = np.arange(int(round(seconds * SR))) / SR
    return sum(a * np.sin(2 * np.pi * f * t + phase) for f, a in freqs_amps)


@pytest.fixture
def signal() -> np.ndarray:
    """0.5 s of a 440 Hz + a 2 kHz sine at 16 kHz, peak below 1."""
    return tones((440.0, 0.5), (2000.0, 0.25))


def write(path, data, rate=SR):
    scipy.io.wavfile.write(path, rate, data)
    return path


def reference_mfcc(x, sr, n_mfcc=13, n_mels=40, frame_ms=25, hop_ms=10, pre=0.97):
    """Straightforward loop version of the documented steps, independent of the vectorized one."""
    frame = round(frame_ms * sr / 1000)
    hop = round(hop_ms * sr / 1000)
    n_fft = 1
    while n_fft < frame:
        n_fft *= 2
    y = [x[0]] + [x[n] - pre * x[n - 1] for n in range(1, len(x))]
    window = [0.54 - 0.46 * math.cos(2 * math.pi * n / (frame - 1)) for n in range(frame)]
    mel_max = 2595 * math.log10(1 + (sr / 2) / 700)
    edges = [700 * (10 ** (mel_max * i / (n_mels + 1) / 2595) - 1) for i in range(n_mels + 2)]
    out = []
    start = 0
    while start + frame <= len(y):
        spec = np.fft.rfft([y[start + n] * window[n] for n in range(frame)], n=n_fft)
        power = np.abs(spec) ** 2 / n_fft
        log_mel = []
        for k in range(n_mels):
            lo, mid, hi = edges[k], edges[k + 1], edges[k + 2]
            energy = 0.0
            for i, p in enumerate(power):
                f = i * sr / n_fft
                if lo < f < hi:
                    energy += p * ((f - lo) / (mid - lo) if f <= mid else (hi - f) / (hi - mid))
            log_mel.append(math.log(max(energy, 1e-10)))
        coeffs = []
        for q in range(n_mfcc):
            scale = math.sqrt((1 if q == 0 else 2) / n_mels)
            coeffs.append(
                scale
                * sum(
                    v * math.cos(math.pi * q * (2 * m + 1) / (2 * n_mels))
                    for m, v in enumerate(log_mel)
                )
            )
        out.append(coeffs)
        start += hop
    return np.array(out)


def test_shape_follows_frame_count_formula(signal):
    feats = mfcc(signal, SR)
    frame, hop = 400, 160  # 25 ms and 10 ms at 16 kHz
    assert feats.shape == (1 + (8000 - frame) // hop, 13) == (48, 13)
    assert feats.dtype == np.float32
    assert np.all(np.isfinite(feats))
    longer = np.concatenate([signal, signal])
    for n_samples, n_frames in [(8079, 48), (8080, 49), (8239, 49), (8240, 50)]:
        assert mfcc(longer[:n_samples], SR).shape == (n_frames, 13)  # partial frames dropped
    assert mfcc(signal[:frame], SR).shape == (1, 13)
    assert mfcc(signal, SR, n_mfcc=20, frame_ms=32, hop_ms=16).shape == (
        1 + (8000 - 512) // 256,
        20,
    )


def test_matches_loop_reference():
    x = tones((440.0, 0.5), (2000.0, 0.25), seconds=0.06) + 0.01 * np.cos(np.arange(960) * 0.3)
    np.testing.assert_allclose(mfcc(x, SR), reference_mfcc(x, SR), rtol=1e-4, atol=1e-3)
    x8k = x[::2]
    np.testing.assert_allclose(
        mfcc(x8k, 8000, n_mfcc=5, n_mels=20, preemphasis=0.5),
        reference_mfcc(x8k, 8000, n_mfcc=5, n_mels=20, pre=0.5),
        rtol=1e-4,
        atol=1e-3,
    )


def test_louder_copy_shifts_only_coefficient_zero(signal):
    """Gain g adds 2 ln g to every log-mel band; the orthonormal DCT maps that to c0 * sqrt(M)."""
    gain, n_mels = 4.0, 40
    quiet, loud = mfcc(signal, SR, n_mels=n_mels), mfcc(gain * signal, SR, n_mels=n_mels)
    expected = 2 * math.log(gain) * math.sqrt(n_mels)  # 17.54, not just 2 ln g
    np.testing.assert_allclose(loud[:, 0] - quiet[:, 0], expected, atol=1e-3)
    np.testing.assert_allclose(loud[:, 1:], quiet[:, 1:], atol=1e-3)


def test_different_tones_give_different_mfccs():
    low = mfcc(tones((300.0, 0.5)), SR).mean(axis=0)
    high = mfcc(tones((3000.0, 0.5)), SR).mean(axis=0)
    low_shifted = mfcc(tones((300.0, 0.5), phase=1.0), SR).mean(axis=0)
    spectral_gap = np.linalg.norm((low - high)[1:])
    same_tone_gap = np.linalg.norm((low - low_shifted)[1:])
    assert spectral_gap > 10.0
    assert spectral_gap > 5 * same_tone_gap


def test_filterbank_and_mel_scale():
    assert hz_to_mel(1000.0) == pytest.approx(1000.0, abs=0.1)  # HTK: 1000 Hz ~ 1000 mel
    np.testing.assert_allclose(mel_to_hz(hz_to_mel([0.0, 440.0, 8000.0])), [0.0, 440.0, 8000.0])
    bank = mel_filterbank(40, 512, SR)
    assert bank.shape == (40, 257)
    assert bank.min() >= 0 and bank.max() <= 1
    assert np.all(bank.max(axis=1) > 0.5)  # every triangle reaches near its peak of 1
    peaks = bank.argmax(axis=1)
    assert np.all(np.diff(peaks) >= 0)  # filters ordered by frequency


@pytest.mark.parametrize(
    ("dtype", "scale", "offset"),
    [(np.int16, 32768, 0), (np.int32, 2**31, 0), (np.uint8, 128, 128), (np.float32, 1, 0)],
)
def test_read_wav_formats(tmp_path, signal, dtype, scale, offset):
    stored = signal if dtype == np.float32 else np.round(signal * (scale - 1)) + offset
    path = write(tmp_path / "x.wav", stored.astype(dtype))
    samples, rate = read_wav(path)
    assert rate == SR and samples.dtype == np.float32 and samples.shape == signal.shape
    np.testing.assert_allclose(samples, signal, atol=1.5 / scale)
    assert np.abs(samples).max() <= 1.0


def test_read_wav_mixes_stereo_to_mono(tmp_path, signal):
    left = np.round(signal * 32767).astype(np.int16)
    right = np.round(-0.5 * signal * 32767).astype(np.int16)
    samples, _ = read_wav(write(tmp_path / "st.wav", np.stack([left, right], axis=1)))
    assert samples.shape == signal.shape
    np.testing.assert_allclose(samples, 0.25 * signal, atol=1e-4)


def test_wav_to_features_equals_read_then_mfcc(tmp_path, signal):
    path = write(tmp_path / "x.wav", np.round(signal * 32767).astype(np.int16))
    samples, rate = read_wav(path)
    feats = wav_to_features(path, n_mfcc=8)
    np.testing.assert_array_equal(feats, mfcc(samples, rate, n_mfcc=8))
    np.testing.assert_allclose(feats, mfcc(signal, SR, n_mfcc=8), atol=0.05)
    with pytest.raises(ParameterError, match="x.wav"):
        wav_to_features(path, frame_ms=1000)


def test_read_wav_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_wav(tmp_path / "absent.wav")
    with pytest.raises(FileNotFoundError, match="directory"):
        read_wav(tmp_path)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DatasetFormatError, match="not a readable WAV"):
        read_wav(garbage)
    good = write(tmp_path / "good.wav", np.zeros(1000, np.int16))
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(good.read_bytes()[:30])
    with pytest.raises(DatasetFormatError, match="not a readable WAV"):
        read_wav(truncated)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(DatasetFormatError):
        read_wav(empty)
    with pytest.raises(ParameterError, match="path"):
        read_wav(None)


@pytest.mark.parametrize(
    ("samples", "kwargs", "match"),
    [
        (np.zeros(0), {}, "empty"),
        (np.zeros(100), {}, "needs 400"),
        (np.full(1000, np.nan), {}, "NaN"),
        (np.zeros((1000, 2)), {}, "1-D mono"),
        (np.array(["a"] * 1000), {}, "numeric"),
        (np.zeros(1000), {"n_mfcc": 41}, "n_mfcc=41 > n_mels=40"),
        (np.zeros(1000), {"n_mfcc": 0}, "n_mfcc"),
        (np.zeros(1000), {"n_mels": 2.5}, "n_mels"),
        (np.zeros(1000), {"frame_ms": -25}, "frame_ms"),
        (np.zeros(1000), {"hop_ms": float("inf")}, "hop_ms"),
        (np.zeros(1000), {"frame_ms": 0.05}, ">= 2 samples"),
        (np.zeros(1000), {"preemphasis": 1.0}, "preemphasis"),
        (np.zeros(1000), {"n_fft": 256}, "n_fft=256 is shorter"),
        (np.zeros(4000), {"n_mels": 128}, "no FFT bin"),
    ],
)
def test_mfcc_argument_errors(samples, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        mfcc(samples, SR, **kwargs)


def test_mfcc_bad_sample_rate_and_silence():
    with pytest.raises(ParameterError, match="sample_rate"):
        mfcc(np.zeros(1000), 0)
    with pytest.raises(ParameterError, match="sample_rate"):
        mfcc(np.zeros(1000), True)
    # silence puts every band at the log floor: finite, c0 = ln(1e-10) * sqrt(40), rest 0
    silent = mfcc(np.zeros(1000), SR)
    np.testing.assert_allclose(silent[:, 0], math.log(1e-10) * math.sqrt(40), rtol=1e-6)
    np.testing.assert_allclose(silent[:, 1:], 0.0, atol=1e-4)
