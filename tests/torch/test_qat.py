"""Quantization-aware training at a chosen weight width (``Classifier(..., weight_bits=b)``), for
every registered model: the forward pass uses exactly the weights ``convert`` gives Lava fixed
point, gradients pass straight through, torch equals Lava float, checkpoints keep the width, and
the float default is untouched."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from model_references import load_reference as reference
from toy_data import tones

import lava_sd
from lava_sd import REGISTRY, Classifier, ParameterError, convert, load
from lava_sd.fixed_point import quantize_weight_terms, quantize_weights
from lava_sd.layer.mapping import matrix_values as mapping_values
from lava_sd.layer.synapses import fixed_weights
from lava_sd.torch.qat import quantized_tensors, settings_for

MODELS = sorted(REGISTRY)
MATRIX_KEYS = (("weights", "weight_exp"), ("rec_weights", "rec_weight_exp"))


def qat_classifier(name: str, bits: int, seed: int) -> Classifier:
    """A two-layer classifier of model ``name`` trained at ``bits`` (the registry tests' one)."""
    options = {"frame_steps": 2, **reference(name).CLASSIFIER}
    return Classifier(name, 5, (12, 8), 3, seed=seed, weight_bits=bits, **options)


def lava_matrices(layer) -> list[list[tuple[np.ndarray, int]]]:  # noqa: ANN001
    """The Dense terms ``(mantissas, exponent)`` of every matrix of a mapped layer, in
    ``matrices`` order (one term each; the L2MU's ``Ad`` two: ``ad`` and ``ad_rest``)."""
    keys = [[k] for k in MATRIX_KEYS if k[0] in layer.fixed_params]
    keys += [[(k, f"{k}_exp")] for k in ("enc_m", "ad", "bd", "w_m") if k in layer.fixed_params]
    for terms in keys:
        if terms[0][0] == "ad":
            terms.append(("ad_rest", "ad_rest_exp"))
    params = layer.fixed_params
    return [[(np.asarray(params[m]), int(params[e])) for m, e in terms] for terms in keys]


@pytest.mark.parametrize("bits", [8, 4, 3])
@pytest.mark.parametrize("name", MODELS)
def test_lava_fixed_holds_exactly_the_trained_weights(
    rng: np.random.Generator, name: str, bits: int
) -> None:
    """After a training step, every matrix the forward pass uses is exactly (float32 of) Lava
    fixed point's mantissas times 2**exponent in the mapping's units, the mantissas even and
    within ``+-(2**bits - 2)``; every parameter got a gradient through the rounding."""
    model = qat_classifier(name, bits, int(rng.integers(100)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x = torch.from_numpy(rng.normal(0.5, 1.0, (4, 5, 9)).astype(np.float32))
    lengths = torch.tensor([9, 7, 8, 9])
    model(x, lengths).square().sum().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing, f"no gradient reached {missing}"
    optimizer.step()
    net = convert(model)
    mapping = REGISTRY[name].mapping_module()
    for index, layer in enumerate(model.layers):
        used = quantized_tensors(model, index)
        matrices = mapping.matrices(layer, index, settings_for(model))
        lava = lava_matrices(net.layers[index])
        assert len(lava) == len(matrices)
        for matrix, terms in zip(matrices, lava, strict=True):
            assert len(terms) == matrix.terms
            for mant, _ in terms:
                assert np.all(mant % 2 == 0) and np.abs(mant).max() <= 2**bits - 2
            assert 1 < len(np.unique(terms[0][0])) <= 2**bits - 1
            forward = torch.cat([used[part] for part in matrix.parts]).detach().numpy()
            held = terms[0][0] * 2.0 ** terms[0][1]
            for mant, exp in terms[1:]:
                held = held + mant * 2.0**exp
            if len(terms) > 1:  # each further term holds what the ones before it miss
                target = matrix.target(mapping_values(layer, matrix))
                first = terms[0][0] * 2.0 ** terms[0][1]
                assert np.abs(held - target).max() < np.abs(first - target).max()
            # the lpRNN's finer units (weights 2**s larger in a 2**s finer state unit)
            lava_values = (
                held / matrix.factor / 2 ** net.layers[index].report.get("finer_unit_bits", 0)
            )
            if matrix.gain is not None:
                lava_values = lava_values / matrix.gain[:, None]
            np.testing.assert_array_equal(
                forward, lava_values.astype(np.float32), err_msg=f"{name} {matrix.parts}"
            )


@pytest.mark.parametrize("name", ["alif", "egru", "l2mu", "lprnn"])
def test_torch_equals_lava_float_at_4_bits(rng: np.random.Generator, name: str) -> None:
    """Lava float runs the quantised weights too: its logits equal the quantization-aware
    torch forward's (trace readouts; the lpRNN's decoded readout through ``simulate``)."""
    from lava_sd.simulate import simulate

    model = qat_classifier(name, 4, int(rng.integers(100))).double()
    x = np.round(rng.normal(0.5, 1.0, (5, 5, 12)) * 8) / 8
    lengths = rng.integers(6, 13, 5)
    net = convert(model)
    lava = net.run(x, lengths, backend="float")
    assert all(s.sum() > 0 for s in lava.spikes), "every layer must have events"
    if REGISTRY[name].readout == "trace":
        with torch.no_grad():
            logits = model(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
        np.testing.assert_allclose(lava.logits, logits, rtol=1e-6, atol=1e-9)
    else:
        torch_run = simulate(net, x, lengths, "float", engine="torch")
        np.testing.assert_allclose(torch_run.readout_sums[-1], lava.run["readout_sum"], rtol=1e-6)


def test_checkpoint_keeps_the_width_and_the_default_stays_float(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    model = qat_classifier("lprnn", 3, 0)
    assert model.config["weight_bits"] == 3 and model.config["frac_bits"] is None
    loaded = load(model.save(tmp_path / "q.npz"))
    assert loaded.weight_bits == 3 and loaded.config == model.config
    x = rng.normal(0, 1, (3, 5, 8))
    np.testing.assert_array_equal(
        convert(loaded).run(x, np.array([8, 6, 7])).logits,
        convert(model).run(x, np.array([8, 6, 7])).logits,
    )
    float_model = Classifier("alif", 5, (6,), 2)
    assert "weight_bits" not in float_model.config and float_model.weight_bits is None


def test_convert_quantises_after_training_at_any_width(rng: np.random.Generator) -> None:
    """``convert(weight_bits=b)`` quantises a float-trained model after training (the lpRNN's
    float reference included), and warns when a QAT model is converted at another width."""
    model = Classifier("lprnn", 5, (8, 8), 3, frac_bits=None)
    with pytest.raises(ParameterError, match="weight_bits"):
        convert(model)
    layer = convert(model, weight_bits=4).layers[1]
    assert np.abs(layer.fixed_params["rec_weights"]).max() <= 14
    with pytest.warns(UserWarning, match="trained with 4-bit weights"):
        convert(qat_classifier("egru", 4, 0), weight_bits=8)
    with pytest.warns(UserWarning, match="default input_scale"):
        convert(qat_classifier("egru", 4, 0), input_scale=16)
    for bad in (1, 9, 2.5, True):
        with pytest.raises(ParameterError, match="weight_bits must be an integer in"):
            Classifier("lif", 5, (6,), 2, weight_bits=bad)
        with pytest.raises(ParameterError, match="weight_bits must be an integer in"):
            convert(Classifier("lif", 5, (6,), 2), weight_bits=bad)


def test_quantize_weights_at_b_bits(rng: np.random.Generator) -> None:
    """Even mantissas within +-(2**b - 2), the smallest exponent that fits, and the 8-bit rule
    unchanged."""
    w = rng.normal(0, 1, (20, 30))
    for bits in (2, 3, 4, 6, 8):
        mant, exp = quantize_weights(w, 100.0, bits)
        peak = np.abs(w).max() * 100.0
        assert np.all(mant % 2 == 0) and np.abs(mant).max() <= 2**bits - 2
        assert peak <= (2**bits - 2) * 2.0**exp and peak > (2**bits - 2) * 2.0 ** (exp - 1)
        assert np.abs(mant * 2.0**exp - w * 100).max() <= 2.0**exp
    np.testing.assert_array_equal(quantize_weights(w, 3.0)[0], quantize_weights(w, 3.0, 8)[0])
    for bits in (3, 4, 6):  # the same values in Lava's own num_weight_bits = b format
        mant, _ = quantize_weights(w, 100.0, bits)
        lava_form = mant << (8 - bits)
        np.testing.assert_array_equal(fixed_weights(lava_form, num_weight_bits=bits), lava_form)
        assert (
            fixed_weights(lava_form + (1 << (8 - bits)), num_weight_bits=bits).sum()
            != (lava_form + (1 << (8 - bits))).sum()
        )  # one step finer would not survive Lava's truncation


def test_quantize_weight_terms(rng: np.random.Generator) -> None:
    """Each further term holds what the terms before it miss: the error shrinks term by term
    and stays within the last exponent; nothing left gives a term of zeros."""
    target = rng.normal(0, 300, (6, 5))
    errors = []
    for k in (1, 2, 3):
        parts, held = quantize_weight_terms(target, k, 4)
        assert len(parts) == k and held.shape == target.shape
        np.testing.assert_array_equal(held, sum(m * 2.0**e for m, e in parts))
        errors.append(np.abs(held - target).max())
        assert errors[-1] <= 2.0 ** parts[-1][1]
        assert all(np.abs(m).max() <= 14 and np.all(m % 2 == 0) for m, _ in parts)
    assert errors[0] > errors[1] > errors[2]
    (first, exp), (second, _) = quantize_weight_terms(np.array([[8.0, -4.0]]), 2)[0]
    np.testing.assert_array_equal(first * 2.0**exp, [[8.0, -4.0]])
    assert not second.any()


def test_fit_at_4_bits_runs_in_lava_fixed_as_in_torch(rng: np.random.Generator) -> None:
    """``fit(..., weight_bits=4)`` trains a network that Lava fixed point runs with the trained
    weights: its predictions agree with torch's on almost every sample."""
    x, y = tones(rng, 240)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = lava_sd.fit("lif", (x[:180], y[:180]), hidden=(24,), epochs=30, lr=0.02,
                            weight_bits=4, progress=False)  # fmt: skip
    torch_acc = model.evaluate(x[180:], y[180:])["accuracy"]
    fixed = model.evaluate(x[180:], y[180:], backend="fixed")
    weights = convert(model).layers[0].fixed_params["weights"]
    print("torch", torch_acc, "Lava fixed", fixed["accuracy"])
    assert len(np.unique(weights)) <= 15 and np.abs(weights).max() <= 14
    assert torch_acc > 0.9 and abs(fixed["accuracy"] - torch_acc) <= 0.05


def test_loihi2_estimate_counts_the_narrower_weights() -> None:
    """A network of 4-bit weights needs half the synaptic memory of its 8-bit form."""
    model = qat_classifier("alif", 4, 0)
    narrow, wide = convert(model).loihi2_layers(), convert(model, weight_bits=8).loihi2_layers()
    assert [r.weight_bits for r in narrow[:2]] == [4, 4] and wide[0].weight_bits == 8
    assert convert(Classifier("alif", 5, (6,), 2)).layers[0].report.keys() >= {"weight_error"}
    assert "weight_bits" not in convert(Classifier("alif", 5, (6,), 2)).layers[0].report
    for a, b in zip(narrow[:2], wide[:2], strict=True):
        assert a.synapses == b.synapses
    memory = [  # the two ALIF layers (the readout is on the host)
        sum(
            r.synaptic_memory_bits for r in convert(model, weight_bits=b).loihi2_report().layers[:2]
        )
        for b in (4, 8)
    ]
    assert 2 * memory[0] == memory[1]
