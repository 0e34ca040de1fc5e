"""lava_sd.fit / predict / evaluate on user data: arrays, variable-length lists, string labels,
normaliser, validation with early stopping, the saved model, and every error a user can make."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from toy_data import CLASSES, tones

import lava_sd
from lava_sd import Classifier, ParameterError
from lava_sd.torch.training import train_classifier


def test_numpy_arrays_to_lava_fixed_point(rng: np.random.Generator) -> None:
    """The README's few lines: fit on arrays with string labels, evaluate in Lava fixed point."""
    x, y = tones(rng, 240)
    model = lava_sd.fit("lif", (x[:180], y[:180]), hidden=(24,), epochs=30, lr=0.02, progress=False)
    report = model.evaluate(x[180:], y[180:], backend="fixed")
    print("fixed-point accuracy", report["accuracy"], report["synops_per_sample"])
    assert report["accuracy"] > 0.9  # chance: 1/3
    assert model.class_names == sorted(CLASSES) and report["n"] == 60
    assert report["overflow_steps"] == 0 and report["synops_per_sample"] > 0
    np.testing.assert_allclose(model.normaliser.mean, x[:180].astype(float).mean(axis=(0, 2)))


@pytest.mark.parametrize("name", ["lprnn", "egru"])
def test_variable_length_lists_and_saved_models(
    tmp_path: Path, rng: np.random.Generator, name: str
) -> None:
    x, y = tones(rng, 120)
    cut = rng.integers(8, 17, len(x))
    seqs = [sample[:, :length] for sample, length in zip(x, cut, strict=True)]
    model = lava_sd.fit(name, (seqs, y), hidden=(16,), epochs=4, progress=False,
                        feature_recipe="tones")  # fmt: skip
    pred = model.predict(seqs)
    again = lava_sd.load(model.save(tmp_path / "m.npz"))
    np.testing.assert_array_equal(again.predict(seqs), pred)
    assert again.feature_recipe == "tones" and again.class_names == model.class_names
    fixed = again.predict(seqs[:20], backend="fixed")
    assert fixed.shape == (20,) and set(fixed) <= {0, 1, 2}


def test_validation_keeps_the_best_epoch_and_stops_early(rng: np.random.Generator) -> None:
    x, y = tones(rng, 200)
    model = lava_sd.fit(
        "lif", (x[:120], y[:120]), val=(x[120:], y[120:]), hidden=(16,), epochs=30, lr=0.05,
        patience=2, progress=False,
    )  # fmt: skip
    (history,) = model.training_info["val_acc"]
    assert len(history) == model.training_info["epochs_run"][0] < 30, history
    assert model.evaluate(x[120:], y[120:])["accuracy"] == max(history)


def test_settings_reach_the_classifier_and_recipe(rng: np.random.Generator) -> None:
    x, y = tones(rng, 60)
    model = lava_sd.fit("alif", (x, y), hidden=(8, 6), frame_steps=2, readout_mode="last",
                        epochs=1, progress=False)  # fmt: skip
    assert model.config["frame_steps"] == 2 and model.config["readout_mode"] == "last"
    assert model.training_info["recipe"]["epochs"] == 1 and len(model.layers) == 2
    preset = lava_sd.fit("lprnn", (x, y), preset="har_watch", epochs=1, finetune_epochs=0,
                         progress=False)  # fmt: skip
    assert preset.config["hidden"] == [64, 64] and preset.frame_steps == 4


def test_continue_training_a_classifier(rng: np.random.Generator) -> None:
    x, y = tones(rng, 60)
    model = Classifier("lif", 4, (8,), 3)
    model.class_names = list(CLASSES)
    same = lava_sd.fit(model, (x, y), epochs=1, progress=False)
    assert same is model and model.class_names == list(CLASSES)
    with pytest.raises(ParameterError, match="already has them"):
        lava_sd.fit(model, (x, y), hidden=(4,))


