"""ΣΔ-lpRNN: a ΣΔ layer with fused synapses equals a graph of separately verified parts, and the
converted network follows the ANN it came from."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lava.proc.io.sink import RingBuffer as Sink
from lava.proc.io.source import RingBuffer as Source

import lava_sd
from lava_sd import BatchDense, Classifier, ParameterError, SigmaDelta, convert
from lava_sd.simulate import simulate

STATES = ("i_in", "i_ip", "i_fb", "v")


def neuron_params(rng: np.random.Generator, n: int, backend: str) -> dict:
    if backend == "fixed":
        return dict(
            du_in=rng.integers(50, 500, n),
            du_ip=rng.integers(50, 500, n),
            du_fb=rng.integers(50, 500, n),
            dv=4096,
            w_fb=-rng.integers(2000, 8000, n),
            vth=0,
            bias_mant=rng.integers(500, 3000, n),
        )
    return dict(
        du_in=rng.uniform(0.02, 0.2, n),
        du_ip=rng.uniform(0.02, 0.2, n),
        du_fb=rng.uniform(0.02, 0.2, n),
        dv=1.0,
        w_fb=-rng.uniform(0.05, 0.3, n),
        vth=0.0,
        bias_mant=rng.uniform(-0.05, 0.1, n),
    )


@pytest.mark.parametrize("backend", ["float", "fixed"])
def test_fused_lprnn_equals_batchdense_sigmadelta_graph(
    rng: np.random.Generator, backend: str
) -> None:
    """At step t the composed graph's neurons get W x[t-2] (the source sends column t-1 and
    BatchDense delays by one step) and U s(t-1) (BatchDense's buffer); the fused layer gets
    W s_in(t) + U s(t-1), so its source gets x one column later. States must be identical."""
    batch, n_in, n, steps = 2, 6, 5, 120
    if backend == "fixed":
        w, u = rng.integers(-60, 60, (n, n_in)) * 2, rng.integers(-30, 30, (n, n)) * 2
    else:
        w, u = rng.normal(0, 0.3, (n, n_in)), rng.normal(0, 0.2, (n, n))
    params = neuron_params(rng, n, backend)
    spikes_in = (rng.random((batch, n_in, steps)) < 0.3).astype(np.int64)
    later = np.concatenate([np.zeros((batch, n_in, 1), np.int64), spikes_in[..., :-1]], -1)

    own_steps = np.array([steps, steps // 2])  # sample 1 "ends" halfway: later spikes uncounted
    fused = SigmaDelta(
        shape=(batch, n),
        weights=w,
        rec_weights=u,
        weight_exp=-1,
        rec_weight_exp=-1,
        frame_steps=1,
        n_frames=own_steps,
        **params,
    )
    src = Source(data=later)
    src.s_out.connect(fused.a_in)
    out_fused = lava_sd.run(
        {"s": fused.spike_count, **{k: getattr(fused, k) for k in STATES}}, steps, backend=backend
    )

    neurons = SigmaDelta(shape=(batch, n), **params)
    syn_in = BatchDense(weights=w, batch=batch, weight_exp=-1)
    syn_rec = BatchDense(weights=u, batch=batch, weight_exp=-1)
    src2 = Source(data=spikes_in)
    src2.s_out.connect(syn_in.s_in)
    syn_in.a_out.connect(neurons.a_in)
    syn_rec.a_out.connect(neurons.a_in)
    neurons.s_out.connect(syn_rec.s_in)
    sink = Sink(shape=(batch, n), buffer=steps)
    neurons.s_out.connect(sink.a_in)
    out_graph = lava_sd.run(
        {"s": sink.data, **{k: getattr(neurons, k) for k in STATES}}, steps, backend=backend
    )

    assert out_fused["s"].sum() > 20
    for b, own in enumerate(own_steps):
        np.testing.assert_array_equal(out_fused["s"][b], out_graph["s"][b, :, :own].sum(-1))
    for key in STATES:
        np.testing.assert_array_equal(out_fused[key], out_graph[key], err_msg=key)


def small_trained_like_model(
    seed: int = 0, frame_steps: int = 8, frame_offset: int = 4
) -> Classifier:
    """A random 3-bit model with biases of 1, so its units are active (mean h about 0.7) like a
    trained network's; a fresh random model hovers near 0, where the quantum dominates."""
    model = Classifier(
        "lprnn", 4, (12, 10), 3, frame_steps=frame_steps, frame_offset=frame_offset, seed=seed
    )
    with torch.no_grad():
        for layer in model.layers:
            layer.bias.fill_(1.0)
    return model


def test_converted_network_follows_the_ann(rng: np.random.Generator) -> None:
    """Mean decoded output of the last layer vs the ANN's mean h over a short random sequence:
    the SNN is a noisy, slightly lagging copy (MAPPING_NOTES), so per-neuron means correlate
    strongly (> 0.9), and the scale must match too: the RMS difference stays below a third of
    the ANN's spread, which a wrong gain, bias or time constant breaks."""
    model = small_trained_like_model(frame_steps=16, frame_offset=8)
    x = rng.normal(0, 1.0, (8, 4, 20)).astype(np.float32)
    lengths = np.full(8, 20)
    with torch.no_grad():
        h = model.frame_outputs(torch.from_numpy(x), 1, 0)[-1].mean(-1).numpy()
    net = convert(model)
    for backend in ("float", "fixed"):
        out = net.run(x, lengths, backend=backend)
        unit = 1.0 if backend == "float" else net.layers[-1].unit
        d = out.run["readout_sum"] / unit / lengths[:, None]
        active = h.std(0) > 0.05
        corr = np.corrcoef(h[:, active].ravel(), d[:, active].ravel())[0, 1]
        rel = np.sqrt(np.mean((h - d)[:, active] ** 2)) / h[:, active].std()
        print(backend, "correlation", corr, "relative RMS difference", rel)
        assert corr > 0.9, (backend, corr)
        assert rel < 1 / 3, (backend, rel)
        assert out.overflow_steps == 0


def test_narrow_weights_use_the_headroom_instead_of_a_floored_dense(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At ``weight_bits=8`` the integer weights of a float-trained lpRNN have negative exponents,
    and Lava's Dense floors its output at ``2**exp``: a bias the two low-pass stages amplify by
    ``1 / g**2``. ``convert`` makes a layer's unit finer by the spare bits of its headroom
    (two kept), so Lava fixed point decodes what Lava float does, about ten times closer than
    in the coarse units (``HEADROOM_BITS`` large: no finer units, the earlier mapping)."""
    from lava_sd.models.lprnn import mapping

    model = Classifier("lprnn", 4, (12, 10), 3, frame_steps=4, frame_offset=2, frac_bits=None)
    with torch.no_grad():
        for layer in model.layers:
            layer.bias.fill_(1.0)
    x = rng.normal(0, 1.0, (8, 4, 20))
    lengths = np.full(8, 20)
    errors, default = {}, mapping.HEADROOM_BITS
    for kept in (default, 99):
        monkeypatch.setattr(mapping, "HEADROOM_BITS", kept)
        net = convert(model, weight_bits=8)
        fixed = simulate(net, x, lengths, "fixed")
        decoded = fixed.readout_sums[-1] / net.layers[-1].unit / 20
        exact = simulate(net, x, lengths, "float").readout_sums[-1] / 20
        errors[kept] = np.sqrt(np.mean((decoded - exact) ** 2)) / exact.std()
        assert sum(fixed.overflow_steps[-1]) == 0
        shifts = [layer.report["finer_unit_bits"] for layer in net.layers]
        print("HEADROOM_BITS", kept, "shifts", shifts, "relative RMS error", errors[kept])
        if kept == default:
            assert shifts[1] > 0 and all(layer.report["headroom"] >= 4 for layer in net.layers)
    assert errors[default] < 0.15 < errors[99]


def test_convert_round_trip_parameters() -> None:
    model = small_trained_like_model()
    net = convert(model)
    assert [layer.recurrent for layer in net.layers] == [False, True]
    first, second = net.layers
    w = model.layers[1].effective()["W"].detach().double().numpy()
    np.testing.assert_array_equal(second.fixed_params["weights"], np.round(w * 8) * 2)
    g = 1 - 0.8 ** (1 / 8)
    np.testing.assert_allclose(second.float_params["weights"], g * 6 * g * w)
    assert (
        first.fixed_params["du_in"] == 4095 and second.fixed_params["du_in"] == round(4096 * g) - 1
    )
    assert "lprnn" in net.report()
    for layer in net.layers:
        for key, value in layer.fixed_params.items():
            assert np.all(np.asarray(value) == np.round(value)), key


def test_convert_rejects_unquantized_and_bad_settings() -> None:
    with pytest.raises(ParameterError, match="3-bit"):
        convert(Classifier("lprnn", 4, (6,), 2, frac_bits=None))
    with pytest.raises(ParameterError, match="frame_steps"):
        convert(small_trained_like_model(), frame_steps=0)


def test_wrong_feature_dimension_is_a_clear_error() -> None:
    net = convert(small_trained_like_model())
    with pytest.raises(ParameterError, match="trained on 4 features"):
        net.run(np.zeros((2, 5, 10)), np.array([10, 10]))
    with pytest.raises(ParameterError, match="lengths"):
        net.run(np.zeros((2, 4, 10)), np.array([0, 11]))
    with pytest.raises(ParameterError, match="no samples"):
        net.run(np.zeros((0, 4, 10)), np.array([], dtype=int))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(shape=(2, 2, 4)), r"\(batch, n\)"),
        (dict(shape=(2.5,)), "positive integers"),
        (dict(shape=(2, 4), weights=np.zeros((3, 2))), r"\(4, n_in\)"),
        (dict(shape=(2, 4), rec_weights=np.zeros((3, 3))), "rec_weights"),
        (dict(shape=(2, 4), n_frames=[1, 2, 3]), "n_frames"),
        (dict(shape=(2, 4), frame_steps=0), "frame_steps"),
    ],
)
def test_layer_construction_errors(kwargs: dict, match: str) -> None:
    base = dict(
        shape=(2, 4),
        weights=np.zeros((4, 3)),
        rec_weights=np.zeros((4, 4)),
        du_in=0.1,
        du_ip=0.1,
        du_fb=0.1,
        dv=1.0,
        w_fb=-0.1,
        vth=0.0,
        bias_mant=0.0,
    )
    with pytest.raises(ParameterError, match=match):
        SigmaDelta(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("weights", "match"),
    [(np.full((2, 2), 0.5), "integer parameters"), (np.full((2, 2), 300), "8-bit")],
)
def test_layer_rejects_weights_no_dense_holds(weights: np.ndarray, match: str) -> None:
    layer = SigmaDelta(
        shape=(1, 2), weights=weights, du_in=4095, du_ip=100, du_fb=100, dv=4096,
        w_fb=-100, vth=0, bias_mant=0,
    )  # fmt: skip
    src = Source(data=np.zeros((1, 2, 3), dtype=int))
    src.s_out.connect(layer.a_in)
    with pytest.raises(ParameterError, match=match):
        lava_sd.run({"d": layer.readout_sum}, 3, backend="fixed")
