"""The one network type: a trained classifier mapped onto Lava layer processes.

``lava_sd.convert(classifier)`` returns a ``Network``; ``Network.run`` evaluates a padded batch in
one Lava simulation (float or fixed point) and returns logits, spike counts per layer and
overflow. A network is a list of ``LayerMapping`` (one Lava process per layer, its keyword
arguments for each backend and its fixed-point report) plus the input timing and the host
readout::

    input:   each frame held K = frame_steps steps (+ frame_offset steps of the last one);
             fixed point: round(x X), X = input_scale, a 24-bit graded payload
    layers:  the model's layer process (lava_sd.layer), the last one accumulating the readout
    logits = W_o (readout_sum / readout_unit / samples) + b_o
             samples = frames ("decoded" readout) or frames K ("trace" readout), or 1 when
             the readout reads the last frame only (readout_mode "last")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array
from lava_sd.fixed_point import DECAY_UNITY
from lava_sd.layer.mapping import LayerMapping
from lava_sd.layer.process import check_input, warn_overflow
from lava_sd.registry import ModelSpec, get_model
from lava_sd.run import RunResult, run

GRADED_INPUT_BITS = 24


@dataclass
class NetworkOutput:
    """Logits, per-layer spike counts ``(B, neurons)`` (the units, then any internal
    populations: ``NeuronSpec.neurons``), overflow and the raw run result.

    ``overflow_steps`` sums, over layers and neurons, the steps on which a fixed-point state
    wrapped or saturated; ``overflow`` lists each overflow by layer and state: ``(layer, name,
    steps, first_step)``.
    """

    logits: np.ndarray
    spikes: list[np.ndarray]
    overflow_steps: int
    run: RunResult
    overflow: list[tuple[int, str, int, int]] = field(default_factory=list)


@dataclass
class Network:
    """A classifier mapped onto Lava layer processes; ``run`` evaluates a batch.

    Args:
        model: registered model name.
        layers: per-layer mappings.
        frame_steps: simulation steps per input frame ``K``.
        frame_offset: readout delay after each frame end ("decoded" readout).
        input_scale: fixed-point graded input ``round(x X)``.
        readout_decay: the trace readout's ``k`` (float; ``D = round(4096 k)`` in fixed point).
        readout_weight, readout_bias: the host readout.
        readout_mode: ``"mean"`` over the frames (or steps) or the ``"last"`` one.
        class_names: names of the logits' classes.
        warnings: what the conversion warned about.
    """

    model: str
    layers: list[LayerMapping]
    frame_steps: int
    frame_offset: int
    input_scale: int
    readout_decay: float
    readout_weight: np.ndarray
    readout_bias: np.ndarray
    readout_mode: str = "mean"
    class_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def spec(self) -> ModelSpec:
        """The registered model of the layers."""
        return get_model(self.model)

    @property
    def n_in(self) -> int:
        """Input features per frame."""
        return self.layers[0].n_in

    def input_data(self, x: np.ndarray, backend: str) -> np.ndarray:
        """Frames ``(B, F, T)`` -> simulation input (``hold_frames``)."""
        return hold_frames(x, self.frame_steps, self.frame_offset, self.input_scale, backend)

    def build(self, lengths: np.ndarray, backend: str) -> list[Any]:
        """Connected layer processes for a batch whose samples have ``lengths`` frames."""
        spec = self.spec
        procs: list[Any] = []
        for index, layer in enumerate(self.layers):
            params = layer.float_params if backend == "float" else layer.fixed_params
            last = index == len(self.layers) - 1
            proc = spec.process(
                shape=(len(lengths), layer.n), **self._readout_args(lengths, backend, last),
                **params,
            )  # fmt: skip
            if procs:
                procs[-1].s_out.connect(proc.a_in)
            procs.append(proc)
        return procs

    def graph(self, x: np.ndarray, lengths: np.ndarray, backend: str) -> tuple[list[Any], int]:
        """Check a padded batch and build source + layers: ``(layer processes, steps)``."""
        from lava.proc.io.source import RingBuffer as Source

        x, lengths = check_batch("Network.run", x, lengths, self.n_in)
        data = self.input_data(x, backend)
        procs = self.build(lengths, backend)
        if backend != "float":
            check_input(procs[0], data)
        source = Source(data=data)
        source.s_out.connect(procs[0].a_in)
        return procs, data.shape[-1]

    def run(
        self,
        x: np.ndarray,
        lengths: np.ndarray,
        *,
        backend: str = "fixed",
        timeout: float | None = None,
        progress: bool = False,
    ) -> NetworkOutput:
        """Evaluate a padded batch ``x`` ``(B, F, T)`` with ``lengths`` ``(B,)`` in one Lava run.

        Warns (``RuntimeWarning``) when a fixed-point state wrapped or saturated.
        """
        procs, num_steps = self.graph(x, lengths, backend)
        outputs = {"readout_sum": procs[-1].readout_sum}
        for i, proc in enumerate(procs):
            outputs.update(
                {f"spikes_{i}": proc.spike_count, f"overflow_{i}": proc.overflow,
                 f"overflow_steps_{i}": proc.overflow_steps,
                 f"overflow_first_{i}": proc.overflow_first}
            )  # fmt: skip
        result = run(outputs, num_steps, backend=backend, timeout=timeout, progress=progress)
        return self.output(result, lengths, backend)

    def output(
        self, result: RunResult, lengths: np.ndarray, backend: str, where: str = ""
    ) -> NetworkOutput:
        """The ``NetworkOutput`` of a run that recorded, per layer ``i``, ``spikes_i``,
        ``overflow_i``, ``overflow_steps_i`` and ``overflow_first_i``, and the last layer's
        ``readout_sum``: logits from the host readout, and a ``RuntimeWarning`` per state that
        wrapped or saturated (``where``: appended to each layer's name, e.g. ``", torch"``)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        n_layers = len(self.layers)
        unit = 1.0 if backend == "float" else self.layers[-1].readout_unit
        samples = lengths * (1 if self.spec.readout == "decoded" else self.frame_steps)
        if self.readout_mode == "last":
            samples = np.ones_like(samples)
        mean = result["readout_sum"] / unit / samples[:, None]
        out = NetworkOutput(
            logits=mean @ self.readout_weight.T + self.readout_bias,
            spikes=[result[f"spikes_{i}"] for i in range(n_layers)],
            overflow_steps=int(sum(result[f"overflow_{i}"].sum() for i in range(n_layers))),
            run=result,
            overflow=self._overflow_events(result),
        )
        for i in range(n_layers):
            warn_overflow(
                f"layer {i} ({self.model}{where})", backend, self.spec.neuron.overflow_names,
                result[f"overflow_steps_{i}"], result[f"overflow_first_{i}"],
            )  # fmt: skip
        return out

    def _overflow_events(self, result: RunResult) -> list[tuple[int, str, int, int]]:
        names = self.spec.neuron.overflow_names
        events = []
        for i in range(len(self.layers)):
            steps, first = result[f"overflow_steps_{i}"], result[f"overflow_first_{i}"]
            for j, name in enumerate(names):
                if steps[j]:
                    events.append((i, name, int(steps[j]), int(first[j])))
        return events

    def _readout_args(self, lengths: np.ndarray, backend: str, last: bool) -> dict[str, Any]:
        """Readout keywords of a layer process: per-sample frames and where to sample."""
        readout_last = self.readout_mode == "last"
        if self.spec.readout == "decoded":
            return dict(
                n_frames=lengths, frame_steps=self.frame_steps, frame_offset=self.frame_offset,
                readout_last=readout_last,
            )  # fmt: skip
        k = self.readout_decay if backend == "float" else round(self.readout_decay * DECAY_UNITY)
        return dict(
            n_frames=lengths * self.frame_steps, readout_decay=k if last else 0,
            readout_last=readout_last,
        )  # fmt: skip

    def dims(self, index: int) -> dict[str, int]:
        """The neuron's size parameters (``NeuronSpec.dims``) of layer ``index``."""
        return self.spec.neuron.dim_values(self.layers[index].fixed_params)

    def weight_rows(self, index: int) -> int:
        """Weight rows of layer ``index`` (``gates`` per unit for a gated unit, the L2MU's
        input population and units)."""
        return self.spec.neuron.weight_rows(self.layers[index].n, self.dims(index))

    def fan_out(self, index: int) -> np.ndarray:
        """Per neuron of layer ``index`` (its units, then its internal populations): the
        synapses each of its events reaches."""
        neuron, layer = self.spec.neuron, self.layers[index]
        if index + 1 < len(self.layers):
            units = self.weight_rows(index + 1)
        else:
            units = len(self.readout_bias) if self.spec.readout == "trace" else 0
        if layer.recurrent:
            units += self.weight_rows(index)
        internal = neuron.internal_fan_out(layer.n, self.dims(index))
        return np.concatenate([np.full(layer.n, units, dtype=float), internal])

    def synops(self, spikes: list[np.ndarray]) -> np.ndarray:
        """Synaptic operations per sample: each event times its fan-out in weights
        (``fan_out``: the next layer's weight rows, the layer's own if recurrent, the readout's
        for the last layer of a trace readout, which is fed by events (a decoded readout reads
        the neurons' state), and, for an internal population, its synapses inside the layer).
        A gated unit (EGRU) has ``gates`` weight rows: an event reaches all of them."""
        return sum(counts @ self.fan_out(i) for i, counts in enumerate(spikes))

    def dense_macs(self, lengths: np.ndarray) -> np.ndarray:
        """Multiply-accumulates per sample of the same network evaluated densely (every weight
        row, ``gates`` per unit, and every internal synapse): once per frame for a model whose
        torch form is frame-based (the lpRNN's ANN), else once per simulation step; readout
        included."""
        per_step = self.readout_weight.size
        for i, layer in enumerate(self.layers):
            fan_in = layer.n_in + (layer.n if layer.recurrent else 0)
            internal = self.spec.neuron.internal_fan_out(layer.n, self.dims(i))
            per_step += self.weight_rows(i) * fan_in + internal.sum()
        steps_per_frame = 1 if self.spec.dense_per_frame else self.frame_steps
        return np.asarray(lengths) * steps_per_frame * per_step

    def activity_sparsity(self, spikes: list[np.ndarray], lengths: np.ndarray) -> float:
        """Fraction of (neuron, step) pairs without an event over the samples' own steps (their
        frames times K, plus the readout offset); every neuron of a layer counts, internal
        populations included."""
        own_steps = np.asarray(lengths) * self.frame_steps + self.frame_offset
        neuron_steps = sum(s.shape[1] for s in spikes) * own_steps.sum()
        return float(1 - sum(s.sum() for s in spikes) / neuron_steps)

    def loihi2_layers(self) -> list[Any]:
        """The layers as ``lava_sd.interop.loihi2.LayerResources``: neurons, fan-in, recurrence,
        weight rows (the neuron's ``gates``), weight bits (8, or the ``weight_bits`` the
        weights were quantised to: ``lava_sd.convert``), state bits (the neuron's state
        Vars), message bits (its ``output_bits``) and fan-out as ``synops`` counts it; each
        internal population of a cell (the L2MU's) is a layer of its own after its cell's units;
        a trace readout is one more layer of leaky integrators (24-bit state) that no event
        leaves."""
        from lava_sd.interop.loihi2 import LayerResources

        neuron = self.spec.neuron
        trace = self.spec.readout == "trace"
        out = []
        for i, layer in enumerate(self.layers):
            dims = self.dims(i)
            extra = 0 if neuron.unit_fan_in is None else neuron.unit_fan_in(layer.n, dims)
            out.append(
                LayerResources(
                    f"{i}:{self.model}",
                    n=layer.n,
                    n_in=layer.n_in + extra,
                    recurrent=layer.recurrent,
                    rows_per_neuron=neuron.gates,
                    weight_bits=int(layer.report.get("weight_bits", 8)),
                    state_bits=neuron.state_bits(),
                    message_bits=neuron.output_bits,
                    fan_out=int(self.fan_out(i)[0]),
                )
            )
            inputs = layer.n_in + (layer.n if layer.recurrent else 0)
            for population in neuron.populations:
                out.append(
                    LayerResources(
                        f"{i}:{self.model}:{population.field}",
                        n=population.size(layer.n, dims),
                        n_in=population.fan_in(inputs, layer.n, dims),
                        state_bits=neuron.state_bits(population),
                        fan_out=population.fan_out(layer.n, dims),
                    )
                )
        if trace:
            readout = LayerResources(
                "readout", n=len(self.readout_bias), n_in=self.layers[-1].n, state_bits=24
            )
            out.append(readout)
        return out

    def loihi2_activity(self, spikes: list[np.ndarray], lengths: np.ndarray) -> Any:
        """One inference's ``lava_sd.interop.loihi2.Activity``, averaged over the samples of a
        run: output events per layer (a cell's units and each internal population apart),
        ``synops`` (this network's count), neuron updates (every neuron, readout included, on
        each of the sample's own steps) and the mean number of steps ``lengths K + offset``
        (rounded)."""
        from lava_sd.interop.loihi2 import Activity

        steps = np.asarray(lengths) * self.frame_steps + self.frame_offset
        neuron = self.spec.neuron
        per_layer = []
        for i, counts in enumerate(spikes):
            sizes = [self.layers[i].n]
            sizes += [p.size(self.layers[i].n, self.dims(i)) for p in neuron.populations]
            for part in np.split(np.asarray(counts), np.cumsum(sizes)[:-1], axis=1):
                per_layer.append(float(part.sum(axis=1).mean()))
        layers = self.loihi2_layers()
        per_layer += [0.0] * (len(layers) - len(per_layer))
        return Activity(
            time_steps=max(1, round(float(steps.mean()))),
            spikes_per_layer=tuple(per_layer),
            synops=float(self.synops(spikes).mean()),
            neuron_updates=float(sum(layer.n for layer in layers) * steps.mean()),
        )

    def loihi2_report(
        self, activity: Any = None, lengths: np.ndarray | None = None, **options: Any
    ) -> Any:
        """A Loihi 2 resource, energy and latency ESTIMATE of this network
        (``lava_sd.interop.loihi2.loihi2_report``, docs/loihi2.md).

        Args:
            activity: ``None`` (resources only), an ``Activity``, or the ``NetworkOutput`` of
                ``run`` (per-sample mean of its spikes; ``lengths``: the batch's frame counts,
                default every sample ran all its steps).
            lengths: see ``activity``.
            **options: ``limits`` / ``energy`` of ``loihi2_report``.

        Returns:
            The ``Loihi2Report``: ``print()`` it, or ``to_dict()``.
        """
        from lava_sd.interop.loihi2 import loihi2_report

        if isinstance(activity, NetworkOutput):
            if lengths is None:
                frames = (activity.run.num_steps - self.frame_offset) // self.frame_steps
                lengths = np.full(len(activity.logits), frames)
            activity = self.loihi2_activity(activity.spikes, lengths)
        return loihi2_report(self.loihi2_layers(), activity, **options)

    @classmethod
    def from_netx(cls, path: str | Path, *, input_message_bits: int = 0) -> Network:
        """A lava-dl netx hdf5 file of dense CUBA layers (what SLAYER's ``export_hdf5`` writes)
        as a network of ``lif`` layers (``lava_sd.interop.netx.netx_layers``): one step per input
        column, input scale 1, logits = each output neuron's mean spike rate. Its fixed-point
        spikes at layer ``l`` equal netx's run of the file ``l`` steps earlier (netx puts a
        Dense delay before every layer); it runs a whole batch in one simulation, in float too.

        ``input_message_bits``: as netx's, 0 for binary input spikes, else graded integers."""
        from lava_sd.interop.netx import netx_layers

        layers = netx_layers(path, input_message_bits=input_message_bits)
        n_out = layers[-1].n
        return cls(
            "lif", layers, frame_steps=1, frame_offset=0, input_scale=1, readout_decay=1.0,
            readout_weight=np.eye(n_out), readout_bias=np.zeros(n_out),
            class_names=[str(c) for c in range(n_out)],
        )  # fmt: skip

    def report(self) -> str:
        """A per-layer table of the fixed-point mapping: state unit, weight exponents, largest
        relative weight error, headroom (thresholds the 24-bit state holds) and whatever else
        the model's mapping reports (e.g. the LIF's decay, threshold and bias rounding)."""
        head = f"{'layer':>5s} {'n_in':>5s} {'n':>5s} {'rec':>4s} {'unit':>10s} {'w_exp':>5s} "
        lines = [head + f"{'rec_exp':>7s} {'w err':>7s} {'headroom':>9s}"]
        for i, layer in enumerate(self.layers):
            r, p = layer.report, layer.fixed_params
            rec_exp = str(p.get("rec_weight_exp", "")) if layer.recurrent else "-"
            extra = ", ".join(
                f"{key.replace('_', ' ')} {value:.3g}"
                for key, value in r.items()
                if key not in ("weight_error", "headroom")
            )
            lines.append(
                f"{i:5d} {layer.n_in:5d} {layer.n:5d} {'yes' if layer.recurrent else 'no':>4s} "
                f"{layer.unit:10.1f} {p.get('weight_exp', 0):5d} {rec_exp:>7s} "
                f"{r.get('weight_error', 0.0):7.4f} {r.get('headroom', float('nan')):8.1f}x"
                + (f"  ({extra})" if extra else "")
            )
        lines.append(
            f"model {self.model}: K = {self.frame_steps} steps per frame, readout offset "
            f"{self.frame_offset}, fixed-point input scale X = {self.input_scale}"
        )
        return "\n".join(lines)


def hold_frames(
    x: np.ndarray, frame_steps: int, frame_offset: int, input_scale: int, backend: str
) -> np.ndarray:
    """Frames ``(B, F, T)`` -> simulation input ``(B, F, T K + offset)``: each frame held K
    steps, the last column held ``offset`` more steps; integers ``round(x X)`` for fixed point."""
    data = np.repeat(x, frame_steps, axis=-1)
    if frame_offset:
        tail = np.repeat(data[..., -1:], frame_offset, axis=-1)
        data = np.concatenate([data, tail], axis=-1)
    return data if backend == "float" else np.round(data * input_scale)


def check_batch(
    owner: str, x: np.ndarray, lengths: np.ndarray, n_in: int
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (B, n_in, T) finite with B >= 1 and ``lengths`` (B,) in 1..T, or a
    ``ParameterError``."""
    x = as_array(owner, "x", x)
    if x.ndim != 3 or x.shape[1] != n_in:
        raise ParameterError(
            f"{owner}: x must be (batch, {n_in}, frames), got {x.shape}: the network was trained "
            f"on {n_in} features."
        )
    if x.shape[0] == 0 or x.shape[-1] == 0:
        raise ParameterError(f"{owner}: x holds no samples or no frames (shape {x.shape}).")
    lengths = as_array(owner, "lengths", lengths)
    if lengths.shape != (x.shape[0],) or np.any(lengths != np.round(lengths)):
        raise ParameterError(
            f"{owner}: lengths must give each sample's frame count, shape ({x.shape[0]},)."
        )
    if lengths.min() < 1 or lengths.max() > x.shape[-1]:
        raise ParameterError(f"{owner}: lengths must give each sample's frame count, 1..frames.")
    return x, lengths.astype(np.int64)
