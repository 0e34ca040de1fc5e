"""Every registered model, the same tests: torch == Lava float, Lava fixed == the model's own
independent integer reference bit for bit, checkpoint save/load and convert round trips, clear
errors. A new model gets them by registering; it must add ``tests/models/<name>/reference.py``
(``fixed_cases(rng)`` and ``CLASSIFIER``, the options of a small test classifier)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from model_references import load_reference as reference
from torch import nn

from lava_sd import REGISTRY, Classifier, ParameterError, convert, load
from lava_sd.data.normaliser import Normaliser
from lava_sd.harness import drive
from lava_sd.simulate import simulate

MODELS = sorted(REGISTRY)


def small_classifier(name: str, seed: int) -> Classifier:
    """A two-layer classifier of model ``name`` (5 inputs, 12 and 8 units, 3 classes)."""
    options = {"frame_steps": 2, **reference(name).CLASSIFIER}
    return Classifier(name, 5, (12, 8), 3, seed=seed, **options).double()


def dyadic_inputs(rng: np.random.Generator, batch: int = 6, frames: int = 14) -> tuple:
    """Inputs on a 1/8 grid (exact sums in float64) and per-sample lengths."""
    x = np.round(rng.normal(0.5, 1.0, (batch, 5, frames)) * 8) / 8
    return x, rng.integers(frames // 2, frames + 1, batch)


@pytest.mark.parametrize("name", MODELS)
def test_fixed_equals_integer_reference(rng: np.random.Generator, name: str) -> None:
    """The model's Lava fixed_pt layer == its independent integer reference: outputs, final
    states and overflow counts, with states that wrap and saturate."""
    process = REGISTRY[name].process
    for case in reference(name).fixed_cases(rng):
        expected = case["expected"]
        record = tuple(key for key in expected if key != "s_out")
        with pytest.warns(RuntimeWarning, match="wrapped or saturated"):
            lava = drive(process(**case["kwargs"]), case["inputs"], backend="fixed",
                         record=record)  # fmt: skip
        assert 0 < (expected["s_out"] != 0).mean() < 1, "the case must exercise events"
        assert expected["overflow"].sum() > 0, "the case must exercise overflow"
        for key, value in expected.items():
            np.testing.assert_array_equal(lava[key], value, err_msg=f"{name}: {key}")


@pytest.mark.parametrize("name", MODELS)
def test_torch_equals_lava_float(rng: np.random.Generator, name: str) -> None:
    """The converted network's float layers run in torch (``simulate(engine="torch")``) equal
    Lava float; a model trained as it runs (trace readout) also gives Lava float's logits in its
    trained torch form (``Classifier``), to relative error 1e-6."""
    model = small_classifier(name, int(rng.integers(100)))
    x, lengths = dyadic_inputs(rng)
    net = convert(model)
    lava = net.run(x, lengths, backend="float")
    torch_run = simulate(net, x, lengths, "float", engine="torch")
    assert all(s.sum() > 0 for s in lava.spikes), "every layer must have events"
    for a, b in zip(torch_run.spikes, lava.spikes, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(torch_run.readout_sums[-1], lava.run["readout_sum"], rtol=1e-6)
    if REGISTRY[name].readout == "trace":
        with torch.no_grad():
            logits = model(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
        np.testing.assert_allclose(lava.logits, logits, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_numpy_simulation_equals_lava_fixed(rng: np.random.Generator, name: str) -> None:
    """``simulate`` (the numpy floor) computes the Lava fixed network bit for bit."""
    model = small_classifier(name, int(rng.integers(100)))
    x, lengths = dyadic_inputs(rng)
    net = convert(model)
    lava = net.run(x, lengths, backend="fixed")
    sim = simulate(net, x, lengths, "fixed")
    for a, b in zip(sim.spikes, lava.spikes, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sim.readout_sums[-1], lava.run["readout_sum"])
    assert sum(int(o.sum()) for o in sim.overflow) == lava.overflow_steps


@pytest.mark.parametrize("name", MODELS)
def test_checkpoint_and_convert_round_trip(
    tmp_path: Path, rng: np.random.Generator, name: str
) -> None:
    """save -> load keeps weights, settings and metadata; the loaded model converts to the same
    Lava parameters and gives the same Lava fixed output."""
    model = small_classifier(name, int(rng.integers(100))).float()
    model.class_names = ["low", "mid", "high"]
    model.normaliser = Normaliser(rng.normal(0, 1, 5), rng.uniform(0.5, 2, 5))
    model.feature_recipe = "test-recipe"
    path = model.save(tmp_path / "m.npz", seed=7, command="pytest")
    loaded = load(path)
    assert loaded.config == model.config and loaded.class_names == model.class_names
    assert loaded.feature_recipe == "test-recipe" and loaded.training_info["seed"] == 7
    np.testing.assert_array_equal(loaded.normaliser.mean, model.normaliser.mean)
    for (k, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=k)
    net, net_loaded = convert(model), convert(loaded)
    for a, b in zip(net.layers, net_loaded.layers, strict=True):
        assert a.fixed_params.keys() == b.fixed_params.keys()
        for key in a.fixed_params:
            np.testing.assert_array_equal(a.fixed_params[key], b.fixed_params[key], err_msg=key)
    x, lengths = dyadic_inputs(rng, batch=3)
    out, out_loaded = net.run(x, lengths), net_loaded.run(x, lengths)
    np.testing.assert_array_equal(out.logits, out_loaded.logits)
    for key, value in net.layers[0].fixed_params.items():
        assert np.all(np.asarray(value) == np.round(value)), key


@pytest.mark.parametrize("name", MODELS)
def test_bad_input_is_a_clear_error(name: str) -> None:
    with pytest.raises(ParameterError, match="unknown option"):
        Classifier(name, 4, (6,), 2, no_such_option=1)
    with pytest.raises(ParameterError, match="positive integer"):
        Classifier(name, 4, (0,), 2)
    net = convert(small_classifier(name, 0))
    with pytest.raises(ParameterError, match="trained on 5 features"):
        net.run(np.zeros((2, 4, 10)), np.array([10, 10]))
    with pytest.raises(ParameterError, match="lengths"):
        net.run(np.zeros((2, 5, 10)), np.array([10, 11]))
    with pytest.raises(ParameterError, match="NaN"):
        net.run(np.full((1, 5, 10), np.nan), np.array([10]))
    with pytest.raises(ParameterError, match="no samples"):
        net.run(np.zeros((0, 5, 10)), np.zeros(0, dtype=int))


def test_convert_names_what_it_takes() -> None:
    with pytest.raises(ParameterError, match="expected a lava_sd.Classifier, got Linear"):
        convert(nn.Linear(3, 2))
    with pytest.raises(ParameterError, match="unknown model 'gru'"):
        Classifier("gru", 4, (6,), 2)


@pytest.mark.parametrize("name", MODELS)
def test_last_frame_readout(rng: np.random.Generator, name: str) -> None:
    """``readout_mode="last"``: Lava float reads the last frame as torch does (trace models:
    logits; every model: the same as summing only the last frame in the numpy simulation)."""
    model = Classifier(
        name, 5, (12, 8), 3, seed=3, readout_mode="last", **{"frame_steps": 2,
        **reference(name).CLASSIFIER},
    ).double()  # fmt: skip
    x, lengths = dyadic_inputs(rng)
    net = convert(model)
    lava = net.run(x, lengths, backend="float")
    mean_net = convert(small_classifier(name, 3).double())
    assert not np.allclose(lava.logits, mean_net.run(x, lengths, backend="float").logits)
    sim = simulate(net, x, lengths, "float", engine="torch")
    np.testing.assert_allclose(sim.readout_sums[-1], lava.run["readout_sum"], rtol=1e-6)
    if REGISTRY[name].readout == "trace":
        with torch.no_grad():
            logits = model(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
        np.testing.assert_allclose(lava.logits, logits, rtol=1e-6, atol=1e-9)
