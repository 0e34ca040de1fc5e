"""netx export (lava_sd.interop.netx): lava-dl's own loader runs the file with the same spikes as
lava_sd's fixed point (one step of Dense delay per layer), and networks netx cannot load exactly
are refused with the reason."""

from __future__ import annotations

import json
import re

import nir
import numpy as np
import pytest
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source

import lava_sd
from lava_sd import ParameterError
from lava_sd.interop.netx import export_hdf5
from lava_sd.interop.nir import from_nir, spike_trains


def two_layer_graph(rng: np.random.Generator, n_in: int, n1: int, n2: int) -> nir.NIRGraph:
    """A recurrent CubaLIF layer (a sub-graph) and a LIF layer, uniform neuron parameters."""
    shape = lambda n: np.array([n])  # noqa: E731
    cuba = nir.CubaLIF(
        tau_syn=np.full(n1, 4e-3),
        tau_mem=np.full(n1, 1e-2),
        r=np.full(n1, 10.0),
        v_leak=np.zeros(n1),
        v_threshold=np.ones(n1),
        w_in=np.full(n1, 4.0),
    )
    rnn = nir.NIRGraph(
        nodes={
            "in": nir.Input(input_type=shape(n1)),
            "lif": cuba,
            "w_rec": nir.Linear(weight=rng.normal(0, 0.5, (n1, n1))),
            "out": nir.Output(output_type=shape(n1)),
        },
        edges=[("in", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "out")],
        type_check=False,
    )
    return nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=shape(n_in)),
            "w0": nir.Linear(weight=rng.normal(0, 1, (n1, n_in))),
            "rnn": rnn,
            "w1": nir.Linear(weight=rng.normal(0, 1, (n2, n1))),
            "lif1": nir.LIF(
                tau=np.full(n2, 5e-3),
                r=np.full(n2, 5.0),
                v_leak=np.zeros(n2),
                v_threshold=np.ones(n2),
            ),
            "output": nir.Output(output_type=shape(n2)),
        },
        edges=[("input", "w0"), ("w0", "rnn"), ("rnn", "w1"), ("w1", "lif1"), ("lif1", "output")],
    )


def test_netx_runs_the_exported_file_with_lava_sds_spikes(tmp_path, rng) -> None:
    """netx's Network (Dense + LIF blocks, fixed point) on a batch-1 binary input: its output
    layer (the second) fires exactly lava_sd's spikes two steps later (one Dense delay per
    layer; no bias, so the extra steps do not charge the neurons)."""
    from lava.lib.dl.netx.hdf5 import Network as NetxNetwork

    n_in, n1, n2, steps = 6, 8, 4, 80
    # Integer weights within netx's 8 bits: binary input (input_scale 1) and a small vth.
    net = from_nir(two_layer_graph(rng, n_in, n1, n2), dt=1e-3, vth=100, input_scale=1)
    x = (rng.random((1, n_in, steps)) < 0.3).astype(float)
    ours = spike_trains(net, x)["s_1"][0]
    path = export_hdf5(net, tmp_path / "net.h5")
    lnet = NetxNetwork(net_config=str(path), input_message_bits=0)
    assert [type(b).__name__ for b in lnet.layers] == ["RecurrentDense", "Dense"]
    source = Source(data=x[0])
    sink = Sink(shape=lnet.out_layer.out.shape, buffer=steps)
    source.s_out.connect(lnet.in_layer.synapse.s_in)
    lnet.out_layer.out.connect(sink.a_in)
    netx = lava_sd.run({"s": sink.data}, steps, backend="fixed")["s"]
    assert 0.05 < ours.mean() < 0.9 and 0 < ours[:, :-2].mean() < 1
    np.testing.assert_array_equal(netx[:, :2], 0)
    np.testing.assert_array_equal(netx[:, 2:], ours[:, :-2])


def test_networks_netx_cannot_load_exactly_are_refused(tmp_path, rng) -> None:
    """Weights that are not small integers are refused with the thresholds that fit each layer;
    following that advice (one vth per layer) exports."""
    graph = two_layer_graph(rng, 3, 4, 2)
    for kwargs in (dict(vth=100), dict(input_scale=1)):  # X = 32: fractions; vth 1024: too large
        with pytest.raises(ParameterError, match=r"not integers in \[-256, 254\]") as err:
            export_hdf5(from_nir(graph, dt=1e-3, **kwargs), tmp_path / "a.h5")
        assert "vth that fit, per layer: layer 0:" in str(err.value)
    advice = re.search(r"vth=(\[[0-9, ]+\])", str(err.value))
    assert advice, str(err.value)
    vth = json.loads(advice.group(1))
    export_hdf5(from_nir(graph, dt=1e-3, input_scale=1, vth=vth), tmp_path / "ok.h5")
    with pytest.raises(ParameterError, match="'egru' layer"):
        export_hdf5(lava_sd.convert(lava_sd.Classifier("egru", 3, (4,), 2)), tmp_path / "c.h5")
    with pytest.raises(ParameterError, match="resets by subtraction"):
        export_hdf5(from_nir(graph, dt=1e-3, reset="subtract"), tmp_path / "d.h5")
    mixed = two_layer_graph(rng, 3, 4, 2)
    mixed.nodes["lif1"].v_threshold = np.array([1.0, 2.0])
    with pytest.raises(ParameterError, match="'vth' differs between neurons"):
        export_hdf5(from_nir(mixed, dt=1e-3, vth=100, input_scale=1), tmp_path / "e.h5")
    with pytest.raises(ParameterError, match="expected a lava_sd.Network"):
        export_hdf5(lava_sd.Classifier("lif", 3, (4,), 2), tmp_path / "f.h5")
