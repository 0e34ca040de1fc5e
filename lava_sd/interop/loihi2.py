"""Loihi 2 resource and energy ESTIMATE for a network described layer by layer.

    synapses_l       = n_l * rows_l * (n_in_l + recurrent_l * n_l)
    memory_bits_l    = synapses_l * weight_bits_l + n_l * state_bits_l
    neurons/core_l   = min(max_neurons_per_core, floor(core_memory_bits / (memory_bits_l / n_l)))
    cores_l          = ceil(n_l / neurons/core_l)
    chips            = max(ceil(sum cores / cores_per_chip), ceil(sum n / neurons_per_chip),
                           ceil(sum synapses / synapses_per_chip))
    messages         = sum_l events_l * ceil(fan_out_l / max_neurons_per_core)
    E                = synops * e_synop + neuron_updates * e_neuron_update + events * e_spike
                       + messages * e_message + messages * hops_per_message * e_hop
                       + static_power * chips * latency
    t_step           = t_sync + synops / (T * cores) * t_synop + max_l(n_l / cores_l) * t_update
                       + (events * t_spike + messages * (t_message + hops_per_message * t_hop))
                         / (T * cores)
    latency          = T * t_step

Nothing here runs on, or was calibrated against, a Loihi 2. The limits are Intel's published
Loihi 2 figures (one is assumed; see ``Loihi2Limits``); every per-operation energy and time is a
published LOIHI 1 figure, because Intel has published none for Loihi 2. ``docs/loihi2.md``
quotes every source, says which numbers were checked against what, and compares the estimate
with a published Loihi 2 measurement (lava-dl's PilotNet SNN benchmark).

The network is described with plain ``LayerResources`` records, not with lava_sd's network
classes, so the estimate works for any layered spiking network. Layers are mapped one layer per
set of cores (no two layers share a core), dense weights only (no convolution or weight sharing).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

from lava_sd.checks import ParameterError

__all__ = [
    "Activity",
    "EnergyModel",
    "LayerReport",
    "LayerResources",
    "Loihi2Limits",
    "Loihi2Report",
    "loihi2_report",
]

# What every report says about itself (also in docs/loihi2.md).
CAVEATS: tuple[str, ...] = (
    "This is an ESTIMATE from counts times constants, not a measurement or a compiler mapping.",
    "Per-operation energies and times are LOIHI 1 figures (Intel 14 nm, 0.75 V, pre-silicon "
    "SDF/SPICE simulation; Davies et al., IEEE Micro 2018, Table 2): Intel has published none "
    "for Loihi 2 (Intel 4 process), whose real costs differ.",
    "Left out: host I/O and encoding, idle/static power (unless static_power_w is set), the "
    "embedded x86 cores, chip-to-chip links, learning, and the extra cost of graded (multi-bit) "
    "spikes, which are charged like binary spikes.",
    "Mapping: one layer per set of cores, dense weights, no compression or weight sharing; "
    "the per-core memory is ASSUMED (128 KiB); a real compiler (Lava's Loihi 2 compiler) also "
    "enforces axon, routing and register limits and packed PilotNet at <= 3,168 neurons per "
    "core, not 8,192. How fused lava_sd layers (ΣΔ-lpRNN, EGRU, spiking LSTM) become Loihi 2 "
    "microcode neurons is not modelled: each is described by its weight rows and state bits.",
    "Messages and mesh hops are not placed: each output event sends one message per "
    "max_neurons_per_core of fan-out, and every message travels hops_per_message hops (assumed).",
    "Latency assumes synaptic work spread evenly over all cores (optimistic).",
)


def _fail(owner: str, message: str) -> ParameterError:
    return ParameterError(f"{owner}: {message}")


def _check_int(owner: str, name: str, value: object, low: int) -> int:
    """``value`` as an int, if it is an integer >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _fail(owner, f"'{name}' must be an int, got {value!r} ({type(value).__name__}).")
    if value < low:
        raise _fail(owner, f"'{name}' = {value} must be >= {low}.")
    return int(value)


