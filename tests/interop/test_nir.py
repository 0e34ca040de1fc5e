"""NIR import and export (lava_sd.interop.nir): graphs written with ``nir`` here, checked against
the NIR paper's single-LIF example, an independent float simulation of NIR's equations, Lava's own
LIF and Dense processes (fixed point, bit for bit), round trips, and clear errors."""

from __future__ import annotations

import h5py
import nir
import numpy as np
import pytest
from lava.proc.dense.process import Dense
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source
from lava.proc.lif.process import LIF as LavaLIF

import lava_sd
from lava_sd import ParameterError
from lava_sd.interop.nir import from_nir, nir_classifier, spike_trains, to_nir

# The NIR paper's single-LIF example (Pedersen et al. 2024, neuromorphs/NIR paper/01_lif, commit
# 7232ada): lif_norse.nir is Input -> Affine(w = 1, b = 0) -> LIF(tau = 0.0025 s, r = 1,
# v_leak = 0, v_threshold = 0.1, float32) -> Output, run at dt = 1e-4 s for 1000 steps on input
# spikes at these steps; lif_norse.csv (Norse) and lif_exact.csv (exact event-based simulation)
# both spike at PAPER_SPIKES (Lava's CPU and Loihi runs one step later: their Dense delay).
PAPER_INPUT = [
    int(t)
    for t in "60 220 270 310 320 350 370 400 410 430 440 450 460 470 480 490 500 510 520 530 670 "
    "680 690 700 710 720 730 740 750 760 770 780 840 850".split()
]
PAPER_SPIKES = [460, 510, 710, 760]


def paper_graph() -> nir.NIRGraph:
    f32 = lambda v: np.array([v], dtype=np.float32)  # noqa: E731
    return nir.NIRGraph.from_list(
        nir.Affine(weight=np.ones((1, 1), np.float32), bias=f32(0.0)),
        nir.LIF(tau=f32(0.0025), r=f32(1.0), v_leak=f32(0.0), v_threshold=f32(0.1)),
    )


@pytest.mark.parametrize(
    ("method", "reset"), [("euler", "zero"), ("euler", "subtract"), ("zoh", "zero")]
)
def test_nir_paper_single_lif_spikes_on_the_published_steps(
    tmp_path, method: str, reset: str
) -> None:
    """The published spikes under either reset (the paper's file predates NIR 1.0.6: it meant
    subtraction; its exact simulation subtracts, Norse resets to zero) and either discretisation."""
    path = tmp_path / "lif.nir"
    nir.write(path, paper_graph())
    net = from_nir(path, dt=1e-4, method=method, reset=reset)
    x = np.zeros((1, 1, 1000))
    x[0, 0, PAPER_INPUT] = 1
    for backend in ("float", "fixed"):
        spikes = spike_trains(net, x, backend=backend)["s_0"][0, 0]
        assert np.flatnonzero(spikes).tolist() == PAPER_SPIKES, (method, backend)


# --------------------------------------------------- an independent simulation of NIR's equations


def nir_euler(spec: list[dict], readout: dict, x: np.ndarray, dt: float) -> dict:
    """Forward Euler of the NIR 1.0.8 node equations (their docstrings), float64, batch-first:
    LIF  tau dv/dt = (v_leak - v) + r I;  IF dv/dt = r I;  CubaLIF tau_syn dI/dt = -I + w_in S,
    tau_mem dv/dt = (v_leak - v) + r I (v takes the new I);  z = v > v_threshold, v <- v_reset;
    a cycle carries the previous step's spikes; LI readout tau dv/dt = (v_leak - v) + r I from
    its resting value v_leak + r b."""
    batch, _, steps = x.shape
    state = [
        dict(v=np.zeros((batch, s["n"])), i=np.zeros((batch, s["n"])), z=np.zeros((batch, s["n"])))
        for s in spec
    ]
    spikes = [np.zeros((batch, s["n"], steps)) for s in spec]
    li = readout["v_leak"] + readout["r"] * readout["b"] + np.zeros((batch, len(readout["b"])))
    li_sum = np.zeros_like(li)
    for t in range(steps):
        inp = x[:, :, t]
        for k, (s, st) in enumerate(zip(spec, state, strict=True)):
            current = inp @ s["W"].T + s["b"]
            if s.get("W_rec") is not None:
                current = current + st["z"] @ s["W_rec"].T
            if s["kind"] == "LIF":
                st["v"] = st["v"] + dt / s["tau"] * (s["v_leak"] - st["v"] + s["r"] * current)
            elif s["kind"] == "IF":
                st["v"] = st["v"] + dt * s["r"] * current
            else:
                st["i"] = st["i"] + dt / s["tau_syn"] * (-st["i"] + s["w_in"] * current)
                st["v"] = st["v"] + dt / s["tau_mem"] * (s["v_leak"] - st["v"] + s["r"] * st["i"])
            st["z"] = (st["v"] > s["v_threshold"]).astype(float)
            st["v"] = np.where(st["z"] > 0, 0.0, st["v"])
            spikes[k][:, :, t] = st["z"]
            inp = st["z"]
        drive = readout["v_leak"] + readout["r"] * (inp @ readout["W"].T + readout["b"])
        li = li + dt / readout["tau"] * (drive - li)
        li_sum += li
    return {"spikes": spikes, "v": [st["v"] for st in state], "readout": li_sum / steps}


