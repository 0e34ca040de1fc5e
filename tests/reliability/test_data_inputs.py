"""Item 7 of issue 13, data part: a truncated WAV, a folder of mixed sample rates, complex and
text values raise the documented errors (no warning that lets them through)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from lava_sd import ParameterError
from lava_sd.checks import as_array
from lava_sd.data.errors import DatasetFormatError
from lava_sd.data.features import read_wav
from lava_sd.data.speech_commands import load_speech_commands


def test_truncated_wav_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    wavfile.write(path, 16000, np.zeros(16000, dtype=np.int16))
    path.write_bytes(path.read_bytes()[:20000])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DatasetFormatError, match="truncated"):
            read_wav(path)


def test_speech_commands_with_mixed_sample_rates_is_refused(tmp_path: Path) -> None:
    for label, rate in (("no", 8000), ("yes", 16000)):
        (tmp_path / label).mkdir()
        tone = (8000 * np.sin(np.arange(rate) * 0.05)).astype(np.int16)
        wavfile.write(tmp_path / label / "a.wav", rate, tone)
    with pytest.raises(DatasetFormatError, match=r"8000 Hz.*16000 Hz|16000 Hz.*8000 Hz"):
        load_speech_commands(tmp_path)


@pytest.mark.parametrize(
    "value",
    [1 + 2j, np.array([1 + 1j, 2.0]), "1.5", ["1", "2"], np.array(["a"]), b"1"],
    ids=["complex", "complex array", "str", "str list", "str array", "bytes"],
)
def test_as_array_refuses_complex_and_strings(value: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match="must be real numbers"):
            as_array("probe", "value", value)
