"""LIF layer: reduces to Lava's LIF (fixed point bit for bit, float exactly), the subtractive
reset is snnTorch's Leaky step, the config maps time constants, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from lava.proc.dense.process import Dense
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source
from lava.proc.lif.process import LIF as LavaLIF

import lava_sd
from lava_sd import LIF, ParameterError
from lava_sd.harness import drive
from lava_sd.models.lif.config import LIFConfig


@pytest.mark.parametrize("backend", ["fixed", "float"])
def test_reduces_to_lava_lif(rng: np.random.Generator, backend: str) -> None:
    """Fed by the same Dense: spikes, u and v equal Lava's LIF (float: bias_exp 0, Lava's float
    LIF ignores it)."""
    n_in, n, steps = 8, 5, 400
    weights = rng.integers(-40, 60, (n, n_in))
    spikes_in = (rng.random((n_in, steps)) < 0.3).astype(np.int32)
    if backend == "fixed":
        params = dict(du=409, dv=205, vth=40, bias_mant=rng.integers(-100, 200, n), bias_exp=2)
    else:
        params = dict(du=0.1, dv=0.05, vth=0.6, bias_mant=rng.uniform(-0.02, 0.05, n), bias_exp=0)
        weights = weights / 100
    source = Source(data=spikes_in)
    dense_lava, dense_ours = Dense(weights=weights), Dense(weights=weights)
    lava_lif, ours = LavaLIF(shape=(n,), **params), LIF(shape=(n,), **params)
    sinks = [Sink(shape=(n,), buffer=steps) for _ in range(2)]
    for dense, neuron, sink in ((dense_lava, lava_lif, sinks[0]), (dense_ours, ours, sinks[1])):
        source.s_out.connect(dense.s_in)
        dense.a_out.connect(neuron.a_in)
        neuron.s_out.connect(sink.a_in)
    out = lava_sd.run(
        {"lava": sinks[0].data, "ours": sinks[1].data, "u_lava": lava_lif.u, "u": ours.u,
         "v_lava": lava_lif.v, "v": ours.v},
        steps,
        backend=backend,
    )  # fmt: skip
    assert out["lava"].sum() > 20
    np.testing.assert_array_equal(out["ours"], out["lava"])
    np.testing.assert_array_equal(out["u"], out["u_lava"])
    np.testing.assert_array_equal(out["v"], out["v_lava"])


def test_subtractive_reset_is_snntorch_leaky(rng: np.random.Generator) -> None:
    """snnTorch 0.9.1 Leaky (reset_mechanism="subtract"): R = H(U_prev - theta) from the stored
    membrane, U = beta U_prev + I - R theta, S = H(U - theta), U stored without reset."""
    n, steps, beta, theta = 6, 200, 0.9, 1.0
    current = rng.uniform(-0.2, 0.6, (n, steps))
    config = LIFConfig(tau_u=1.0, tau_v=1 / (1 - beta), reset="subtract")
    lava = drive(LIF(shape=(n,), **config.float_params()), current, backend="float")
    dv = config.float_params()["dv"]  # beta on the 1/4096 grid
    u_mem, expected = np.zeros(n), np.zeros((n, steps))
    for t in range(steps):
        reset = (u_mem > theta) * 1.0
        u_mem = (1 - dv) * u_mem + current[:, t] - reset * theta
        expected[:, t] = u_mem > theta
    assert 0 < expected.mean() < 0.5
    np.testing.assert_array_equal(lava["s_out"], expected)


def test_config_and_errors() -> None:
    config = LIFConfig(tau_u=4.0, tau_v=20.0)
    assert config.fixed_params()["du"] == 1023 and config.fixed_params()["dv"] == 205
    assert config.float_params()["dv"] == 205 / 4096
    with pytest.raises(ParameterError, match="tau_v"):
        LIFConfig(tau_v=0.5)
    with pytest.raises(ParameterError, match="reset"):
        LIFConfig(reset="soft")
    with pytest.raises(ParameterError, match="'reset' = 2"):
        LIF(shape=(3,), du=0.1, dv=0.1, vth=1.0, reset=2)
    with pytest.raises(ParameterError, match="missing neuron parameter"):
        LIF(shape=(3,), du=0.1, vth=1.0)


def test_per_neuron_parameters_map_and_survive_a_checkpoint(tmp_path, rng) -> None:
    """Per-neuron du, dv, vth and v_bias (what lava_sd.interop.nir sets) reach both backends'
    parameters, per-layer recurrence follows the list, and a checkpoint keeps them."""
    import torch

    model = lava_sd.Classifier("lif", 3, (4, 2), 2, recurrent=[True, False])
    assert model.layers[1].synapses.recurrent_weight is None
    cell = model.layers[0].cell
    values = {"du": [1.0, 0.5, 0.25, 0.1], "dv": [0.05, 0.1, 0.0, 1.0],
              "vth": [1.0, 0.5, 2.0, 1.5], "v_bias": [0.0, 0.01, -0.02, 0.03]}  # fmt: skip
    for key, value in values.items():
        setattr(cell, key, torch.tensor(value))
    net = lava_sd.convert(model, vth=1000)
    fixed, flt = net.layers[0].fixed_params, net.layers[0].float_params
    np.testing.assert_array_equal(fixed["du"], [4095, 2047, 1023, 409])
    np.testing.assert_array_equal(fixed["dv"], [205, 410, 0, 4096])
    np.testing.assert_array_equal(fixed["vth"], [500, 250, 1000, 750])  # U = 1000 << 6 / 2
    np.testing.assert_allclose(flt["vth"], values["vth"])
    unit = net.layers[0].unit
    assert unit == 1000 * 64 / 2
    bias = fixed["bias_mant"] << fixed["bias_exp"]
    np.testing.assert_allclose(bias / unit, values["v_bias"], atol=1 / unit)
    assert 0 < net.layers[0].report["decay_error"] < 1 / 4096
    model.save(tmp_path / "lif.npz")
    loaded = lava_sd.load(tmp_path / "lif.npz")
    for key, value in values.items():
        np.testing.assert_allclose(getattr(loaded.layers[0].cell, key).numpy(), value, rtol=1e-6)
    x = rng.normal(0, 1, (2, 3, 5)).astype(np.float32)
    lengths = torch.tensor([5, 5])
    torch.testing.assert_close(model(torch.from_numpy(x), lengths),
                               loaded(torch.from_numpy(x), lengths))  # fmt: skip


def test_trained_bias_acts_on_v_in_torch_as_in_lava(rng: np.random.Generator) -> None:
    """The trained bias acts on ``v`` in torch, as Lava's LIF ``bias`` does: with a synaptic
    current (``tau_u = 4``, where a bias in ``u`` would add up to four times itself) Lava float
    gives torch's logits, and ``convert`` has nothing to warn about."""
    import warnings

    import torch

    model = lava_sd.Classifier("lif", 3, (6, 5), 2, tau_u=4.0, seed=3).double()
    with torch.no_grad():
        for layer in model.layers:
            layer.synapses.bias.fill_(0.05)
    x = rng.normal(0.5, 1.0, (4, 3, 12))
    lengths = np.array([12, 9, 11, 12])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = lava_sd.convert(model)
    lava = net.run(x, lengths, backend="float")
    assert all(s.sum() > 0 for s in lava.spikes), "every layer must spike"
    with torch.no_grad():
        logits = model(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
    np.testing.assert_allclose(lava.logits, logits, rtol=1e-6, atol=1e-9)