def random_spec(rng: np.random.Generator, n_in: int = 5) -> tuple[list[dict], dict]:
    """Layers: a recurrent CubaLIF with v_leak, a LIF with an Affine bias and v_leak behind a
    Scale, an IF with an Affine bias; an Affine + LI readout (per-neuron parameters)."""
    n1, n2, n3, n_out = 7, 6, 4, 3
    pos = lambda lo, hi, n: rng.uniform(lo, hi, n)  # noqa: E731
    spec = [
        dict(
            kind="CubaLIF",
            n=n1,
            W=rng.normal(0, 1.5, (n1, n_in)),
            b=np.zeros(n1),
            W_rec=rng.normal(0, 0.8, (n1, n1)),
            tau_syn=pos(2e-3, 5e-3, n1),
            tau_mem=pos(5e-3, 2e-2, n1),
            r=pos(5, 15, n1),
            v_leak=pos(-0.02, 0.05, n1),
            w_in=pos(2, 6, n1),
            v_threshold=pos(0.5, 1.5, n1),
        ),
        dict(
            kind="LIF",
            n=n2,
            W=rng.normal(0, 1.0, (n2, n1)),
            scale=pos(0.5, 2, n2),
            b=rng.normal(0, 0.02, n2),
            tau=pos(4e-3, 1e-2, n2),
            r=pos(3, 8, n2),
            v_leak=pos(0, 0.1, n2),
            v_threshold=pos(0.5, 1.0, n2),
        ),
        dict(
            kind="IF",
            n=n3,
            W=rng.normal(0.3, 1.0, (n3, n2)),
            b=rng.normal(0, 0.5, n3),
            r=pos(100, 300, n3),
            v_threshold=pos(0.5, 1.0, n3),
        ),
    ]
    readout = dict(
        W=rng.normal(0, 1, (n_out, n3)),
        b=rng.normal(0, 0.1, n_out),
        tau=np.full(n_out, 8e-3),
        r=pos(0.5, 2, n_out),
        v_leak=rng.normal(0, 0.1, n_out),
    )
    return spec, readout


def spec_graph(spec: list[dict], readout: dict, n_in: int) -> nir.NIRGraph:
    """The layers as a NIR graph: the recurrent one as a sub-graph, Scale after an Affine."""
    s0, s1, s2 = spec
    shape = lambda n: np.array([n])  # noqa: E731
    cuba = nir.CubaLIF(
        tau_syn=s0["tau_syn"],
        tau_mem=s0["tau_mem"],
        r=s0["r"],
        v_leak=s0["v_leak"],
        v_threshold=s0["v_threshold"],
        w_in=s0["w_in"],
        v_reset=np.zeros(s0["n"]),
    )
    rnn = nir.NIRGraph(
        nodes={
            "in": nir.Input(input_type=shape(s0["n"])),
            "cuba": cuba,
            "w_rec": nir.Linear(weight=s0["W_rec"]),
            "out": nir.Output(output_type=shape(s0["n"])),
        },
        edges=[("in", "cuba"), ("cuba", "w_rec"), ("w_rec", "cuba"), ("cuba", "out")],
        type_check=False,
    )
    # The Scale comes after the Affine: s (W x + b) = (s W) x + s b.
    w1 = s1["W"] / s1["scale"][:, None]
    b1 = s1["b"] / s1["scale"]
    nodes = {
        "input": nir.Input(input_type=shape(n_in)),
        "w0": nir.Linear(weight=s0["W"]),
        "rnn": rnn,
        "w1": nir.Affine(weight=w1, bias=b1),
        "scale1": nir.Scale(scale=s1["scale"]),
        "lif1": nir.LIF(
            tau=s1["tau"], r=s1["r"], v_leak=s1["v_leak"], v_threshold=s1["v_threshold"]
        ),
        "w2": nir.Affine(weight=s2["W"], bias=s2["b"]),
        "if2": nir.IF(r=s2["r"], v_threshold=s2["v_threshold"]),
        "w_out": nir.Affine(weight=readout["W"], bias=readout["b"]),
        "li": nir.LI(tau=readout["tau"], r=readout["r"], v_leak=readout["v_leak"]),
        "output": nir.Output(output_type=shape(len(readout["b"]))),
    }
    edges = [
        ("input", "w0"),
        ("w0", "rnn"),
        ("rnn", "w1"),
        ("w1", "scale1"),
        ("scale1", "lif1"),
        ("lif1", "w2"),
        ("w2", "if2"),
        ("if2", "w_out"),
        ("w_out", "li"),
        ("li", "output"),
    ]
    return nir.NIRGraph(nodes=nodes, edges=edges)


