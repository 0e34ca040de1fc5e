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


# ----------------------------------------------------------------------------- from_netx


def netx_run(path, x: np.ndarray, steps: int) -> np.ndarray:
    """lava-dl netx's own Network on one binary input ``(n_in, steps)``: its output spikes."""
    from lava.lib.dl.netx.hdf5 import Network as NetxNetwork

    lnet = NetxNetwork(net_config=str(path), input_message_bits=0)
    source = Source(data=x)
    sink = Sink(shape=lnet.out_layer.out.shape, buffer=steps)
    source.s_out.connect(lnet.in_layer.synapse.s_in)
    lnet.out_layer.out.connect(sink.a_in)
    return lava_sd.run({"s": sink.data}, steps, backend="fixed")["s"]


def slayer_file(path, seed: int) -> None:
    """Two SLAYER CUBA dense blocks (lava-dl's training library), exported by SLAYER itself."""
    import h5py
    import torch
    from lava.lib.dl import slayer

    torch.manual_seed(seed)
    neuron = {"threshold": 1.25, "current_decay": 0.25, "voltage_decay": 0.03,
              "tau_grad": 0.03, "scale_grad": 3, "requires_grad": False}  # fmt: skip
    dense = lambda n_in, n: slayer.block.cuba.Dense(  # noqa: E731
        neuron, n_in, n, weight_norm=False, weight_scale=2
    )
    blocks = torch.nn.Sequential(dense(6, 10), dense(10, 4))
    blocks(torch.zeros(1, 6, 4))  # a forward pass gives the neurons their shape, as training does
    with h5py.File(path, "w") as f:
        for i, block in enumerate(blocks):
            block.export_hdf5(f.create_group(f"layer/{i}"))


def test_from_netx_reads_slayers_export_with_netxs_spikes(tmp_path, rng) -> None:
    """A file SLAYER wrote, read by from_netx and run as one batch in lava_sd's fixed point:
    each sample's output spikes equal netx's own run of the file, two steps (two Dense delays)
    earlier; the float twin fires the same spikes here."""
    path = tmp_path / "slayer.net"
    slayer_file(path, seed=0)
    net = lava_sd.Network.from_netx(path)
    assert [layer.n for layer in net.layers] == [10, 4] and net.n_in == 6
    steps = 60
    x = (rng.random((2, 6, steps)) < 0.3).astype(float)
    ours = spike_trains(net, x)["s_1"]
    assert 0.05 < ours.mean() < 0.9
    for b in range(2):
        netx = netx_run(path, x[b], steps)
        assert not netx[:, :2].any()
        np.testing.assert_array_equal(netx[:, 2:], ours[b][:, :-2])
    np.testing.assert_array_equal(spike_trains(net, x, backend="float")["s_1"], ours)


def test_export_and_import_keep_the_spikes(tmp_path, rng) -> None:
    """export_hdf5 then from_netx: a recurrent network fires the same fixed-point spikes."""
    net = from_nir(two_layer_graph(rng, 6, 8, 4), dt=1e-3, vth=100, input_scale=1)
    back = lava_sd.Network.from_netx(export_hdf5(net, tmp_path / "net.h5"))
    assert [layer.recurrent for layer in back.layers] == [True, False]
    x = (rng.random((3, 6, 50)) < 0.3).astype(float)
    ours, again = spike_trains(net, x), spike_trains(back, x)
    assert ours["s_1"].any()
    for key in ours:
        np.testing.assert_array_equal(again[key], ours[key])


def write_dense(path, *, layer: dict | None = None, neuron: dict | None = None) -> None:
    """A one-layer netx file (dense, CUBA) with entries replaced or added."""
    import h5py

    weight = np.array([[10.0, -4.0, 3.0], [0.0, 7.0, -9.0]])
    entries = {"type": np.array([b"dense"]), "shape": np.array([2]), "weight": weight,
               **(layer or {})}  # fmt: skip
    cells = {"type": np.array([b"CUBA"]), "iDecay": 1024, "vDecay": 128, "vThMant": 80,
             "refDelay": 1, "gradedSpike": False, **(neuron or {})}  # fmt: skip
    with h5py.File(path, "w") as f:
        for key, value in entries.items():
            f.create_dataset(f"layer/0/{key}", data=value)
        for key, value in cells.items():
            f.create_dataset(f"layer/0/neuron/{key}", data=value)


@pytest.mark.parametrize(
    ("layer", "neuron", "match"),
    [
        ({"type": np.array([b"conv"])}, None, "'conv' layer"),
        (None, {"type": np.array([b"SDNN"])}, "'SDNN' neurons"),
        (None, {"gradedSpike": True}, "graded spikes"),
        ({"delay": np.ones(2)}, None, "synaptic delays"),
        ({"weight": np.array([[300.0, -1, 0], [0, 0, 0]])}, None, r"reaches 300"),
        ({"weight": np.array([[201.0, -1, 0], [0, 0, 0]])}, None, "odd weights beyond"),
        ({"weight": np.array([[1.5, -1, 0], [0, 0, 0]])}, None, "not integers"),
        (None, {"vThMant": 0}, "out of range"),
        ({"weight": np.ones((3, 3))}, None, "does not fit its 2 neurons"),
    ],
)
def test_from_netx_refuses_what_lava_sd_would_run_differently(
    tmp_path, layer: dict | None, neuron: dict | None, match: str
) -> None:
    path = tmp_path / "bad.net"
    write_dense(path, layer=layer, neuron=neuron)
    with pytest.raises(ParameterError, match=match):
        lava_sd.Network.from_netx(path)


def test_from_netx_bad_files_and_arguments(tmp_path) -> None:
    from_netx = lava_sd.Network.from_netx

    with pytest.raises(ParameterError, match="no netx file"):
        from_netx(tmp_path / "missing.net")
    (tmp_path / "text.net").write_text("not hdf5")
    with pytest.raises(ParameterError, match="not a readable hdf5 file"):
        from_netx(tmp_path / "text.net")
    import h5py

    write_dense(tmp_path / "cut.net")
    with h5py.File(tmp_path / "cut.net", "a") as f:
        del f["layer/0/neuron/vThMant"]
    with pytest.raises(ParameterError, match="lacks an entry netx needs"):
        from_netx(tmp_path / "cut.net")
    write_dense(tmp_path / "ok.net")
    with pytest.raises(ParameterError, match="input_message_bits"):
        from_netx(tmp_path / "ok.net", input_message_bits=30)
    fixed = from_netx(tmp_path / "ok.net").layers[0].fixed_params
    effective = fixed["weights"] * 2.0 ** fixed["weight_exp"]
    np.testing.assert_array_equal(effective, [[10, -4, 3], [0, 7, -9]])


def test_lava_sd_info_reads_a_netx_file(tmp_path, capsys) -> None:
    from lava_sd.commands import info

    write_dense(tmp_path / "one.net")
    assert info.main([str(tmp_path / "one.net")]) == 0
    out = capsys.readouterr().out
    assert "lava-dl netx file" in out and "3 inputs -> [2]" in out and "w_exp" in out
