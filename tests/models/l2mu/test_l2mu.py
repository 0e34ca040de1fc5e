"""L2MU: each population reduces to Lava's LIF bit for bit (reset to zero), the torch cell is the
paper's equations with snnTorch's Leaky (independent float reference, Ad m not Ad^T m), the
mapping quantises Ad and Bd like any dense weights, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lava.proc.lif.process import LIF as LavaLIF
from model_references import load_reference

from lava_sd import Classifier, ParameterError, convert
from lava_sd.harness import drive
from lava_sd.models.l2mu.legendre import legendre_memory
from lava_sd.models.l2mu.proc.process import L2MU
from lava_sd.models.l2mu.torch import L2MULayer

reference = load_reference("l2mu")


def test_populations_reduce_to_lava_lif(rng: np.random.Generator) -> None:
    """Reset to zero: each population, given the synaptic input the cell computes for it, is
    Lava's own LIF (driven directly, bias 0) spike for spike; the cell's units are the
    reference's (the registry test checks the whole cell bit for bit)."""
    case = reference.fixed_cases(rng)[1]
    params, ref = case["kwargs"], case["reference"]
    assert params["reset"] == 0
    for suffix in reference.POPULATIONS:
        inputs, spikes = ref[f"input{suffix}"], ref[f"spikes{suffix}"]
        batch, size, steps = inputs.shape
        lava_lif = LavaLIF(
            shape=(batch * size,), du=params[f"du{suffix}"], dv=params[f"dv{suffix}"],
            vth=params[f"vth{suffix}"], bias_mant=0,
        )  # fmt: skip
        out = drive(lava_lif, inputs.reshape(batch * size, steps), backend="fixed")
        assert 0 < spikes.mean() < 1, f"population '{suffix}' must spike sometimes"
        np.testing.assert_array_equal(out["s_out"].reshape(batch, size, steps), spikes)
    with pytest.warns(RuntimeWarning, match="u_u wrapped"):
        lava = drive(L2MU(**params), case["inputs"], backend="fixed")
    np.testing.assert_array_equal(lava["s_out"], ref["s_out"])


def leaky_reference(layer: L2MULayer, x: np.ndarray) -> np.ndarray:
    """The cell from the paper's equations in plain numpy, snnTorch 0.9.1 ``Leaky`` with
    subtraction: R = H(U_prev - theta) from the stored membrane, U = beta U_prev + I - R theta,
    S = H(U - theta); Ad applied as Ad m (keras-lmu)."""
    w = {k: getattr(layer, k).detach().double().numpy() for k in
         ("enc_x", "enc_h", "enc_m", "w_x", "w_h", "w_m")}  # fmt: skip
    beta = layer.beta.detach().double().numpy()
    theta = layer.threshold.detach().double().numpy()
    ad, bd = legendre_memory(layer.order, layer.theta)
    m, d = layer.memory, layer.order
    batch, _, steps = x.shape
    mem = [np.zeros((batch, k)) for k in (m, m * d, layer.n)]
    s_u, s_m, s_h = np.zeros((batch, m)), np.zeros((batch, m * d)), np.zeros((batch, layer.n))
    out = np.zeros((batch, layer.n, steps))

    def leaky(i: int, current: np.ndarray) -> np.ndarray:
        reset = (mem[i] > theta[i]) * theta[i]
        mem[i] = beta[i] * mem[i] + current - reset
        return (mem[i] > theta[i]).astype(float)

    for t in range(steps):
        x_t = x[:, :, t]
        s_u = leaky(0, x_t @ w["enc_x"].T + s_h @ w["enc_h"].T + s_m @ w["enc_m"].T)
        channels = s_m.reshape(batch, m, d)
        i_m = np.einsum("ij,bcj->bci", ad, channels) + s_u[:, :, None] * bd[None, None, :]
        s_m = leaky(1, i_m.reshape(batch, m * d))
        s_h = leaky(2, x_t @ w["w_x"].T + s_h @ w["w_h"].T + s_m @ w["w_m"].T)
        out[:, :, t] = s_h
    return out


def test_torch_cell_is_the_papers_equations(rng: np.random.Generator) -> None:
    seed = int(rng.integers(1000))
    layer = L2MULayer(4, 6, memory=3, order=5, theta=8.0, init_gain=2.0,
                      generator=torch.Generator().manual_seed(seed)).double()  # fmt: skip
    with torch.no_grad():
        layer.beta.copy_(torch.tensor([0.8, 0.6, 0.9]))
        layer.threshold.copy_(torch.tensor([0.7, 0.5, 1.0]))
    x = rng.normal(0.3, 1.0, (3, 4, 60))
    with torch.no_grad():
        spikes = layer(torch.from_numpy(x)).numpy()
    expected = leaky_reference(layer, x)
    assert 0.02 < expected.mean() < 0.9
    np.testing.assert_array_equal(spikes, expected)