def test_float_network_runs_nirs_equations(rng: np.random.Generator) -> None:
    """Lava float = the independent forward-Euler simulation: every spike, final v, readout."""
    n_in, dt, steps = 5, 1e-3, 120
    spec, readout = random_spec(rng, n_in)
    net = from_nir(spec_graph(spec, readout, n_in), dt=dt)
    assert [layer.recurrent for layer in net.layers] == [True, False, False]
    x = rng.normal(0.6, 1.0, (3, n_in, steps))
    expected = nir_euler(spec, readout, x, dt)
    got = spike_trains(net, x, backend="float", record=("v",))
    for k in range(3):
        assert 0.02 < expected["spikes"][k].mean() < 0.6, k  # every layer is active
        np.testing.assert_array_equal(got[f"s_{k}"], expected["spikes"][k])
        np.testing.assert_allclose(got[f"v_{k}"], expected["v"][k], rtol=1e-9, atol=1e-12)
    out = net.run(x, np.full(3, steps), backend="float")
    np.testing.assert_allclose(out.logits, expected["readout"], rtol=1e-9, atol=1e-12)
    # The torch face (float64) computes the same logits.
    import torch

    model = nir_classifier(spec_graph(spec, readout, n_in), dt=dt, double=True)
    logits = model(torch.from_numpy(x), torch.full((3,), steps)).detach().numpy()
    np.testing.assert_allclose(logits, expected["readout"], rtol=1e-9, atol=1e-12)


