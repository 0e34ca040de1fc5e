"""Spiking LSTM (LIF + AHP neurons): torch == Lava float, Lava fixed == independent integer
reference, spike-frequency adaptation, refractoriness, fixed vs float bound, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lava_sd import ParameterError, SpikingLSTM
from lava_sd.harness import drive
from lava_sd.models.spiking_lstm.config import SpikingLSTMConfig
from lava_sd.models.spiking_lstm.torch import SpikingLSTMLayer

STATES = ("i", "ahp", "v", "ref")


def test_torch_equals_lava_float(rng: np.random.Generator) -> None:
    batch, n_in, steps = 3, 5, 300
    config = SpikingLSTMConfig(4, 4, tau_a=50, n_ref=2)
    torch.manual_seed(int(rng.integers(1 << 30)))
    layer = SpikingLSTMLayer(n_in, config, init_gain=0.5, dtype=torch.float64).double()
    with torch.no_grad():
        layer.synapses.bias.uniform_(-0.05, 0.05)
    x = rng.uniform(-0.5, 1.0, (batch, n_in, steps))
    spikes = layer(torch.from_numpy(x)).detach().numpy()
    proc = SpikingLSTM(
        shape=(batch, config.n),
        weights=layer.synapses.weight.detach().numpy(),
        rec_weights=layer.synapses.recurrent_weight.detach().numpy(),
        num_message_bits=24,
        bias_mant=layer.synapses.bias.detach().numpy(),
        **config.float_params(),
    )
    lava = drive(proc, x, backend="float")
    assert 0.02 < spikes.mean() < 0.5, "the test must exercise spiking"
    np.testing.assert_array_equal(lava["s_out"], spikes)


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_ahp_neurons_adapt_and_lif_neurons_do_not(backend: str) -> None:
    """Constant input, authors' defaults (tau_v 20, tau_a 700, beta 171 thresholds, refractory
    1): the AHP neurons' inter-spike intervals grow, the LIF neurons' stay constant."""
    config = SpikingLSTMConfig(n_regular=1, n_adaptive=1)
    steps, drive_value = 800, 0.08
    if backend == "float":
        params, x = config.float_params(), np.full((2, steps), drive_value)
    else:
        params = config.fixed_params()
        x = np.full((2, steps), round(drive_value * config.unit() / 64))
    spikes = drive(SpikingLSTM(shape=(2,), **params), x, backend=backend)["s_out"]
    lif_isi, ahp_isi = (np.diff(np.flatnonzero(spikes[j])) for j in (0, 1))
    print(f"{backend}: LIF ISIs {lif_isi[:6]}..., AHP ISIs {ahp_isi}")
    assert len(lif_isi) > 20 and len(ahp_isi) >= 4
    assert np.ptp(lif_isi[1:]) <= 1  # regular
    # Adaptation: the intervals grow (strictly at first), then settle where the AHP current's
    # decay balances its increments (steady-state jitter of a step or two).
    assert np.all(np.diff(ahp_isi[:4]) > 0) and np.all(np.diff(ahp_isi) >= -2)
    assert ahp_isi[-1] >= 4 * ahp_isi[0]


@pytest.mark.parametrize("n_ref", [0, 3])
def test_refractory_period(n_ref: int) -> None:
    """A neuron driven far above threshold spikes every n_ref + 1 steps."""
    config = SpikingLSTMConfig(n_regular=1, n_adaptive=0, n_ref=n_ref)
    spikes = drive(
        SpikingLSTM(shape=(1,), **config.float_params()), np.full((1, 60), 50.0), backend="float"
    )["s_out"]
    assert set(np.diff(np.flatnonzero(spikes[0]))) == {n_ref + 1}


def test_fixed_tracks_float_within_bound(rng: np.random.Generator) -> None:
    """Float decays are the fixed ones (SpikingLSTMConfig), inputs are on the integer grid:
    below threshold, membranes differ only by rounding toward zero. Each decayed state loses
    at most one unit per step, so a state with decay D drifts at most 4096 / D units toward
    zero, and the membrane integrates its currents' drift with gain 4096 / D_v
    (docs/fixed_point.md): the bound is (1 + 4096 / D_a) 4096 / D_v units."""
    config = SpikingLSTMConfig(n_regular=4, n_adaptive=4)
    unit, steps = config.unit(), 500
    x_int = rng.integers(-(2**6), 2**6, (config.n, steps))
    s_init = np.r_[np.zeros(4), np.ones(4)]  # start the AHP current with one spike
    floats = dict(config.float_params(), vth=100.0)
    fixed = dict(config.fixed_params(), vth=2**16)
    out_f = drive(
        SpikingLSTM(shape=(config.n,), s=s_init, **floats), x_int * 64 / unit, record=("v",)
    )
    out_x = drive(
        SpikingLSTM(shape=(config.n,), s=s_init, **fixed), x_int, backend="fixed", record=("v",)
    )
    assert out_f["s_out"].sum() == 0 and out_x["s_out"].sum() == 0
    err = np.abs(out_x["v"] / unit - out_f["v"])
    print(f"max |v_fixed - v_float| = {err.max():.2e} thresholds")
    d = config.decays()
    bound = (1 + 4096 / d["da"]) * 4096 / d["dv"] / unit
    assert err[:4].max() < 4096 / d["dv"] / unit  # LIF neurons: the membrane's own rounding
    assert err.max() < bound


def test_bad_parameters_fail_before_run() -> None:
    with pytest.raises(ParameterError, match="n_ref"):
        SpikingLSTMConfig(2, 2, n_ref=1.5)
    with pytest.raises(ParameterError, match="tau_v"):
        SpikingLSTMConfig(2, 2, tau_v=0.5)
    params = SpikingLSTMConfig(2, 2).float_params()
    with pytest.raises(ParameterError, match="rec_weights"):
        SpikingLSTM(shape=(1, 4), rec_weights=np.ones((3, 3)), **params)
    with pytest.raises(ParameterError, match="w_ahp"):
        drive(SpikingLSTM(shape=(4,), **{**params, "w_ahp": -1.0}), np.zeros((4, 3)))
    with pytest.raises(ParameterError, match="not an integer"):
        drive(SpikingLSTM(shape=(4,), **params), np.zeros((4, 3)), backend="fixed")