def test_inputs_far_outside_the_training_range_warn(rng: np.random.Generator) -> None:
    x, y = tones(rng, 60)
    model = lava_sd.fit("lif", (x, y), hidden=(8,), epochs=1, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(x)
    with pytest.warns(RuntimeWarning, match="largest training input"):
        model.predict(x * 1000)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x, y: lava_sd.fit("lif", (x, y[:-1]), hidden=(4,)), "different number of labels"),
        (lambda x, y: lava_sd.fit("lif", (x,), hidden=(4,)), "pair"),
        (lambda x, y: lava_sd.fit("lif", x, hidden=(4,)), "pair"),
        (lambda x, y: lava_sd.fit("lif", (x[0], y), hidden=(4,)), "x\\[None\\]"),
        (lambda x, y: lava_sd.fit("lif", (np.where(x > 8, np.nan, x), y), hidden=(4,)), "NaN"),
        (lambda x, y: lava_sd.fit("lif", (x.astype(complex), y), hidden=(4,)), "real numbers"),
        (lambda x, y: lava_sd.fit("gru", (x, y), hidden=(4,)), "unknown model"),
        (lambda x, y: lava_sd.fit("lif", (x, y)), "hidden="),
        (lambda x, y: lava_sd.fit("lif", (x, np.full(len(y), "a")), hidden=(4,)), "one class"),
        (lambda x, y: lava_sd.fit("lif", (x, np.arange(len(y)) + 0.5), hidden=(4,)), "strings"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), device="tpu9"), "device"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), no_such=1), "unknown option"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), preset="x"), "no preset"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), normaliser="z"), "normaliser"),
        (lambda x, y: lava_sd.fit(torch.nn.Linear(2, 2), (x, y)), "registered model name"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), epochs=0), "epochs must be"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), batch_size=0), "batch_size must"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), lr=-1), "lr must be a finite"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), lr=np.nan), "lr must be a finite"),
        (lambda x, y: lava_sd.fit("lif", (x, y), hidden=(4,), finetune_epochs=1.5), "finetune"),
        (lambda x, y: lava_sd.fit("lif", (x, y), (x, y), hidden=(4,), patience=0), "patience"),
    ],
)
def test_fit_errors(rng: np.random.Generator, call, match: str) -> None:  # noqa: ANN001
    x, y = tones(rng, 20)
    with pytest.raises(ParameterError, match=match):
        call(x, y)


def test_predict_and_evaluate_errors(rng: np.random.Generator) -> None:
    x, y = tones(rng, 20)
    model = lava_sd.fit("lif", (x, y), hidden=(4,), epochs=1, progress=False)
    with pytest.raises(ParameterError, match="trained on 4"):
        model.predict(x[:, :3])
    with pytest.raises(ParameterError, match="backend"):
        model.predict(x, backend="loihi3")
    with pytest.raises(ParameterError, match="not among the model's classes"):
        model.evaluate(x, np.full(len(x), "other"))
    with pytest.raises(ParameterError, match="batch_size"):
        model.predict(x, batch_size=0)


def test_train_classifier_checks_its_inputs(rng: np.random.Generator) -> None:
    """The low-level loop takes numpy arrays and any int / float dtypes, and says what is
    wrong otherwise."""
    model = Classifier("lif", 3, (4,), 2)
    x = rng.normal(size=(8, 3, 5))  # float64 numpy
    lengths, y = np.full(8, 5, np.int32), rng.integers(0, 2, 8).astype(np.int32)
    train_classifier(model, (x, lengths, y), epochs=1, progress=False)
    with pytest.raises(ParameterError, match="expected \\(x, lengths, labels\\)"):
        train_classifier(model, (x, y), epochs=1, progress=False)
    with pytest.raises(ParameterError, match="class indices 0..1"):
        train_classifier(model, (x, lengths, y + 1), epochs=1, progress=False)


def test_small_data_sets_get_enough_steps() -> None:
    """The recipe's epochs are raised to 500 optimiser steps; epochs given are kept."""
    from lava_sd.torch.fit import _epochs

    assert _epochs({"epochs": 15, "batch_size": 64}, {}, 40) == 500  # one batch per epoch
    assert _epochs({"epochs": 15, "batch_size": 64}, {}, 2400) == 15  # 38 batches: 570 steps
    assert _epochs({"epochs": 15, "batch_size": 64}, {"batch_size": 10}, 40) == 125
    assert _epochs({"epochs": 15}, {"epochs": 2}, 40) == 2
