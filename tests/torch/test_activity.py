"""Activity regularisation (``lava_sd.fit(..., activity_penalty=w)``): the torch measure counts
what the Lava network counts, a penalty lowers the activity, and bad settings are clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from model_references import load_reference as reference
from toy_data import tones

import lava_sd
from lava_sd import REGISTRY, Classifier, ParameterError, convert, load
from lava_sd.torch.activity import ActivityPenalty
from lava_sd.weights import shipped

EVENT_MODELS = sorted(name for name in REGISTRY if REGISTRY[name].readout == "trace")


def measures(model: Classifier, x: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
    """Both measures per sample from a torch forward pass."""
    with torch.no_grad():
        _, events = model(torch.from_numpy(x), torch.from_numpy(lengths), events=True)
    return {
        m: ActivityPenalty(model, m, 1.0)
        .per_sample(events, torch.from_numpy(lengths), model.frame_steps, model.frame_offset)
        .numpy()
        for m in ("synops", "spikes")
    }


@pytest.mark.parametrize("name", EVENT_MODELS)
def test_event_models_count_what_lava_counts(rng: np.random.Generator, name: str) -> None:
    """Every event of every neuron (the L2MU's populations, the EGRU's graded events included):
    the torch measures equal the Lava float run's synops / dense MACs and spike rate."""
    options = {"frame_steps": 2, **reference(name).CLASSIFIER}
    model = Classifier(name, 5, (12, 8), 3, seed=int(rng.integers(100)), **options).double()
    x = np.round(rng.normal(0.5, 1.0, (6, 5, 14)) * 8) / 8
    lengths = rng.integers(7, 15, 6)
    net = convert(model)
    spikes = net.run(x, lengths, backend="float").spikes
    own_steps = lengths * net.frame_steps + net.frame_offset
    rate = sum(s.sum(1) for s in spikes) / (sum(s.shape[1] for s in spikes) * own_steps)
    got = measures(model, x, lengths)
    assert np.all(rate > 0)
    np.testing.assert_allclose(got["synops"], net.synops(spikes) / net.dense_macs(lengths))
    np.testing.assert_allclose(got["spikes"], rate)


def test_lprnn_estimate_follows_its_sigma_delta_spikes() -> None:
    """The ΣΔ-lpRNN's measure is ``h / 6`` spikes per neuron and step; on the shipped network
    its ΣΔ neurons fire more (dithering around the decoded value), proportionally."""
    from lava_sd.data import load_spoken_digits

    model = load(shipped("audio_digits_lprnn"))
    x, lengths, _ = load_spoken_digits(seed=0).test.padded()
    x, lengths = x[:24, :, : lengths[:24].max()], lengths[:24]
    net = convert(model)
    spikes = net.run(x, lengths, backend="fixed").spikes
    lava = net.synops(spikes) / net.dense_macs(lengths)
    got = measures(model.double(), x.astype(float), lengths)["synops"]
    ratio = got / lava
    print("estimate / Lava fixed synops:", ratio.mean(), np.corrcoef(got, lava)[0, 1])
    assert 0.5 < ratio.mean() < 0.85 and ratio.std() < 0.1
    assert np.corrcoef(got, lava)[0, 1] > 0.8


@pytest.mark.parametrize(("name", "measure"), [("lif", "synops"), ("egru", "spikes")])
def test_a_penalty_lowers_the_activity(rng: np.random.Generator, name: str, measure: str) -> None:
    x, y = tones(rng, 160)
    fitted = {}
    for weight in (0.0, 2.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted[weight] = lava_sd.fit(
                name, (x[:120], y[:120]), hidden=(16,), epochs=12, lr=0.02, progress=False,
                **({"activity_penalty": weight, "activity_measure": measure} if weight else {}),
            )  # fmt: skip
    plain, sparse = fitted[0.0], fitted[2.0]
    assert "activity" not in plain.training_info
    assert sparse.training_info["recipe"]["activity_penalty"] == 2.0
    (history,) = sparse.training_info["activity"]
    assert len(history) == 12 and history[-1] < history[0]
    tests = [plain.evaluate(x[120:], y[120:], backend="fixed") for plain in (plain, sparse)]
    print(name, [(t["accuracy"], t["synops_per_sample"]) for t in tests])
    assert tests[1]["synops_per_sample"] < 0.8 * tests[0]["synops_per_sample"]


def test_bad_settings_are_clear_errors(rng: np.random.Generator) -> None:
    x, y = tones(rng, 30)
    for settings, match in (
        ({"activity_penalty": 1.0, "activity_measure": "energy"}, "activity_measure must be"),
        ({"activity_measure": "energy"}, "activity_measure must be"),
        ({"activity_penalty": -1.0}, "activity_penalty must be a number > 0"),
    ):
        with pytest.raises(ParameterError, match=match):
            lava_sd.fit("lif", (x, y), hidden=(4,), epochs=1, progress=False, **settings)