def test_fixed_point_equals_lavas_own_lif_and_dense(rng: np.random.Generator) -> None:
    """The fixed network against lava.proc.lif LIF + lava.proc.dense Dense with the same integer
    parameters, bit for bit. Each Dense adds one step, so Lava's chain gets the input one step
    earlier than lava_sd (which reads a leading zero column) and its second layer fires one step
    later; layer 1 carries a bias (v_leak), layer 2 none (a bias would charge it during that
    extra step)."""
    n_in, n1, n2, dt, steps = 6, 8, 5, 1e-3, 150
    g = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([n_in])),
            "w0": nir.Linear(weight=rng.normal(0, 1.5, (n1, n_in))),
            "lif0": nir.CubaLIF(
                tau_syn=np.full(n1, 4e-3),
                tau_mem=np.full(n1, 1e-2),
                r=np.full(n1, 10.0),
                v_leak=np.full(n1, 0.03),
                v_threshold=np.full(n1, 1.0),
                w_in=np.full(n1, 4.0),
            ),
            "w_rec": nir.Linear(weight=rng.normal(0, 1.0, (n1, n1))),
            "w1": nir.Linear(weight=rng.normal(0.2, 1.0, (n2, n1))),
            "lif1": nir.LIF(
                tau=np.full(n2, 5e-3),
                r=np.full(n2, 5.0),
                v_leak=np.zeros(n2),
                v_threshold=np.full(n2, 0.8),
            ),
            "output": nir.Output(output_type=np.array([n2])),
        },
        edges=[
            ("input", "w0"),
            ("w0", "lif0"),
            ("lif0", "w_rec"),
            ("w_rec", "lif0"),
            ("lif0", "w1"),
            ("w1", "lif1"),
            ("lif1", "output"),
        ],
    )
    net = from_nir(g, dt=dt)  # a flat graph with a cycle: recurrence without a sub-graph
    x = rng.normal(0.5, 1.0, (1, n_in, steps))
    ours = spike_trains(net, np.concatenate([np.zeros((1, n_in, 1)), x], -1), record=("u", "v"))
    p0, p1 = (layer.fixed_params for layer in net.layers)
    scalar = lambda p: {k: int(np.unique(p[k])[0]) for k in ("du", "dv", "vth")}  # noqa: E731
    source = Source(data=np.round(np.concatenate([x[0], np.zeros((n_in, 1))], -1) * 32))
    dense0 = Dense(weights=p0["weights"], weight_exp=p0["weight_exp"], num_message_bits=24)
    lif0 = LavaLIF(shape=(n1,), bias_mant=p0["bias_mant"], bias_exp=p0["bias_exp"], **scalar(p0))
    rec = Dense(weights=p0["rec_weights"], weight_exp=p0["rec_weight_exp"])
    dense1 = Dense(weights=p1["weights"], weight_exp=p1["weight_exp"])
    lif1 = LavaLIF(shape=(n2,), bias_mant=p1["bias_mant"], bias_exp=p1["bias_exp"], **scalar(p1))
    sinks = [Sink(shape=(n,), buffer=steps + 1) for n in (n1, n2)]
    source.s_out.connect(dense0.s_in)
    dense0.a_out.connect(lif0.a_in)
    lif0.s_out.connect(rec.s_in)
    rec.a_out.connect(lif0.a_in)
    lif0.s_out.connect(dense1.s_in)
    dense1.a_out.connect(lif1.a_in)
    for lif, sink in zip((lif0, lif1), sinks, strict=True):
        lif.s_out.connect(sink.a_in)
    lava = lava_sd.run(
        {"s0": sinks[0].data, "s1": sinks[1].data, "u": lif0.u, "v": lif0.v},
        steps + 1,
        backend="fixed",
    )
    assert np.any(p0["bias_mant"]) and not np.any(p1["bias_mant"])
    assert 0.05 < lava["s0"].mean() < 0.6 and 0.05 < lava["s1"].mean() < 0.6
    np.testing.assert_array_equal(ours["s_0"][0], lava["s0"])
    np.testing.assert_array_equal(ours["s_1"][0, :, :-1], lava["s1"][:, 1:])
    np.testing.assert_array_equal(ours["u_0"][0], lava["u"])
    np.testing.assert_array_equal(ours["v_0"][0], lava["v"])


# ------------------------------------------------------------------------------- round trips


def test_round_trip_gives_the_same_fixed_point_network(tmp_path, rng: np.random.Generator) -> None:
    """from_nir(to_nir(net)): the same integer parameters, readout and Lava fixed output."""
    import torch

    model = lava_sd.Classifier(
        "lif",
        4,
        (6, 5),
        3,
        tau_u=4.0,
        tau_v=10.0,
        readout_decay=0.1,
        recurrent=[True, False],
        seed=3,
    )
    with torch.no_grad():
        model.layers[0].cell.v_bias = torch.tensor(rng.uniform(-0.05, 0.05, 6), dtype=torch.float32)
        for layer in model.layers:
            layer.synapses.weight.mul_(2.0)
    model.class_names = ["a", "b", "c"]
    net = lava_sd.convert(model)
    path = tmp_path / "net.nir"
    to_nir(model, dt=1e-3, path=path)
    graph = nir.read(path)
    assert isinstance(graph.nodes["layer0"], nir.NIRGraph)  # the recurrent layer: a sub-graph
    assert isinstance(graph.nodes["layer0"].nodes["neuron"], nir.CubaLIF)
    assert isinstance(graph.nodes["readout"], nir.LI)
    back = from_nir(path)  # dt and the fixed-point settings come from the file's metadata
    assert back.class_names == ["a", "b", "c"] and back.readout_decay == pytest.approx(0.1)
    for a, b in zip(net.layers, back.layers, strict=True):
        assert a.fixed_params.keys() == b.fixed_params.keys()
        for key, value in a.fixed_params.items():
            np.testing.assert_array_equal(
                np.broadcast_to(value, np.shape(b.fixed_params[key])),
                b.fixed_params[key],
                err_msg=key,
            )
    np.testing.assert_allclose(back.readout_weight, net.readout_weight, rtol=1e-6)
    x, lengths = rng.normal(0, 1, (4, 4, 40)), np.array([40, 31, 20, 40])
    out, out_back = (n.run(x, lengths, backend="fixed") for n in (net, back))
    assert sum(s.sum() for s in out.spikes) > 50
    for s, s_back in zip(out.spikes, out_back.spikes, strict=True):
        np.testing.assert_array_equal(s, s_back)
    np.testing.assert_allclose(out_back.logits, out.logits, rtol=1e-6, atol=1e-9)


