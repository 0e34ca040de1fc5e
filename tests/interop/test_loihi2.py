"""Loihi 2 resource and energy estimate: hand-computed arithmetic, limits, bad input, and a
sanity check against lava-dl's published PilotNet SNN measurement on Loihi 2."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from lava_sd import ParameterError
from lava_sd.interop.loihi2 import (
    Activity,
    EnergyModel,
    LayerResources,
    Loihi2Limits,
    loihi2_report,
)

DOC = Path(__file__).parents[2] / "docs" / "loihi2.md"
NO_MEMORY = Loihi2Limits(core_memory_bits=None)

# Round constants so that every term of the energy and latency sums is visible by hand.
UNIT = EnergyModel(
    name="unit test constants",
    e_synop_j=1.0,
    e_neuron_update_j=10.0,
    e_spike_j=100.0,
    e_message_j=1_000.0,
    e_hop_j=10_000.0,
    hops_per_message=2.0,
    t_sync_s=1.0,
    t_synop_s=2.0,
    t_neuron_update_s=3.0,
    t_spike_s=4.0,
    t_message_s=5.0,
    t_hop_s=6.0,
)


def test_synapses_and_memory_of_a_recurrent_multi_row_layer() -> None:
    layer = LayerResources(
        "egru", n=10, n_in=4, recurrent=True, rows_per_neuron=3, weight_bits=6, state_bits=40
    )
    rep = loihi2_report([layer])
    row = rep.layers[0]
    assert row.fan_in == 4 + 10
    assert row.synapses == 10 * 3 * 14 == 420
    assert row.synaptic_memory_bits == 420 * 6 == 2520
    assert row.synaptic_memory_bytes == 315
    assert rep.state_memory_bits == 10 * 40
    assert rep.synaptic_memory_bytes == 315
    assert (rep.neurons, rep.synapses, rep.neurocores, rep.chips) == (10, 420, 1, 1)


def test_feed_forward_layer_has_no_recurrent_fan_in() -> None:
    rep = loihi2_report([LayerResources("ff", n=7, n_in=5, weight_bits=3)])
    assert rep.layers[0].synapses == 35
    assert rep.layers[0].synaptic_memory_bits == 105
    assert rep.layers[0].synaptic_memory_bytes == 14  # 105 bits round up to 14 bytes


@pytest.mark.parametrize(("n", "cores"), [(1, 1), (8192, 1), (8193, 2), (3 * 8192, 3)])
def test_cores_at_the_8192_neuron_limit(n: int, cores: int) -> None:
    rep = loihi2_report([LayerResources("l", n=n, n_in=0, state_bits=0)], limits=NO_MEMORY)
    assert rep.layers[0].neurons_per_core == 8192
    assert rep.neurocores == cores


@pytest.mark.parametrize(("n", "cores"), [(10, 1), (11, 2), (25, 3)])
def test_cores_under_a_memory_limit(n: int, cores: int) -> None:
    # 10 inputs x 8 bits + 20 state bits = 100 bits per neuron; 1000 bits per core -> 10 per core.
    limits = Loihi2Limits(core_memory_bits=1000)
    rep = loihi2_report([LayerResources("l", n=n, n_in=10, state_bits=20)], limits=limits)
    assert rep.layers[0].neurons_per_core == 10
    assert rep.neurocores == cores
    assert rep.violations == ()


def test_the_tighter_of_neuron_and_memory_limits_wins() -> None:
    limits = Loihi2Limits(core_memory_bits=1000, max_neurons_per_core=4)
    rep = loihi2_report([LayerResources("l", n=10, n_in=10, state_bits=20)], limits=limits)
    assert rep.layers[0].neurons_per_core == 4
    assert rep.neurocores == 3


def test_a_neuron_larger_than_a_core_is_reported_not_hidden() -> None:
    limits = Loihi2Limits(core_memory_bits=100)
    rep = loihi2_report([LayerResources("big", n=3, n_in=100)], limits=limits)
    assert rep.layers[0].neurons_per_core == 1
    assert rep.neurocores == 3
    assert len(rep.violations) == 1 and "'big'" in rep.violations[0]
    assert "DOES NOT FIT" in str(rep)


def test_graded_messages_wider_than_the_limit_are_reported() -> None:
    ok = loihi2_report([LayerResources("sd", n=4, n_in=2, message_bits=32)])
    assert ok.violations == ()
    wide = loihi2_report([LayerResources("sd", n=4, n_in=2, message_bits=33)])
    assert len(wide.violations) == 1 and "max_message_bits = 32" in wide.violations[0]


def test_chips_needed_and_which_limit_binds() -> None:
    layers = [
        LayerResources("a", n=9, n_in=0, state_bits=0),
        LayerResources("b", n=3, n_in=0, state_bits=0),
    ]
    by_cores = loihi2_report(
        layers, limits=Loihi2Limits(max_neurons_per_core=2, cores_per_chip=4, core_memory_bits=None)
    )
    assert by_cores.neurocores == 5 + 2
    assert (by_cores.chips, by_cores.chips_limited_by) == (2, "neurocores")
    by_neurons = loihi2_report(layers, limits=Loihi2Limits(max_neurons_per_chip=5))
    assert (by_neurons.chips, by_neurons.chips_limited_by) == (3, "neurons")
    dense = [LayerResources("d", n=50, n_in=50)]  # 2,500 synapses
    by_syn = loihi2_report(dense, limits=Loihi2Limits(max_synapses_per_chip=1000))
    assert (by_syn.chips, by_syn.chips_limited_by) == (3, "synapses")


def test_default_limits_are_the_published_loihi2_figures() -> None:
    lim = Loihi2Limits()
    assert lim.cores_per_chip == 128
    assert lim.max_neurons_per_core == 8192
    assert lim.max_neurons_per_chip == 128 * 8192
    assert lim.max_synapses_per_chip == 120_000_000
    assert lim.core_memory_bits == 128 * 1024 * 8  # assumed, see docs/loihi2.md
    assert lim.max_message_bits == 32


def test_default_constants_are_davies_2018_table_2() -> None:
    e = EnergyModel()
    assert (e.e_synop_j, e.e_neuron_update_j, e.e_message_j) == (23.6e-12, 81e-12, 1.7e-12)
    assert e.e_hop_j == pytest.approx((3.0e-12 + 4.0e-12) / 2)
    assert (e.t_synop_s, e.t_neuron_update_s, e.t_message_s) == (3.5e-9, 8.4e-9, 2.1e-9)
    assert e.t_hop_s == pytest.approx((4.1e-9 + 6.5e-9) / 2)
    assert e.t_sync_s == 465e-9
    assert (e.e_spike_j, e.t_spike_s, e.static_power_w) == (0.0, 0.0, 0.0)


def test_energy_and_latency_are_counts_times_constants() -> None:
    layers = [
        LayerResources("l1", n=3, n_in=2, fan_out=5),
        LayerResources("l2", n=5, n_in=3, fan_out=0),
    ]
    rep = loihi2_report(layers, Activity(time_steps=4, spikes_per_layer=(6, 2)), energy=UNIT)
    assert rep.synops == 6 * 5 + 2 * 0 == 30  # derived from spikes x fan-out
    assert rep.neuron_updates == (3 + 5) * 4 == 32  # every neuron every step
    assert (rep.spikes, rep.graded_spikes) == (8, 0)
    assert rep.messages == 6  # one destination core per event of l1, none for l2
    assert rep.mesh_hops == 12
    assert rep.energy_breakdown_j == {
        "synops": 30.0,
        "neuron_updates": 320.0,
        "spikes": 800.0,
        "messages": 6_000.0,
        "mesh_hops": 120_000.0,
        "static": 0.0,
    }
    assert rep.energy_j == 127_150.0
    # t_step = t_sync + synops/(T*cores)*t_synop + max(n/cores)*t_update
    #          + (spikes*t_spike + messages*t_message + hops*t_hop)/(T*cores)
    step = 1 + 30 / 8 * 2 + 5 * 3 + (8 * 4 + 6 * 5 + 12 * 6) / 8
    assert rep.time_per_step_s == pytest.approx(step) and step == 40.25
    assert rep.latency_s == pytest.approx(4 * step)
    static = loihi2_report(layers, Activity(4, (6, 2)), energy=replace(UNIT, static_power_w=0.5))
    assert static.energy_breakdown_j["static"] == pytest.approx(0.5 * 1 * 4 * step)
    assert static.energy_j == pytest.approx(127_150.0 + 0.5 * 4 * step)


def test_measured_counts_override_the_defaults() -> None:
    layers = [LayerResources("l1", n=3, n_in=2, fan_out=5), LayerResources("l2", n=5, n_in=3)]
    act = Activity(time_steps=4, spikes_per_layer=(6, 2), synops=17.0, neuron_updates=9.0)
    rep = loihi2_report(layers, act, energy=UNIT)
    assert (rep.synops, rep.neuron_updates) == (17.0, 9.0)
    assert rep.energy_breakdown_j["synops"] == 17.0
    assert rep.energy_breakdown_j["neuron_updates"] == 90.0


def test_messages_count_destination_cores_and_graded_events() -> None:
    layers = [
        LayerResources("sd", n=2, n_in=1, fan_out=9, message_bits=16),
        LayerResources("out", n=9, n_in=2),
    ]
    limits = Loihi2Limits(max_neurons_per_core=4)
    rep = loihi2_report(layers, Activity(1, (5, 7)), limits=limits, energy=UNIT)
    assert rep.messages == 5 * 3  # fan-out 9 over cores of 4 neurons: 3 messages per event
    assert (rep.spikes, rep.graded_spikes) == (12, 5)


def test_energy_is_linear_in_random_counts(rng: np.random.Generator) -> None:
    n = rng.integers(1, 5000, size=4)
    layers = [
        LayerResources(f"l{i}", n=int(k), n_in=int(rng.integers(0, 300)), fan_out=int(f))
        for i, (k, f) in enumerate(zip(n, rng.integers(0, 20_000, size=4), strict=True))
    ]
    spikes = tuple(float(s) for s in rng.uniform(0, 1e5, size=4))
    synops, updates = float(rng.uniform(0, 1e8)), float(rng.uniform(0, 1e7))
    rep = loihi2_report(layers, Activity(25, spikes, synops, updates))
    e = EnergyModel()
    messages = sum(s * math.ceil(lay.fan_out / 8192) for s, lay in zip(spikes, layers, strict=True))
    expected = (
        synops * e.e_synop_j
        + updates * e.e_neuron_update_j
        + messages * (e.e_message_j + e.e_hop_j)
    )
    assert rep.energy_j == pytest.approx(expected, rel=1e-12)
    assert rep.neurocores >= sum(math.ceil(k / 8192) for k in n)


def test_to_dict_is_json_and_str_is_a_readable_table() -> None:
    layers = [
        LayerResources("0:alif", n=64, n_in=13, recurrent=True, fan_out=64 + 10),
        LayerResources("1:readout", n=10, n_in=64),
    ]
    rep = loihi2_report(layers, Activity(time_steps=100, spikes_per_layer=(1200.0, 0.0)))
    d = json.loads(json.dumps(rep.to_dict()))
    assert d["layers"][0]["synapses"] == 64 * (13 + 64)
    assert d["neurocores"] == 2 and d["chips"] == 1
    assert d["energy_j"] == pytest.approx(rep.energy_j)
    assert d["limits"]["max_neurons_per_core"] == 8192
    assert d["energy_model"]["e_synop_j"] == 23.6e-12
    assert any("ESTIMATE" in c for c in d["caveats"])
    text = str(rep)
    for word in ("ESTIMATE", "0:alif", "1:readout", "synops", "energy", "latency", "LOIHI 1"):
        assert word in text
    resources_only = loihi2_report(layers)
    assert resources_only.energy_j is None and "per inference" not in str(resources_only)


def test_numpy_integers_and_floats_are_accepted() -> None:
    layer = LayerResources("l", n=np.int64(5), n_in=np.int32(3), fan_out=np.int64(2))
    assert isinstance(layer.n, int) and layer.synapses == 15
    rep = loihi2_report([layer], Activity(np.int64(3), np.array([4.0]), np.float32(8.0)))
    assert rep.synops == 8.0 and rep.time_steps == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": -1}, "'n' = -1 must be >= 1"),
        ({"n": 0}, "'n' = 0 must be >= 1"),
        ({"n": 2.5}, "'n' must be an int"),
        ({"n_in": -3}, "'n_in' = -3 must be >= 0"),
        ({"rows_per_neuron": 0}, "'rows_per_neuron'"),
        ({"weight_bits": 0}, "'weight_bits'"),
        ({"state_bits": -1}, "'state_bits'"),
        ({"message_bits": -8}, "'message_bits'"),
        ({"fan_out": -1}, "'fan_out'"),
        ({"recurrent": 1}, "'recurrent' must be True or False"),
        ({"name": ""}, "'name' must be a non-empty string"),
    ],
)
def test_bad_layer_raises_parameter_error(kwargs: dict, match: str) -> None:
    args = {"name": "l", "n": 4, "n_in": 2} | kwargs
    with pytest.raises(ParameterError, match=match):
        LayerResources(**args)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"spikes_per_layer": (1.0, float("nan"))}, r"spikes_per_layer\[1\].*not finite"),
        ({"spikes_per_layer": (-1.0, 0.0)}, r"spikes_per_layer\[0\].*must be >= 0"),
        ({"spikes_per_layer": "12"}, "sequence of numbers"),
        ({"synops": float("nan")}, "'synops' = nan is not finite"),
        ({"synops": -5.0}, "'synops' = -5 must be >= 0"),
        ({"neuron_updates": float("inf")}, "'neuron_updates' = inf is not finite"),
        ({"time_steps": 0}, "'time_steps' = 0 must be >= 1"),
        ({"time_steps": 2.0}, "'time_steps' must be an int"),
    ],
)
def test_bad_activity_raises_parameter_error(kwargs: dict, match: str) -> None:
    args = {"time_steps": 4, "spikes_per_layer": (1.0, 2.0)} | kwargs
    with pytest.raises(ParameterError, match=match):
        Activity(**args)


def test_bad_report_arguments_raise_parameter_error() -> None:
    layers = [LayerResources("a", n=3, n_in=2), LayerResources("b", n=3, n_in=3)]
    with pytest.raises(ParameterError, match="3 entries for 2 layers"):
        loihi2_report(layers, Activity(4, (1.0, 2.0, 3.0)))
    with pytest.raises(ParameterError, match="non-empty sequence"):
        loihi2_report([])
    with pytest.raises(ParameterError, match="non-empty sequence"):
        loihi2_report(layers[0])
    with pytest.raises(ParameterError, match=r"layers\[1\] must be a LayerResources"):
        loihi2_report([layers[0], {"n": 3}])
    with pytest.raises(ParameterError, match=r"repeated: \['a'\]"):
        loihi2_report([layers[0], layers[0]])
    with pytest.raises(ParameterError, match="'activity' must be an Activity"):
        loihi2_report(layers, {"time_steps": 4})
    with pytest.raises(ParameterError, match="'limits' must be a Loihi2Limits"):
        loihi2_report(layers, limits={"cores_per_chip": 128})
    with pytest.raises(ParameterError, match="'cores_per_chip' = 0 must be >= 1"):
        Loihi2Limits(cores_per_chip=0)
    with pytest.raises(ParameterError, match="'core_memory_bits' must be an int"):
        Loihi2Limits(core_memory_bits=1.5e6)
    with pytest.raises(ParameterError, match="'e_synop_j' = nan is not finite"):
        EnergyModel(e_synop_j=float("nan"))
    with pytest.raises(ParameterError, match="'t_sync_s' = -1 must be >= 0"):
        EnergyModel(t_sync_s=-1.0)


# --- Sanity check against a published Loihi 2 measurement -------------------------------------
# lava-nc/lava-dl, tutorials/lava/lib/dl/netx/pilotnet_snn/benchmark.ipynb (last changed in
# commit b9e36917, 2023-01-10), printed outputs: "Total Energy per inference : 1.661103 mJ",
# "Dynamic Energy per inference : 1.093544 mJ", "Total Power : 0.679234 W", "Throughput : 408.91
# fps", 74 cores in the compiler's per-core table; reset_interval = 16 steps per inference,
# num_steps = 10000 (625 inferences) on one Loihi 2 chip (Oheo Gulch).
PILOTNET_TOTAL_J = 1.661103e-3
PILOTNET_DYNAMIC_J = 1.093544e-3
PILOTNET_INFERENCES = 10_000 // 16
# The notebook prints no activity numbers: it plots the Loihi2Activity counters per core. These
# are read off that plot (cell 27 counted from 0) by pixel, per layer, as counts over the run.
# See docs/loihi2.md for the method; resolution is about 0.004e9 per pixel, and the conv1 synop
# line is hidden under another line (up to ~2e9 more synops over the run, ~8 %).
PILOTNET_SYNOPS_RUN = 22.937e9
PILOTNET_NEURON_UPDATES_RUN = 3.718e9
PILOTNET_SPIKES_RUN = {"conv1": 0.3322e9, "conv2": 0.0866e9, "conv3": 0.014e9, "conv5": 0.0154e9}
PILOTNET_LAYERS = [  # netx print of network.net; fan-out = synapses of the next layer / n
    ("input", 200 * 66 * 3, 0),
    ("conv1", 99 * 32 * 24, 3 * 3 * 3),
    ("conv2", 49 * 15 * 36, 3 * 3 * 24),
    ("conv3", 24 * 7 * 48, 3 * 3 * 36),
    ("conv4", 22 * 4 * 64, 3 * 3 * 48),
    ("conv5", 20 * 2 * 64, 3 * 3 * 64),
    ("fc1", 100, 20 * 2 * 64),
    ("fc2", 50, 100),
    ("fc3", 10, 50),
    ("fc4", 1, 10),
]


def pilotnet() -> tuple[list[LayerResources], Activity]:
    """PilotNet SNN as LayerResources (dense-equivalent) and its per-inference activity."""
    layers = []
    for i, (name, n, n_in) in enumerate(PILOTNET_LAYERS):
        nxt = PILOTNET_LAYERS[i + 1] if i + 1 < len(PILOTNET_LAYERS) else None
        fan_out = round(nxt[1] * nxt[2] / n) if nxt else 0
        layers.append(LayerResources(name, n=n, n_in=n_in, fan_out=fan_out))
    spikes = tuple(
        PILOTNET_SPIKES_RUN.get(name, 0.0) / PILOTNET_INFERENCES for name, *_ in PILOTNET_LAYERS
    )
    activity = Activity(
        time_steps=16,
        spikes_per_layer=spikes,
        synops=PILOTNET_SYNOPS_RUN / PILOTNET_INFERENCES,
        neuron_updates=PILOTNET_NEURON_UPDATES_RUN / PILOTNET_INFERENCES,
    )
    return layers, activity


@pytest.mark.parametrize(
    "model", [EnergyModel(), EnergyModel.sanafe_loihi()], ids=["davies", "sanafe"]
)
def test_pilotnet_estimate_is_within_an_order_of_magnitude_of_loihi2(model: EnergyModel) -> None:
    layers, activity = pilotnet()
    rep = loihi2_report(layers, activity, energy=model)
    ratio_total = rep.energy_j / PILOTNET_TOTAL_J
    ratio_dynamic = rep.energy_j / PILOTNET_DYNAMIC_J
    print(
        f"{model.name}: estimate {rep.energy_j * 1e3:.3f} mJ per inference; measured total "
        f"{PILOTNET_TOTAL_J * 1e3:.3f} mJ (ratio {ratio_total:.2f}), dynamic "
        f"{PILOTNET_DYNAMIC_J * 1e3:.3f} mJ (ratio {ratio_dynamic:.2f}); latency estimate "
        f"{rep.latency_s * 1e3:.3f} ms vs measured {1 / 408.91 * 1e3:.3f} ms; "
        f"cores {rep.neurocores} (dense-equivalent) vs 74 measured"
    )
    assert rep.neurons == 158_509
    assert 0.1 < ratio_total < 10 and 0.1 < ratio_dynamic < 10
    # With every neuron updated once per step instead of the profiler's count the estimate
    # still stays within the order of magnitude.
    lower = loihi2_report(layers, replace(activity, neuron_updates=None), energy=model)
    assert 0.1 < lower.energy_j / PILOTNET_TOTAL_J < 10


def test_the_docs_example_runs(capsys: pytest.CaptureFixture) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    exec(compile(code, str(DOC), "exec"), {})
    assert "ESTIMATE" in capsys.readouterr().out
