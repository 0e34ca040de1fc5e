"""Network.loihi2_report: every network described to the Loihi 2 estimate from its own layers
(sizes, weight rows, state and message bits from its NeuronSpec, fan-out as synops counts it),
with the activity of a run; ``lava-sd info`` prints it."""

from __future__ import annotations

import numpy as np
import pytest

import lava_sd
from lava_sd.commands import info
from lava_sd.interop.loihi2 import Activity


@pytest.mark.parametrize(
    ("model", "options"), [("lif", dict(recurrent=[True, False])), ("egru", {}), ("lprnn", {})]
)
def test_layers_come_from_the_network(model: str, options: dict) -> None:
    net = lava_sd.convert(lava_sd.Classifier(model, 4, (6, 5), 3, **options))
    spec = net.spec.neuron
    layers = net.loihi2_layers()
    trace = net.spec.readout == "trace"
    assert len(layers) == 2 + trace
    state_bits = sum(v.bits for v in spec.states)
    for layer, mapped in zip(layers, net.layers, strict=False):
        assert (layer.n, layer.n_in, layer.recurrent) == (mapped.n, mapped.n_in, mapped.recurrent)
        assert layer.rows_per_neuron == spec.gates and layer.weight_bits == 8
        assert layer.state_bits == state_bits and layer.message_bits == spec.output_bits
    rec0 = spec.gates * 6 if net.layers[0].recurrent else 0
    assert layers[0].fan_out == spec.gates * 5 + rec0
    rec1 = spec.gates * 5 if net.layers[1].recurrent else 0
    assert layers[1].fan_out == (3 if trace else 0) + rec1
    if trace:
        assert (layers[2].name, layers[2].n, layers[2].n_in, layers[2].fan_out) == (
            "readout",
            3,
            5,
            0,
        )


def test_activity_of_a_run_and_the_estimate(rng: np.random.Generator) -> None:
    """Per-sample means of the run's events; synops equal Network.synops and the sum of events
    times fan-out; neuron updates count every neuron on each sample's own steps."""
    net = lava_sd.convert(lava_sd.Classifier("lif", 3, (6,), 2, init_gain=4.0))
    x, lengths = rng.normal(0, 1.5, (3, 3, 10)), np.array([10, 6, 8])
    out = net.run(x, lengths, backend="fixed")
    activity = net.loihi2_activity(out.spikes, lengths)
    assert isinstance(activity, Activity)
    steps = lengths * net.frame_steps
    assert activity.time_steps == round(steps.mean())
    assert activity.spikes_per_layer == (pytest.approx(out.spikes[0].sum(1).mean()), 0.0)
    assert activity.synops == pytest.approx(net.synops(out.spikes).mean())
    fan_out = [layer.fan_out for layer in net.loihi2_layers()]
    assert activity.synops == pytest.approx(sum(np.multiply(activity.spikes_per_layer, fan_out)))
    assert activity.neuron_updates == pytest.approx((6 + 2) * steps.mean())
    report = net.loihi2_report(out, lengths)
    assert report.synops == activity.synops and report.energy_j > 0 and report.latency_s > 0
    assert report.neurocores == 2 and report.chips == 1
    assert "ESTIMATE" in str(report)
    resources = net.loihi2_report()
    assert resources.energy_j is None and resources.synapses == 6 * 3 + 2 * 6 + 6 * 6


def test_info_prints_the_loihi2_estimate(tmp_path, capsys: pytest.CaptureFixture) -> None:
    path = lava_sd.Classifier("lif", 3, (4,), 2).save(tmp_path / "m.npz")
    assert info.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Loihi 2 resource and energy ESTIMATE" in out and "0:lif" in out


def test_benchmark_entries_carry_the_estimate(rng: np.random.Generator) -> None:
    """lava_sd.bench.common.lava_entry adds the estimate of the fixed-point run per sample."""
    from lava_sd.bench.common import lava_entry

    net = lava_sd.convert(lava_sd.Classifier("lif", 3, (6,), 2, init_gain=4.0))
    x, lengths, y = rng.normal(0, 1.5, (4, 3, 8)), np.array([8, 5, 8, 6]), np.array([0, 1, 0, 1])
    entry, _ = lava_entry(net, x, lengths, y, progress=False)
    out = net.run(x, lengths, backend="fixed")
    report = net.loihi2_report(out, lengths)
    assert entry["loihi2_estimate_energy_uj_per_sample"] == pytest.approx(report.energy_j * 1e6)
    assert entry["loihi2_estimate_latency_us_per_sample"] == pytest.approx(report.latency_s * 1e6)
    sanafe = entry["loihi2_estimate_energy_uj_per_sample_sanafe"]
    assert sanafe > 0 and sanafe != entry["loihi2_estimate_energy_uj_per_sample"]
    assert entry["loihi2_estimate_neurocores"] == 2 and entry["loihi2_estimate_chips"] == 1