def _check_number(owner: str, name: str, value: object, low: float = 0.0) -> float:
    """``value`` as a float, if it is a finite real number >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(owner, f"'{name}' must be a number, got {value!r} ({type(value).__name__}).")
    if not math.isfinite(value):
        raise _fail(
            owner, f"'{name}' = {value} is not finite (NaN or infinity); pass a finite number."
        )
    if value < low:
        raise _fail(owner, f"'{name}' = {value:g} must be >= {low:g}.")
    return float(value)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class LayerResources:
    """One layer of a spiking network, as far as Loihi 2 resources are concerned.

    synapses = n * rows_per_neuron * (n_in + n if recurrent else n_in)

    Args:
        name: label, e.g. ``"0:alif"``.
        n: neurons (compartments) in the layer, per sample.
        n_in: input fan-in per neuron from the previous layer.
        recurrent: the layer's own n outputs are also inputs (adds n to the fan-in).
        rows_per_neuron: weight rows per neuron (an EGRU has 3: update, reset, candidate).
        weight_bits: bits per synaptic weight.
        state_bits: bits of state per neuron (sum over its state variables); the default 48 is
            two 24-bit variables (current and voltage of a current-based LIF).
        message_bits: 0 for binary spikes; else the graded payload bits of each output event.
        fan_out: neurons each output event reaches downstream (next layer + recurrent + readout);
            0 if nothing on chip listens (the output layer).
    """

    name: str
    n: int
    n_in: int
    recurrent: bool = False
    rows_per_neuron: int = 1
    weight_bits: int = 8
    state_bits: int = 48
    message_bits: int = 0
    fan_out: int = 0

    def __post_init__(self) -> None:
        owner = f"LayerResources {self.name!r}"
        if not isinstance(self.name, str) or not self.name:
            raise _fail("LayerResources", f"'name' must be a non-empty string, got {self.name!r}.")
        if not isinstance(self.recurrent, bool):
            raise _fail(owner, f"'recurrent' must be True or False, got {self.recurrent!r}.")
        for name, low in (
            ("n", 1),
            ("n_in", 0),
            ("rows_per_neuron", 1),
            ("weight_bits", 1),
            ("state_bits", 0),
            ("message_bits", 0),
            ("fan_out", 0),
        ):
            _set(self, name, _check_int(owner, name, getattr(self, name), low))

    @property
    def fan_in(self) -> int:
        """Inputs per weight row: n_in, plus n if recurrent."""
        return self.n_in + (self.n if self.recurrent else 0)

    @property
    def synapses(self) -> int:
        """Synaptic weights of the layer: n * rows_per_neuron * fan_in."""
        return self.n * self.rows_per_neuron * self.fan_in


@dataclass(frozen=True)
class Activity:
    """What one inference (one sample) does, counted in simulation.

    synops default = sum_l spikes_per_layer[l] * fan_out_l;
    neuron_updates default = sum_l n_l * time_steps.

    Args:
        time_steps: algorithmic time steps per inference.
        spikes_per_layer: output events per layer (binary or graded), one per layer.
        synops: synaptic operations (event x fan-out), total; ``None`` derives it as above.
        neuron_updates: neuron (compartment) updates, total; ``None``: every neuron every step.
    """

    time_steps: int
    spikes_per_layer: tuple[float, ...]
    synops: float | None = None
    neuron_updates: float | None = None

    def __post_init__(self) -> None:
        owner = "Activity"
        _set(self, "time_steps", _check_int(owner, "time_steps", self.time_steps, 1))
        seq = self.spikes_per_layer
        if isinstance(seq, (str, bytes, dict)) or not (
            hasattr(seq, "__len__") and hasattr(seq, "__iter__")
        ):
            raise _fail(
                owner,
                f"'spikes_per_layer' must be a sequence of numbers, one per layer, "
                f"got {self.spikes_per_layer!r}.",
            )
        spikes = tuple(
            _check_number(owner, f"spikes_per_layer[{i}]", s)
            for i, s in enumerate(self.spikes_per_layer)
        )
        _set(self, "spikes_per_layer", spikes)
        for name in ("synops", "neuron_updates"):
            if getattr(self, name) is not None:
                _set(self, name, _check_number(owner, name, getattr(self, name)))


@dataclass(frozen=True)
class Loihi2Limits:
    """Loihi 2 capacity limits; every one is a parameter (sources in docs/loihi2.md).

    Args:
        cores_per_chip: neurocores per chip. Intel, "Taking Neuromorphic Computing to the
            Next Level with Loihi 2", technology brief, 2021: 128 neuron cores per chip.
        max_neurons_per_core: Intel's Loihi 2 brief: up to 8,192 neurons per core.
        max_neurons_per_chip: 128 * 8,192 = 1,048,576; the brief rounds it to "1 million".
        max_synapses_per_chip: Intel's Loihi 2 brief: up to 120 million synapses per chip.
        core_memory_bits: synaptic weights plus neuron state one core can hold. ASSUMED
            128 KiB (1,048,576 bits): Loihi 1's published per-core synaptic memory (Davies et
            al. 2018, constraint 2: "must not exceed 128 KB"); not verified for Loihi 2.
            ``None`` switches the memory limit off.
        max_message_bits: graded spike payload. The brief (as reported): up to 32 bits.
    """

    cores_per_chip: int = 128
    max_neurons_per_core: int = 8192
    max_neurons_per_chip: int = 1_048_576
    max_synapses_per_chip: int = 120_000_000
    core_memory_bits: int | None = 128 * 1024 * 8
    max_message_bits: int = 32

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "core_memory_bits" and value is None:
                continue
            _set(self, f.name, _check_int("Loihi2Limits", f.name, value, 1))


@dataclass(frozen=True)
class EnergyModel:
    """Per-operation energies (J) and times (s). Defaults: LOIHI 1, Davies et al. 2018.

    Davies et al., "Loihi: A Neuromorphic Manycore Processor with On-Chip Learning", IEEE Micro
    38(1):82-99, 2018, Table 2 ("Value at 0.75 V"; pre-silicon SDF and SPICE simulation).

    Args:
        name: label printed with every estimate.
        e_synop_j: "Energy per synaptic spike op (min)": 23.6 pJ.
        e_neuron_update_j: "Energy per neuron update (active / inactive)": 81 pJ active (52 pJ
            inactive); every update is charged as active.
        e_spike_j: per output event, generating the spike: not in Table 2, 0.
        e_message_j: "Within-tile spike energy": 1.7 pJ per message.
        e_hop_j: "Energy per tile hop (E-W / N-S)": 3.0 / 4.0 pJ; mean 3.5 pJ.
        hops_per_message: mesh hops per message: ASSUMED 1 (no placement is modelled).
        t_synop_s: "Time per synaptic spike op (max)": 3.5 ns.
        t_neuron_update_s: "Time per neuron update (active / inactive)": 8.4 ns (5.3 ns).
        t_spike_s: per output event: not in Table 2, 0.
        t_message_s: "Within-tile spike latency": 2.1 ns.
        t_hop_s: "Latency per tile hop (E-W / N-S)": 4.1 / 6.5 ns; mean 5.3 ns.
        t_sync_s: "Mesh-wide barrier sync time (1-32 tiles)": 113-465 ns; 465 ns per step.
        static_power_w: static power per chip charged over the latency; 0 = not modelled.
    """

    name: str = "Loihi 1 (Davies et al. 2018, Table 2)"
    e_synop_j: float = 23.6e-12
    e_neuron_update_j: float = 81e-12
    e_spike_j: float = 0.0
    e_message_j: float = 1.7e-12
    e_hop_j: float = 3.5e-12
    hops_per_message: float = 1.0
    t_synop_s: float = 3.5e-9
    t_neuron_update_s: float = 8.4e-9
    t_spike_s: float = 0.0
    t_message_s: float = 2.1e-9
    t_hop_s: float = 5.3e-9
    t_sync_s: float = 465e-9
    static_power_w: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise _fail("EnergyModel", f"'name' must be a non-empty string, got {self.name!r}.")
        for f in fields(self):
            if f.name != "name":
                value = _check_number(f"EnergyModel {self.name!r}", f.name, getattr(self, f.name))
                _set(self, f.name, value)

    @classmethod
    def sanafe_loihi(cls) -> EnergyModel:
        """SANA-FE 2.2.9's bundled ``sanafe/examples/loihi.yaml`` (Loihi 1), as a REFERENCE.

        Its header says the numbers come from Davies et al. 2018, but most do not appear in that
        paper's Table 2 (see docs/loihi2.md): they are SANA-FE's own Loihi 1 model. Mapping:
        e_synop = loihi_dense_synapse energy_process_spike 35.5 pJ (3.8 ns); e_neuron_update =
        loihi_lif energy_access_neuron + energy_update_neuron = 51.2 + 21.6 pJ (6.0 + 3.7 ns);
        e_spike = energy_spike_out 69.3 pJ (30 ns); e_message = loihi_out energy_message_out
        111 pJ (5.1 ns) plus loihi_in message_in 0 pJ (16 ns); e_hop = mean of 3.0 (E/W) and
        4.2 (N/S) pJ, t_hop = mean of 4.1 and 6.5 ns; t_sync = the largest latency_sync entry,
        1.8 us.
        """
        return cls(
            name="Loihi 1 (SANA-FE 2.2.9 loihi.yaml, reference)",
            e_synop_j=35.5e-12,
            e_neuron_update_j=(51.2 + 21.6) * 1e-12,
            e_spike_j=69.3e-12,
            e_message_j=111.0e-12,
            e_hop_j=3.6e-12,
            t_synop_s=3.8e-9,
            t_neuron_update_s=(6.0 + 3.7) * 1e-9,
            t_spike_s=30.0e-9,
            t_message_s=(5.1 + 16.0) * 1e-9,
            t_hop_s=5.3e-9,
            t_sync_s=1.8e-6,
        )


@dataclass(frozen=True)
class LayerReport:
    """Resources of one layer (one row of the report)."""

    name: str
    neurons: int
    fan_in: int
    fan_out: int
    rows_per_neuron: int
    synapses: int
    weight_bits: int
    synaptic_memory_bits: int
    synaptic_memory_bytes: int
    state_bits_per_neuron: int
    message_bits: int
    neurons_per_core: int
    neurocores: int


@dataclass(frozen=True)
class Loihi2Report:
    """Resources (always) and per-inference activity, energy and latency (with an Activity).

    ``energy_j`` and ``latency_s`` are ESTIMATES: see ``caveats`` and docs/loihi2.md.
    """

    layers: tuple[LayerReport, ...]
    neurons: int
    synapses: int
    synaptic_memory_bits: int
    state_memory_bits: int
    neurocores: int
    chips: int
    chips_limited_by: str
    violations: tuple[str, ...]
    limits: Loihi2Limits
    energy_model: EnergyModel
    time_steps: int | None = None
    spikes_per_layer: tuple[float, ...] | None = None
    spikes: float | None = None
    graded_spikes: float | None = None
    synops: float | None = None
    neuron_updates: float | None = None
    messages: float | None = None
    mesh_hops: float | None = None
    energy_j: float | None = None
    energy_breakdown_j: dict[str, float] | None = None
    time_per_step_s: float | None = None
    latency_s: float | None = None
    caveats: tuple[str, ...] = CAVEATS

    @property
    def synaptic_memory_bytes(self) -> int:
        """Synaptic memory of the whole network in bytes (rounded up)."""
        return -(-self.synaptic_memory_bits // 8)

    def to_dict(self) -> dict:
        """A JSON-able dict of everything in the report, the limits and the constants."""
        out = asdict(self)
        out["synaptic_memory_bytes"] = self.synaptic_memory_bytes
        out["layers"] = [asdict(layer) for layer in self.layers]
        for key in ("violations", "caveats", "spikes_per_layer"):
            if out[key] is not None:
                out[key] = list(out[key])
        return out

    def __str__(self) -> str:
        head = (
            f"{'layer':<12} {'neurons':>8} {'fan-in':>7} {'fan-out':>7} {'synapses':>10} "
            f"{'w bits':>6} {'syn mem B':>10} {'state b/n':>9} {'n/core':>7} {'cores':>5}"
        )
        lines = [
            "Loihi 2 resource and energy ESTIMATE (not a measurement; see docs/loihi2.md)",
            head,
            "-" * len(head),
        ]
        for r in self.layers:
            lines.append(
                f"{r.name[:12]:<12} {r.neurons:>8} {r.fan_in:>7} {r.fan_out:>7} "
                f"{r.synapses:>10} {r.weight_bits:>6} {r.synaptic_memory_bytes:>10} "
                f"{r.state_bits_per_neuron:>9} {r.neurons_per_core:>7} {r.neurocores:>5}"
            )
        lines.append("-" * len(head))
        lines.append(
            f"{'total':<12} {self.neurons:>8} {'':>7} {'':>7} {self.synapses:>10} {'':>6} "
            f"{self.synaptic_memory_bytes:>10} {'':>9} {'':>7} {self.neurocores:>5}"
        )
        lim = self.limits
        mem = (
            "off"
            if lim.core_memory_bits is None
            else f"{lim.core_memory_bits // 8192} KiB (assumed)"
        )
        lines.append(
            f"chips: {self.chips} (bound: {self.chips_limited_by}); limits: {lim.cores_per_chip} "
            f"cores/chip, {lim.max_neurons_per_core} neurons/core, memory/core {mem}"
        )
        for v in self.violations:
            lines.append(f"DOES NOT FIT: {v}")
        if self.energy_j is not None:
            lines.append(f"per inference ({self.time_steps} time steps), {self.energy_model.name}:")
            lines.append(
                f"  synops {self.synops:.4g}, neuron updates {self.neuron_updates:.4g}, "
                f"spikes {self.spikes:.4g} (graded {self.graded_spikes:.4g}), "
                f"messages {self.messages:.4g}, mesh hops {self.mesh_hops:.4g}"
            )
            parts = ", ".join(f"{k} {v * 1e6:.4g}" for k, v in self.energy_breakdown_j.items())
            lines.append(f"  energy {self.energy_j * 1e6:.4g} uJ ({parts} uJ)")
            lines.append(
                f"  latency {self.latency_s * 1e6:.4g} us ({self.time_per_step_s * 1e6:.4g} us "
                f"per step, evenly spread work)"
            )
        lines.append("Left out / assumed:")
        lines.extend(f"  - {c}" for c in self.caveats)
        return "\n".join(lines)


def _layer_report(layer: LayerResources, limits: Loihi2Limits) -> tuple[LayerReport, str | None]:
    syn_bits = layer.synapses * layer.weight_bits
    bits_per_neuron = layer.rows_per_neuron * layer.fan_in * layer.weight_bits + layer.state_bits
    per_core = limits.max_neurons_per_core
    violation = None
    if limits.core_memory_bits is not None and bits_per_neuron > 0:
        fit = limits.core_memory_bits // bits_per_neuron
        if fit == 0:
            violation = (
                f"layer {layer.name!r}: one neuron needs {bits_per_neuron} bits of weights and "
                f"state, more than core_memory_bits = {limits.core_memory_bits}; its fan-in "
                f"would have to be split across cores (not modelled; counted as 1 neuron/core)."
            )
            fit = 1
        per_core = min(per_core, fit)
    if layer.message_bits > limits.max_message_bits:
        violation = (violation + " " if violation else "") + (
            f"layer {layer.name!r}: {layer.message_bits}-bit graded spikes exceed "
            f"max_message_bits = {limits.max_message_bits}."
        )
    report = LayerReport(
        name=layer.name,
        neurons=layer.n,
        fan_in=layer.fan_in,
        fan_out=layer.fan_out,
        rows_per_neuron=layer.rows_per_neuron,
        synapses=layer.synapses,
        weight_bits=layer.weight_bits,
        synaptic_memory_bits=syn_bits,
        synaptic_memory_bytes=-(-syn_bits // 8),
        state_bits_per_neuron=layer.state_bits,
        message_bits=layer.message_bits,
        neurons_per_core=per_core,
        neurocores=-(-layer.n // per_core),
    )
    return report, violation


def loihi2_report(
    layers: Sequence[LayerResources],
    activity: Activity | None = None,
    *,
    limits: Loihi2Limits | None = None,
    energy: EnergyModel | None = None,
) -> Loihi2Report:
    """Estimate Loihi 2 neurocores, chips and (with ``activity``) energy and latency.

    cores_l = ceil(n_l / min(max_neurons_per_core, floor(core_memory_bits / bits per neuron)));
    E = synops * e_synop + neuron_updates * e_neuron_update + events * e_spike
        + messages * (e_message + hops_per_message * e_hop) + static_power * chips * latency
    (all terms in the module docstring).

    Args:
        layers: the network, input side first; names must be unique.
        activity: counts of one inference; ``None`` reports resources only.
        limits: chip limits (default: published Loihi 2 figures, memory per core assumed).
        energy: per-operation constants (default: Loihi 1, Davies et al. 2018, Table 2).

    Returns:
        A ``Loihi2Report``; ``print()`` it for a table, ``to_dict()`` for JSON.

    Raises:
        ParameterError: empty or malformed layers, duplicate names, activity of the wrong length
            or with negative / non-finite counts, limits or constants of the wrong type.
    """
    limits = Loihi2Limits() if limits is None else limits
    energy = EnergyModel() if energy is None else energy
    if not isinstance(limits, Loihi2Limits):
        raise ParameterError(f"loihi2_report: 'limits' must be a Loihi2Limits, got {limits!r}.")
    if not isinstance(energy, EnergyModel):
        raise ParameterError(f"loihi2_report: 'energy' must be an EnergyModel, got {energy!r}.")
    if isinstance(layers, LayerResources) or not isinstance(layers, Sequence) or not layers:
        raise ParameterError(
            "loihi2_report: 'layers' must be a non-empty sequence of LayerResources, "
            f"got {layers!r}."
        )
    for i, layer in enumerate(layers):
        if not isinstance(layer, LayerResources):
            raise ParameterError(
                f"loihi2_report: layers[{i}] must be a LayerResources, got {type(layer).__name__}."
            )
    names = [layer.name for layer in layers]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParameterError(f"loihi2_report: layer names must be unique; repeated: {dup}.")

    rows, violations = [], []
    for layer in layers:
        row, violation = _layer_report(layer, limits)
        rows.append(row)
        if violation:
            violations.append(violation)
    neurons = sum(r.neurons for r in rows)
    synapses = sum(r.synapses for r in rows)
    cores = sum(r.neurocores for r in rows)
    bounds = {
        "neurocores": -(-cores // limits.cores_per_chip),
        "neurons": -(-neurons // limits.max_neurons_per_chip),
        "synapses": -(-synapses // limits.max_synapses_per_chip),
    }
    chips = max(bounds.values())
    result = dict(
        layers=tuple(rows),
        neurons=neurons,
        synapses=synapses,
        synaptic_memory_bits=sum(r.synaptic_memory_bits for r in rows),
        state_memory_bits=sum(r.neurons * r.state_bits_per_neuron for r in rows),
        neurocores=cores,
        chips=chips,
        chips_limited_by=max(bounds, key=bounds.get),
        violations=tuple(violations),
        limits=limits,
        energy_model=energy,
    )
    if activity is None:
        return Loihi2Report(**result)
    if not isinstance(activity, Activity):
        raise ParameterError(f"loihi2_report: 'activity' must be an Activity, got {activity!r}.")
    if len(activity.spikes_per_layer) != len(layers):
        raise ParameterError(
            f"loihi2_report: activity.spikes_per_layer has {len(activity.spikes_per_layer)} "
            f"entries for {len(layers)} layers; give one output-event count per layer, in order."
        )
    result.update(_activity_estimate(layers, rows, activity, limits, energy, chips, cores))
    return Loihi2Report(**result)


def _activity_estimate(
    layers: Sequence[LayerResources],
    rows: list[LayerReport],
    activity: Activity,
    limits: Loihi2Limits,
    energy: EnergyModel,
    chips: int,
    cores: int,
) -> dict:
    """Per-inference counts, energy and latency (equations in the module docstring)."""
    spikes_l = activity.spikes_per_layer
    steps = activity.time_steps
    synops = (
        sum(s * layer.fan_out for s, layer in zip(spikes_l, layers, strict=True))
        if activity.synops is None
        else float(activity.synops)
    )
    updates = (
        float(sum(layer.n for layer in layers) * steps)
        if activity.neuron_updates is None
        else float(activity.neuron_updates)
    )
    spikes = float(sum(spikes_l))
    graded = float(
        sum(s for s, layer in zip(spikes_l, layers, strict=True) if layer.message_bits > 0)
    )
    messages = float(
        sum(
            s * -(-layer.fan_out // limits.max_neurons_per_core)
            for s, layer in zip(spikes_l, layers, strict=True)
        )
    )
    hops = messages * energy.hops_per_message
    per_step = (
        energy.t_sync_s
        + synops / (steps * cores) * energy.t_synop_s
        + max(r.neurons / r.neurocores for r in rows) * energy.t_neuron_update_s
        + (spikes * energy.t_spike_s + messages * energy.t_message_s + hops * energy.t_hop_s)
        / (steps * cores)
    )
    latency = steps * per_step
    breakdown = {
        "synops": synops * energy.e_synop_j,
        "neuron_updates": updates * energy.e_neuron_update_j,
        "spikes": spikes * energy.e_spike_j,
        "messages": messages * energy.e_message_j,
        "mesh_hops": hops * energy.e_hop_j,
        "static": energy.static_power_w * chips * latency,
    }
    return dict(
        time_steps=steps,
        spikes_per_layer=tuple(float(s) for s in spikes_l),
        spikes=spikes,
        graded_spikes=graded,
        synops=synops,
        neuron_updates=updates,
        messages=messages,
        mesh_hops=hops,
        energy_j=sum(breakdown.values()),
        energy_breakdown_j=breakdown,
        time_per_step_s=per_step,
        latency_s=latency,
    )
