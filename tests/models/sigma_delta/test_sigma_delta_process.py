"""ΣΔ neuron: torch == Lava float, Lava fixed == independent integer reference, LIF reduction,
batch == separate runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lava.proc.dense.process import Dense
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source
from lava.proc.lif.process import LIF
from model_references import load_reference

import lava_sd
from lava_sd import SigmaDelta
from lava_sd.harness import drive
from lava_sd.torch import SigmaDeltaCell, SigmaDeltaLayer

STATES = ("i_in", "i_ip", "i_fb", "v")


def random_float_params(rng: np.random.Generator, shape: tuple[int, ...]) -> dict:
    n = shape[-1]
    return dict(
        du_in=rng.uniform(0.05, 1.0, n),
        du_ip=rng.uniform(0.05, 1.0, n),
        du_fb=rng.uniform(0.02, 0.5, n),
        dv=rng.uniform(0.0, 1.0, n),
        w_fb=rng.uniform(-0.5, 0.0, n),
        vth=rng.uniform(0.0, 0.3, n),
        bias_mant=rng.uniform(-0.2, 0.4, n),
        bias_exp=rng.integers(0, 2, n),
    )


def test_torch_equals_lava_float(rng: np.random.Generator) -> None:
    batch, n, steps = 3, 6, 300
    params = random_float_params(rng, (batch, n))
    inputs = rng.uniform(-1.0, 2.0, (batch, n, steps))
    lava = drive(SigmaDelta(shape=(batch, n), **params), inputs, backend="float", record=STATES)
    layer = SigmaDeltaLayer(SigmaDeltaCell(n, dtype=torch.float64, **params))
    spikes, traces = layer(torch.from_numpy(inputs))
    assert lava["s_out"].sum() > 50, "the test must exercise spiking"
    np.testing.assert_array_equal(spikes.numpy(), lava["s_out"])
    for key in STATES:
        np.testing.assert_allclose(traces[key][..., -1].numpy(), lava[key], rtol=1e-6, atol=1e-12)


def test_reduces_to_lava_lif_under_fixed_pt(rng: np.random.Generator) -> None:
    """w_fb = 0 and tau_ip = 1 with i_in + bias >= 0: spikes and states equal Lava's LIF."""
    n_in, n, steps = 8, 5, 400
    weights = rng.integers(0, 60, (n, n_in))  # excitatory: i_in >= 0, no rectification
    spikes_in = (rng.random((n_in, steps)) < 0.3).astype(np.int32)
    du, dv, vth = 409, 205, 40
    bias_mant, bias_exp = rng.integers(0, 200, n), 2
    source = Source(data=spikes_in)
    dense_lif, dense_sd = Dense(weights=weights), Dense(weights=weights)
    lif = LIF(shape=(n,), du=du, dv=dv, vth=vth, bias_mant=bias_mant, bias_exp=bias_exp)
    sd = SigmaDelta(
        shape=(n,),
        du_in=du,
        du_ip=4095,
        du_fb=100,
        dv=dv,
        w_fb=0,
        vth=vth,
        bias_mant=bias_mant,
        bias_exp=bias_exp,
    )
    sink_lif, sink_sd = Sink(shape=(n,), buffer=steps), Sink(shape=(n,), buffer=steps)
    source.s_out.connect(dense_lif.s_in)
    source.s_out.connect(dense_sd.s_in)
    dense_lif.a_out.connect(lif.a_in)
    dense_sd.a_out.connect(sd.a_in)
    lif.s_out.connect(sink_lif.a_in)
    sd.s_out.connect(sink_sd.a_in)
    out = lava_sd.run(
        {
            "lif": sink_lif.data,
            "sd": sink_sd.data,
            "u": lif.u,
            "v_lif": lif.v,
            "i_in": sd.i_in,
            "v_sd": sd.v,
            "overflow": sd.overflow,
        },
        steps,
        backend="fixed",
    )
    assert out["lif"].sum() > 20
    assert out["overflow"].sum() == 0
    np.testing.assert_array_equal(out["sd"], out["lif"])
    np.testing.assert_array_equal(out["i_in"], out["u"])
    np.testing.assert_array_equal(out["v_sd"], out["v_lif"])


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_batch_equals_separate_runs(rng: np.random.Generator, backend: str) -> None:
    batch, n, steps = 3, 4, 150
    if backend == "float":
        params = random_float_params(rng, (batch, n))
        inputs = rng.uniform(-0.5, 1.5, (batch, n, steps))
    else:
        params = load_reference("sigma_delta").random_fixed_params(rng, n)
        inputs = rng.integers(-(2**10), 2**12, (batch, n, steps))
    together = drive(SigmaDelta(shape=(batch, n), **params), inputs, backend=backend, record=STATES)
    for b in range(batch):
        alone = drive(SigmaDelta(shape=(n,), **params), inputs[b], backend=backend, record=STATES)
        np.testing.assert_array_equal(together["s_out"][b], alone["s_out"])
        for key in STATES:
            np.testing.assert_array_equal(together[key][b], alone[key])
    assert together["s_out"].sum() > 0