def test_mapping_quantises_the_legendre_matrices() -> None:
    """Ad and Bd are dense weights like the others (8-bit even mantissas, one exponent per
    matrix, at the memory population's unit), Ad as two Dense terms; their error is reported."""
    model = Classifier("l2mu", 3, (4,), 2, memory=2, order=6, theta=12.0)
    layer = convert(model).layers[0]
    layer_torch = model.layers[0]
    unit = layer.fixed_params["vth_m"] * 64 / float(layer_torch.thresholds()[1])
    quantised = {}
    for name in ("ad", "ad_rest", "bd"):
        mant, exp = layer.fixed_params[name], layer.fixed_params[f"{name}_exp"]
        assert np.abs(mant).max() <= 254 and np.all(mant % 2 == 0)
        quantised[name] = mant * 2.0**exp
    for name, value, terms in (("ad", quantised["ad"] + quantised["ad_rest"], 2),
                               ("bd", quantised["bd"], 1)):  # fmt: skip
        target = getattr(layer_torch, name).double().numpy() * unit / 64
        error = np.abs(value - target).max() / np.abs(target).max()
        assert error <= (2.0**-7) ** terms, name  # 8-bit even mantissas: 2**-7 per term
        assert layer.report[f"{name}_error"] == pytest.approx(error)
    assert layer.fixed_params["ad_rest_exp"] <= layer.fixed_params["ad_exp"] - 6


def test_bad_parameters_are_clear_errors() -> None:
    good = dict(
        shape=(2, 3), memory=2, order=3, du_u=1.0, dv_u=0.1, vth_u=1.0, du_m=1.0, dv_m=0.1,
        vth_m=1.0, du=1.0, dv=0.1, vth=1.0,
    )  # fmt: skip
    with pytest.raises(ParameterError, match="'memory'"):
        L2MU(**{**good, "memory": 0})
    with pytest.raises(ParameterError, match="missing neuron parameter 'order'"):
        L2MU(**{k: v for k, v in good.items() if k != "order"})
    with pytest.raises(ParameterError, match="'ad' has shape"):
        L2MU(**good, ad=np.zeros((4, 4)))
    with pytest.raises(ParameterError, match=r"'weights' must have shape \(5, n_in\)"):
        L2MU(**good, weights=np.zeros((3, 4)))
    proc = L2MU(**good)
    with pytest.raises(ParameterError, match="dv_u"):
        proc.validate("fixed")
    with pytest.raises(ValueError, match="reset"):
        L2MULayer(2, 3, memory=2, order=3, theta=4.0, reset="soft")


def test_resources_and_counts_include_the_internal_populations(rng: np.random.Generator) -> None:
    """Spike counts cover units, input and memory neurons; synops, dense MACs, sparsity and the
    Loihi 2 description count the cell's internal synapses (each population a layer)."""
    m, d, n, n_in = 2, 3, 4, 5
    model = Classifier("l2mu", n_in, (n,), 3, memory=m, order=d, theta=5.0, init_gain=3.0)
    net = convert(model)
    x = rng.normal(0, 1, (2, n_in, 12))
    out = net.run(x, np.array([12, 9]), backend="fixed")
    assert out.spikes[0].shape == (2, n + m + m * d)
    assert out.spikes[0][:, n:].sum() > 0, "the internal populations must spike"
    layers = net.loihi2_layers()
    assert [layer.name for layer in layers] == ["0:l2mu", "0:l2mu:s_u", "0:l2mu:s_m", "readout"]
    assert [layer.n for layer in layers] == [n, m, m * d, 3]
    assert [layer.state_bits for layer in layers[:3]] == [49, 49, 49]
    per_step = net.dense_macs(np.array([1]))[0]
    assert sum(layer.synapses for layer in layers) == per_step
    activity = net.loihi2_activity(out.spikes, np.array([12, 9]))
    fan_out = [layer.fan_out for layer in layers]
    assert activity.synops == pytest.approx(sum(np.multiply(activity.spikes_per_layer, fan_out)))
    assert fan_out[:3] == [3 + (m + n), d, 2 * d + m + n]
    assert activity.neuron_updates == pytest.approx((n + m + m * d + 3) * 10.5)
