"""The torch fixed mode, for every registered model: Lava ``fixed_pt``'s arithmetic on torch int64
tensors (``lava_sd.simulate``, ``backend="torch-fixed"``) equals Lava fixed point bit for bit.

Per model: its layer process driven for at least 500 steps with the integer cases of its
reference (``tests/models/<name>/reference.py``: states that wrap and saturate) gives Lava's
outputs on every step, its final states, readout sums and overflow counts; every state equals
the numpy engine's (the process models' own code) after every step; and a converted network
gives Lava's logits, spike counts and overflow, through ``run_network`` and through
``Classifier.predict`` / ``evaluate``. Then the integer helpers on torch tensors, edge cases
included, and the exact product types of the torch synapses.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from model_references import load_reference as reference

from lava_sd import REGISTRY, Classifier, ParameterError, convert
from lava_sd.fixed_point import (
    STATE_MAX,
    WRAP_LIMIT,
    clear_mask,
    decay,
    overflow_any,
    saturate24,
    wrap24,
)
from lava_sd.harness import drive
from lava_sd.layer.synapses import dense_fixed, fixed_weights
from lava_sd.simulate import drive_layer, run_network, simulate
from lava_sd.torch.predict import evaluate

MODELS = sorted(REGISTRY)
MIN_STEPS = 500
# Overflow names of states that wrap (currents, like Lava's u); every other one saturates.
WRAPPING = {"i_in", "i_fb", "i", "ahp", "u", "u_u", "u_m"}
SUMS = ("overflow", "overflow_steps", "overflow_first", "spike_count", "trace", "readout_sum")


def long_inputs(inputs: np.ndarray, steps: int = MIN_STEPS) -> np.ndarray:
    """A case's inputs, then the same time-reversed, alternately, up to at least ``steps``."""
    parts, total = [], 0
    while total < steps:
        parts.append(inputs if len(parts) % 2 == 0 else inputs[..., ::-1])
        total += inputs.shape[-1]
    return np.concatenate(parts, axis=-1)


def small_classifier(name: str, seed: int) -> Classifier:
    """A two-layer classifier of model ``name`` (5 inputs, 12 and 8 units, 3 classes)."""
    options = {"frame_steps": 2, **reference(name).CLASSIFIER}
    return Classifier(name, 5, (12, 8), 3, seed=seed, **options).double()


@pytest.mark.parametrize("name", MODELS)
def test_layer_equals_lava_fixed_over_long_runs(rng: np.random.Generator, name: str) -> None:
    """Each integer case of the model's reference, at least 500 steps: torch == Lava fixed_pt
    (outputs on every step, final states, sums, overflow per neuron and per state), and every
    state after every step == the numpy engine's; the cases wrap and saturate."""
    spec = REGISTRY[name]
    states = tuple(var.name for var in spec.neuron.states)
    names = spec.neuron.overflow_names
    overflowed: set[str] = set()
    for case in reference(name).fixed_cases(rng):
        inputs = long_inputs(case["inputs"])
        assert inputs.shape[-1] >= MIN_STEPS
        with pytest.warns(RuntimeWarning, match="wrapped or saturated"):
            lava = drive(spec.process(**case["kwargs"]), inputs, backend="fixed",
                         record=states + SUMS)  # fmt: skip
        with pytest.warns(RuntimeWarning, match="wrapped or saturated"):
            ours = drive_layer(spec.process(**case["kwargs"]), inputs, engine="torch",
                               record=states + SUMS, every_step=True)  # fmt: skip
        with pytest.warns(RuntimeWarning, match="wrapped or saturated"):
            numpy = drive_layer(spec.process(**case["kwargs"]), inputs, engine="numpy",
                                record=states, every_step=True)  # fmt: skip
        assert 0 < (lava["s_out"] != 0).mean() < 1, "the case must exercise events"
        np.testing.assert_array_equal(ours["s_out"], lava["s_out"], err_msg=f"{name}: s_out")
        for key in states:
            np.testing.assert_array_equal(ours[key], numpy[key], err_msg=f"{name}: {key} steps")
            np.testing.assert_array_equal(ours[key][..., -1], lava[key], err_msg=f"{name}: {key}")
        for key in SUMS:
            np.testing.assert_array_equal(ours[key][..., -1], lava[key], err_msg=f"{name}: {key}")
        overflowed |= {n for n, steps in zip(names, lava["overflow_steps"], strict=True) if steps}
    assert overflowed - WRAPPING, f"{name}: no saturating state saturated"
    if WRAPPING & set(names):
        assert overflowed & WRAPPING, f"{name}: no wrapping state wrapped"


