"""convert: weight quantisation, the classifier's own K, warnings when overridden, the report,
bad settings; the fixed network stays close to the float one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from lava_sd import Classifier, ParameterError, convert
from lava_sd.fixed_point import quantize_weights


@pytest.mark.parametrize("name", ["alif", "spiking_lstm", "egru"])
def test_fixed_is_close_to_float(rng: np.random.Generator, name: str) -> None:
    """8-bit weights and rounded decays change spike times, not the picture: logits stay
    correlated and spike counts within 25 %."""
    options = {"egru": dict(thr=0.1)}.get(name, {})
    model = Classifier(name, 5, (12, 8), 3, frame_steps=3, seed=int(rng.integers(100)), **options)
    x = rng.normal(0, 1.0, (6, 5, 20))
    lengths = rng.integers(8, 21, 6)
    net = convert(model.double())
    out_f = net.run(x, lengths, backend="float")
    out_x = net.run(x, lengths, backend="fixed")
    assert out_x.overflow_steps == 0
    assert np.corrcoef(out_x.logits.ravel(), out_f.logits.ravel())[0, 1] > 0.8
    for a, b in zip(out_x.spikes, out_f.spikes, strict=True):
        assert abs(a.sum() - b.sum()) <= 0.25 * b.sum()
    assert net.synops(out_x.spikes).shape == (6,) and np.all(net.dense_macs(lengths) > 0)
    assert 0 < net.activity_sparsity(out_x.spikes, lengths) < 1


def test_quantize_weights_uses_even_8_bit_mantissas(rng: np.random.Generator) -> None:
    w = rng.normal(0, 0.3, (7, 9))
    mant, exp = quantize_weights(w, 1024.0)
    assert np.all(mant % 2 == 0) and np.abs(mant).max() <= 254 and np.abs(mant).max() > 127
    np.testing.assert_allclose(mant * 2.0**exp / 1024, w, atol=2.0**exp / 1024)
    with pytest.raises(ParameterError, match="NaN"):
        quantize_weights(np.array([[np.nan, 1.0]]), 1.0)


def test_the_classifiers_own_timing_is_used_and_overrides_warn() -> None:
    model = Classifier("lprnn", 4, (6, 5), 2, frame_steps=4, frame_offset=2)
    net = convert(model)
    assert (net.frame_steps, net.frame_offset) == (4, 2)
    with pytest.warns(UserWarning, match="trained with 4"):
        assert convert(model, frame_steps=8).frame_steps == 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        convert(model, frame_steps=4)  # the same K: no warning
    with pytest.raises(ParameterError, match="frame_offset"):
        convert(Classifier("alif", 4, (6,), 2), frame_offset=2)


def test_report_and_input_bits() -> None:
    net = convert(Classifier("egru", 4, (6, 5), 2))
    report = net.report()
    assert "egru" in report and "w_exp" in report and len(report.splitlines()) == 4
    # The input is a graded payload; the second EGRU layer receives graded events.
    assert [layer.fixed_params["num_message_bits"] for layer in net.layers] == [24, 24]
    bits = [
        la.fixed_params["num_message_bits"]
        for la in convert(Classifier("alif", 4, (6, 5), 2)).layers
    ]
    assert bits == [24, 0]


@pytest.mark.parametrize(
    ("kwargs", "match"), [(dict(input_scale=0), "input_scale"), (dict(vth=2.5), "vth")]
)
def test_bad_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        convert(Classifier("alif", 4, (6,), 2), **kwargs)


def test_nan_weights_are_refused_by_name() -> None:
    model = Classifier("spiking_lstm", 4, (6,), 2)
    with torch.no_grad():
        model.layers[0].synapses.weight[0, 0] = float("nan")
    with pytest.raises(ParameterError, match="NaN"):
        convert(model)
    lprnn = Classifier("lprnn", 4, (6,), 2)
    with torch.no_grad():
        lprnn.layers[0].weight[0, 0] = float("nan")
    with pytest.raises(ParameterError, match="NaN"):
        convert(lprnn)


def test_synops_and_macs_count_every_weight_row() -> None:
    """An EGRU unit has 3 weight rows (update, reset, candidate gates): an event of layer 0
    reaches 3 x 6 recurrent and 3 x 5 next-layer weights, one of layer 1 3 x 5 recurrent and
    2 readout weights; the dense network multiplies every row each step."""
    net = convert(Classifier("egru", 4, (6, 5), 2))
    spikes = [np.ones((1, 6)), np.ones((1, 5))]
    assert net.synops(spikes)[0] == 6 * (18 + 15) + 5 * (15 + 2)
    per_step = 3 * (4 * 6 + 6 * 6) + 3 * (6 * 5 + 5 * 5) + 2 * 5
    assert net.dense_macs(np.array([10]))[0] == 10 * per_step
    lif = convert(Classifier("lif", 4, (6,), 2, recurrent=False))
    assert lif.synops([np.ones((1, 6))])[0] == 6 * 2


@pytest.mark.parametrize("name", ["lprnn", "egru"])
def test_inputs_no_register_can_take_are_refused(rng: np.random.Generator, name: str) -> None:
    """Fixed point: an input whose one-step synaptic drive overflows the 24-bit register it
    enters is refused before the run (float runs it)."""
    net = convert(Classifier(name, 4, (6,), 2))
    x, lengths = rng.normal(0, 1, (2, 4, 5)), np.array([5, 5])
    net.run(x, lengths, backend="fixed")
    with pytest.raises(ParameterError, match="24-bit register"):
        net.run(x * 1e6, lengths, backend="fixed")
    net.run(x * 1e6, lengths, backend="float")