def test_alif_without_adaptation_exports_as_lif(rng: np.random.Generator) -> None:
    """An ALIF network with its adaptation off (a = b = 0) is a LIF network: it exports, and its
    import runs like it in Lava fixed point."""
    import torch

    model = lava_sd.Classifier("alif", 3, (5,), 2, seed=1)
    with torch.no_grad():
        model.layers[0].cell.a.zero_()
        model.layers[0].cell.b.zero_()
    net = lava_sd.convert(model)
    back = from_nir(to_nir(net, dt=1e-3))
    x, lengths = rng.normal(0, 1, (3, 3, 30)), np.full(3, 30)
    out, out_back = (n.run(x, lengths, backend="fixed") for n in (net, back))
    assert out.spikes[0].sum() > 10
    np.testing.assert_array_equal(out_back.spikes[0], out.spikes[0])


def test_export_refuses_what_nir_cannot_express() -> None:
    with pytest.raises(ParameterError, match="no primitive for a gated recurrent unit"):
        to_nir(lava_sd.Classifier("egru", 3, (4,), 2))
    with pytest.raises(ParameterError, match="ΣΔ"):
        to_nir(lava_sd.Classifier("lprnn", 3, (4,), 2))
    with pytest.raises(ParameterError, match="adaptive LIF primitive"):
        to_nir(lava_sd.Classifier("alif", 3, (4,), 2))
    with pytest.raises(ParameterError, match="subtracts the threshold"):
        to_nir(lava_sd.Classifier("lif", 3, (4,), 2, reset="subtract"))
    with pytest.raises(ParameterError, match="dt"):
        to_nir(lava_sd.Classifier("lif", 3, (4,), 2), dt=0)


# ------------------------------------------------------------------- semantics and errors


def test_old_files_subtract_and_the_choice_is_explicit(tmp_path) -> None:
    """NIR before 1.0.6 subtracted the threshold; a file that says so is read that way (with a
    warning), and ``reset=`` overrides it."""
    path = tmp_path / "old.nir"
    nir.write(path, paper_graph())
    with h5py.File(path, "r+") as f:
        del f["version"]
        f.create_dataset("version", data="1.0.5", dtype=h5py.string_dtype())
    with pytest.warns(UserWarning, match="subtract"):
        net = from_nir(path, dt=1e-4)
    assert int(np.asarray(net.layers[0].fixed_params["reset"]).reshape(-1)[0]) == 1
    net = from_nir(path, dt=1e-4, reset="zero")
    assert int(np.asarray(net.layers[0].fixed_params["reset"]).reshape(-1)[0]) == 0


def test_discretisation_of_each_neuron() -> None:
    """Euler: dv = dt / tau and the input gain dt r / tau; zoh: 1 - exp(-dt / tau)."""
    g = nir.NIRGraph.from_list(
        nir.Linear(weight=np.eye(2)),
        nir.CubaLIF(
            tau_syn=np.array([2e-3, 4e-3]),
            tau_mem=np.array([1e-2, 2e-2]),
            r=np.array([2.0, 3.0]),
            v_leak=np.array([0.1, 0.0]),
            v_threshold=np.array([1.0, 2.0]),
            w_in=np.array([1.5, 1.0]),
        ),
    )
    dt = 1e-3
    euler = from_nir(g, dt=dt).layers[0].float_params
    np.testing.assert_allclose(euler["du"], [0.5, 0.25])
    np.testing.assert_allclose(euler["dv"], [0.1, 0.05])
    np.testing.assert_allclose(np.diag(euler["weights"]), [0.1 * 2 * 0.5 * 1.5, 0.05 * 3 * 0.25])
    np.testing.assert_allclose(euler["bias_mant"], [0.1 * 0.1, 0.0])
    np.testing.assert_allclose(euler["vth"], [1.0, 2.0])
    zoh = from_nir(g, dt=dt, method="zoh").layers[0].float_params
    np.testing.assert_allclose(zoh["dv"], 1 - np.exp(-dt / np.array([1e-2, 2e-2])))
    # One threshold unit per layer: vth=[...] maps each layer with its own.
    two = nir.NIRGraph.from_list(
        nir.Linear(weight=np.eye(2)), nir.LIF(**LIF2), nir.Linear(weight=np.eye(2)), nir.LIF(**LIF2)
    )
    net = from_nir(two, dt=dt, vth=[512, 64])
    assert [np.max(layer.fixed_params["vth"]) for layer in net.layers] == [512, 64]
    assert net.layers[0].unit == 512 * 64 and net.layers[1].unit == 64 * 64