def dyadic_inputs(rng: np.random.Generator, batch: int = 6, frames: int = 14) -> tuple:
    x = np.round(rng.normal(0.5, 1.0, (batch, 5, frames)) * 8) / 8
    return x, rng.integers(frames // 2, frames + 1, batch)


@pytest.mark.parametrize("name", MODELS)
def test_network_equals_lava_fixed(rng: np.random.Generator, name: str) -> None:
    """A converted network: ``run_network`` (torch) gives Lava fixed_pt's logits, spikes, readout
    sums and overflow bit for bit, and the numpy engine the same."""
    net = convert(small_classifier(name, int(rng.integers(100))))
    x, lengths = dyadic_inputs(rng)
    lava = net.run(x, lengths, backend="fixed")
    ours = run_network(net, x, lengths)
    assert all(s.sum() > 0 for s in lava.spikes), "every layer must have events"
    np.testing.assert_array_equal(ours.logits, lava.logits)
    for a, b in zip(ours.spikes, lava.spikes, strict=True):
        np.testing.assert_array_equal(a, b)
    for key, value in lava.run.items():
        np.testing.assert_array_equal(ours.run[key], value, err_msg=key)
    assert ours.overflow_steps == lava.overflow_steps and ours.overflow == lava.overflow
    assert ours.run.num_steps == lava.run.num_steps
    numpy = simulate(net, x, lengths, "fixed", engine="numpy")
    np.testing.assert_array_equal(numpy.readout_sums[-1], lava.run["readout_sum"])


@pytest.mark.parametrize("name", MODELS)
def test_predict_and_evaluate_torch_fixed(rng: np.random.Generator, name: str) -> None:
    """``backend="torch-fixed"`` predicts and reports what Lava fixed does, chunk by chunk."""
    model = small_classifier(name, 5).float()
    x, lengths = dyadic_inputs(rng, batch=7)
    fixed = evaluate(model, x, rng.integers(0, 3, 7), lengths, backend="fixed", batch_size=4)
    ours = evaluate(model, x, rng.integers(0, 3, 7), lengths, backend="torch-fixed", batch_size=4)
    for key in ("spikes_per_sample", "synops_per_sample", "dense_macs_per_sample",
                "activity_sparsity", "overflow_steps"):  # fmt: skip
        assert ours[key] == fixed[key], key
    assert ours["backend"] == "torch-fixed"
    np.testing.assert_array_equal(
        model.predict(x, lengths, backend="torch-fixed", batch_size=3),
        model.predict(x, lengths, backend="fixed", batch_size=3),
    )


def test_overflow_warns_like_lava(rng: np.random.Generator) -> None:
    """A network whose states overflow: torch-fixed warns per layer and state as Lava does and
    counts the same overflow."""
    model = small_classifier("lif", 3)
    net = convert(model)
    for layer in net.layers:
        layer.fixed_params["du"] = np.zeros_like(layer.fixed_params["du"])  # slowest leak
        layer.fixed_params["dv"] = np.zeros_like(layer.fixed_params["dv"])
    x, lengths = dyadic_inputs(rng, frames=60)
    x = np.abs(x) * 8
    with pytest.warns(RuntimeWarning, match="wrapped or saturated") as lava_warnings:
        lava = net.run(x, lengths, backend="fixed")
    with pytest.warns(RuntimeWarning, match="wrapped or saturated") as our_warnings:
        ours = run_network(net, x, lengths)
    assert lava.overflow and ours.overflow == lava.overflow
    assert len(our_warnings) == len(lava_warnings)
    np.testing.assert_array_equal(ours.logits, lava.logits)


def test_refuses_what_lava_refuses(rng: np.random.Generator) -> None:
    net = convert(small_classifier("alif", 1))
    x, lengths = dyadic_inputs(rng)
    with pytest.raises(ParameterError, match="24-bit register"):
        run_network(net, x * 1e6, lengths)
    with pytest.raises(ParameterError, match="engine"):
        simulate(net, x, lengths, "fixed", engine="jax")
    with pytest.raises(ParameterError, match="shards"):
        evaluate(small_classifier("alif", 1), x, np.zeros(6, int), lengths,
                 backend="torch-fixed", shards=2)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The integer helpers on torch tensors equal their numpy results, at and beyond the limits.
EDGES = np.array(
    [0, 1, -1, 4095, -4095, 4096, -4097, STATE_MAX, -STATE_MAX, WRAP_LIMIT, -WRAP_LIMIT,
     WRAP_LIMIT + 1, -WRAP_LIMIT - 1, 3 * WRAP_LIMIT, -3 * WRAP_LIMIT, 2**41 - 1, -(2**41) - 7,
     2**50 + 3],
    dtype=np.int64,
)  # fmt: skip


def helper_inputs(rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([EDGES, rng.integers(-(2**30), 2**30, 500), rng.integers(-9, 9, 50)])


@pytest.mark.parametrize("d_eff", [0, 1, 7, 2048, 4095, 4096])
def test_decay_on_tensors(rng: np.random.Generator, d_eff: int) -> None:
    x = helper_inputs(rng)
    expected = decay(x, d_eff)
    ours = decay(torch.from_numpy(x), torch.tensor(d_eff))
    assert ours.dtype == torch.int64
    np.testing.assert_array_equal(ours.numpy(), expected)
    per_neuron = rng.integers(0, 4097, x.shape)
    np.testing.assert_array_equal(
        decay(torch.from_numpy(x), torch.from_numpy(per_neuron)).numpy(), decay(x, per_neuron)
    )


@pytest.mark.parametrize("helper", [wrap24, saturate24])
def test_wrap_and_saturate_on_tensors(rng: np.random.Generator, helper) -> None:  # noqa: ANN001
    x = helper_inputs(rng)
    x = x[np.abs(x) < 2**40]
    for values in (x, np.clip(x, 1 - WRAP_LIMIT, STATE_MAX)):
        expected, expected_flags = helper(values)
        ours, flags = helper(torch.from_numpy(values))
        np.testing.assert_array_equal(ours.numpy(), expected)
        np.testing.assert_array_equal(flags.numpy(), expected_flags)
        assert overflow_any(flags) == bool(expected_flags.any()) == overflow_any(expected_flags)


def test_clear_masks_are_shared_and_read_only() -> None:
    x = np.zeros((3, 4), np.int64)
    assert clear_mask(x) is saturate24(x)[1] is wrap24(x + 5)[1]
    assert not clear_mask(x).flags.writeable and not overflow_any(clear_mask(x))
    t = torch.zeros(3, 4, dtype=torch.int64)
    assert clear_mask(t) is wrap24(t)[1] and clear_mask(t).dtype == torch.bool
    assert not overflow_any(clear_mask(t)) and overflow_any(torch.ones(2, dtype=torch.bool))


def test_clear_mask_cache_stays_bounded() -> None:
    """A process that sees many batch shapes keeps at most ``_CLEAR_LIMIT`` masks, and a mask
    dropped from the cache still reads as clear."""
    from lava_sd import fixed_point

    first = clear_mask(np.zeros((1, 3), dtype=np.int64))
    for batch in range(2, 3 * fixed_point._CLEAR_LIMIT):
        clear_mask(np.zeros((batch, 3), dtype=np.int64))
    assert len(fixed_point._CLEAR) <= fixed_point._CLEAR_LIMIT
    assert not overflow_any(first) and not first.any()


@pytest.mark.parametrize("bits, peak", [(0, 1), (8, 200), (24, 2**23 - 1), (24, 2**40)])
def test_dense_on_tensors_in_every_exact_type(rng: np.random.Generator, bits, peak) -> None:  # noqa: ANN001
    """float32, float64 and int64 products (by the largest partial sum) equal numpy's, and
    float32 is not used once torch may compute it in reduced precision."""
    weights = fixed_weights(rng.integers(-256, 256, (7, 33)))
    s = rng.integers(-peak, peak + 1, (5, 33)) if bits else rng.integers(0, 2, (5, 33))
    for exp in (-3, 0, 4):
        expected = dense_fixed(s, weights, exp, bits)
        ours = dense_fixed(torch.from_numpy(s), torch.from_numpy(weights), exp, bits)
        assert ours.dtype == torch.int64
        np.testing.assert_array_equal(ours.numpy(), expected)
    previous = torch.get_float32_matmul_precision()
    try:
        torch.set_float32_matmul_precision("medium")
        ours = dense_fixed(torch.from_numpy(s), torch.from_numpy(weights), 0, bits)
        np.testing.assert_array_equal(ours.numpy(), dense_fixed(s, weights, 0, bits))
    finally:
        torch.set_float32_matmul_precision(previous)


def test_numpy_engine_unchanged_by_torch(rng: np.random.Generator) -> None:
    """The numpy engine and the Lava models never see a tensor: its results stay numpy."""
    net = convert(small_classifier("egru", 2))
    x, lengths = dyadic_inputs(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim = simulate(net, x, lengths, "fixed")
    assert all(isinstance(a, np.ndarray) for a in sim.spikes + sim.readout_sums + sim.overflow)
