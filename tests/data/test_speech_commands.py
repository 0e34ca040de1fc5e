"""Speech Commands folder loader on 2 labels x 3 tiny WAV files."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.io.wavfile

from lava_sd.checks import ParameterError
from lava_sd.data import (
    DatasetFormatError,
    DatasetNotFoundError,
    load_speech_commands,
    wav_to_features,
)

SR = 16000
N_SAMPLES = 3200  # 0.2 s -> 1 + (3200 - 400) // 160 = 18 frames


def make_root(tmp_path, with_lists=True):
    root = tmp_path / "speech_commands"
    for k, (label, freq) in enumerate([("yes", 300.0), ("no", 2500.0)]):
        (root / label).mkdir(parents=True)
        for i in range(3):
            t = np.arange(N_SAMPLES + 160 * i) / SR  # 18, 19, 20 frames
            wave = 0.3 * np.sin(2 * np.pi * (freq + 10 * i) * t)
            scipy.io.wavfile.write(
                root / label / f"{k}{i}_nohash_0.wav", SR, (wave * 32767).astype(np.int16)
            )
    (root / "_background_noise_").mkdir()
    scipy.io.wavfile.write(root / "_background_noise_" / "noise.wav", SR, np.zeros(4000, np.int16))
    if with_lists:
        (root / "testing_list.txt").write_text("yes/02_nohash_0.wav\nno/10_nohash_0.wav\n")
    return root


def test_splits_from_testing_list(tmp_path):
    root = make_root(tmp_path)
    splits = load_speech_commands(root)
    assert set(splits) == {"train", "test"}  # no validation_list.txt -> no validation split
    train, test = splits["train"], splits["test"]
    assert len(train) == 4 and len(test) == 2
    assert train.class_names == test.class_names == ("no", "yes")  # sorted folder names
    assert test.labels.tolist() == [0, 1]  # no/10 then yes/02
    assert train.labels.tolist() == [0, 0, 1, 1]
    assert test.lengths.tolist() == [18, 20]
    assert train.lengths.tolist() == [19, 20, 18, 19]
    assert train.n_features == 13 and train.n_classes == 2
    np.testing.assert_array_equal(
        test.features[1], wav_to_features(root / "yes" / "02_nohash_0.wav")
    )


def test_validation_list_and_label_subset(tmp_path):
    root = make_root(tmp_path)
    (root / "validation_list.txt").write_text("yes/00_nohash_0.wav\r\n\r\n")
    splits = load_speech_commands(root, labels=["yes"], n_mfcc=5)
    assert {name: len(data) for name, data in splits.items()} == {
        "train": 1,
        "validation": 1,
        "test": 1,
    }
    assert all(d.class_names == ("yes",) and d.n_features == 5 for d in splits.values())
    ordered = load_speech_commands(root, labels=["yes", "no"])
    assert ordered["test"].class_names == ("yes", "no")  # label index follows the given order
    assert ordered["test"].labels.tolist() == [0, 1]  # yes/02 (label 0), then no/10 (label 1)


def test_without_lists_everything_is_train(tmp_path):
    splits = load_speech_commands(make_root(tmp_path, with_lists=False))
    assert list(splits) == ["train"] and len(splits["train"]) == 6


def test_missing_or_empty_root(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="does not exist") as info:
        load_speech_commands(tmp_path / "absent")
    assert "speech_commands_v0.02.tar.gz" in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetNotFoundError, match="no label folder"):
        load_speech_commands(tmp_path / "empty")
    (tmp_path / "empty" / "yes").mkdir()
    (tmp_path / "empty" / "yes" / "notes.txt").write_text("no audio here")
    with pytest.raises(DatasetNotFoundError, match="no label folder"):
        load_speech_commands(tmp_path / "empty")


def test_bad_arguments_and_files(tmp_path):
    root = make_root(tmp_path)
    with pytest.raises(ParameterError, match="non-empty list"):
        load_speech_commands(root, labels="yes")
    with pytest.raises(ParameterError, match="available"):
        load_speech_commands(root, labels=["maybe"])
    with pytest.raises(ParameterError, match="repeats"):
        load_speech_commands(root, labels=["yes", "yes"])
    with pytest.raises(ParameterError, match="n_mfcc"):
        load_speech_commands(root, n_mfcc=41)
    scipy.io.wavfile.write(root / "no" / "short.wav", SR, np.zeros(100, np.int16))
    with pytest.raises(DatasetFormatError, match="short.wav"):
        load_speech_commands(root)