def _graph(*nodes: nir.NIRNode) -> nir.NIRGraph:
    return nir.NIRGraph.from_list(*nodes, type_check=False)


LIF2 = dict(tau=np.full(2, 1e-2), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.ones(2))


@pytest.mark.parametrize(
    ("graph", "match"),
    [
        (
            lambda: _graph(
                nir.Conv1d(
                    input_shape=4,
                    weight=np.ones((2, 1, 3)),
                    stride=1,
                    padding=0,
                    dilation=1,
                    groups=1,
                    bias=np.zeros(2),
                )
            ),
            "'conv1d' is a Conv1d: convolutions.*not yet",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)), nir.Delay(delay=np.ones(2)), nir.LIF(**LIF2)
            ),
            "'delay' is a Delay, which lava_sd does not map",
        ),
        (
            lambda: _graph(nir.Linear(weight=np.eye(2)), nir.Threshold(threshold=np.ones(2))),
            "'threshold' is a Threshold",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)), nir.LIF(**{**LIF2, "v_reset": np.ones(2)})
            ),
            "v_reset = 1",
        ),
        (
            lambda: _graph(
                nir.Affine(weight=np.eye(2), bias=np.ones(2)),
                nir.CubaLIF(
                    tau_syn=np.full(2, 5e-3),
                    tau_mem=np.full(2, 1e-2),
                    r=np.ones(2),
                    v_leak=np.zeros(2),
                    v_threshold=np.ones(2),
                ),
            ),
            "Affine bias in front of CubaLIF 'cubalif'",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)), nir.LIF(**{**LIF2, "tau": np.full(2, 1e-4)})
            ),
            "shorter than dt",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)),
                nir.LI(tau=np.ones(2), r=np.ones(2), v_leak=np.zeros(2)),
            ),
            "no spiking node",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)),
                nir.LI(tau=np.ones(2), r=np.ones(2), v_leak=np.zeros(2)),
                nir.LIF(**LIF2),
            ),
            "must feed the Output directly",
        ),
        (
            lambda: _graph(
                nir.Linear(weight=np.eye(2)),
                nir.CubaLI(
                    tau_syn=np.ones(2), tau_mem=np.ones(2), r=np.ones(2), v_leak=np.zeros(2)
                ),
            ),
            "'cubali' is a CubaLI",
        ),
    ],
)
def test_unsupported_graphs_are_refused_by_name(graph, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        from_nir(graph(), dt=1e-3)


def test_branches_and_bad_arguments_are_refused(tmp_path) -> None:
    lif = nir.LIF(**LIF2)
    branch = nir.NIRGraph(
        nodes={
            "in": nir.Input(input_type=np.array([2])),
            "a": nir.Linear(weight=np.eye(2)),
            "b": nir.Linear(weight=np.eye(2)),
            "lif": lif,
            "out": nir.Output(output_type=np.array([2])),
        },
        edges=[("in", "a"), ("in", "b"), ("a", "lif"), ("b", "lif"), ("lif", "out")],
    )
    with pytest.raises(ParameterError, match="exactly one node"):
        from_nir(branch, dt=1e-3)
    good = _graph(nir.Linear(weight=np.eye(2)), lif)
    with pytest.raises(ParameterError, match="dt must be the time step"):
        from_nir(good)
    with pytest.raises(ParameterError, match="method"):
        from_nir(good, dt=1e-3, method="rk4")
    with pytest.raises(ParameterError, match="vth gives 3 thresholds for 1 layers"):
        from_nir(good, dt=1e-3, vth=[64, 128, 256])
    with pytest.raises(ParameterError, match="no NIR file"):
        from_nir(tmp_path / "missing.nir", dt=1e-3)
    with pytest.raises(ParameterError, match="nir.NIRGraph or the path"):
        from_nir(42, dt=1e-3)
