"""Map a trained ``lava_sd.torch.SpikingClassifier`` (ALIF or spiking LSTM layers) onto Lava.

Each torch layer becomes one Lava process (``lava_sd.ALIF`` or ``lava_sd.SpikingLSTM``) with
fused input and recurrent synapses; the last one accumulates the readout trace, and the host
applies the readout weights to its time mean. Float backend: the torch parameters as they are
(folded for ALIF). Fixed backend, per layer:

- state unit ``U = vth << 6`` per threshold (``vth = 2**10``: 65,536 units, 128 thresholds of
  24-bit headroom);
- weights ``w`` (value units per input unit, ALIF ones multiplied by ``1 - alpha``) become
  even 8-bit mantissas ``m = 2 round(w U / (X 2**(7 + e)))`` with one exponent ``e`` per matrix,
  the smallest that keeps ``|m| <= 254``: even values are immune to Lava's mixed-sign LSB drop;
  ``X`` is the input scale of graded inputs (first layer) and 1 for spikes;
- the readout trace decay ``k`` becomes ``D = round(4096 k)``, one spike adds ``D``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array
from lava_sd.fixed_point import DECAY_UNITY
from lava_sd.layers.spiking.process import SpikingLayer
from lava_sd.neurons.alif.process import ALIF
from lava_sd.neurons.spiking_lstm.process import SpikingLSTM
from lava_sd.run import RunResult, run

VTH = 1 << 10
MANTISSA_MAX = 254


@dataclass(frozen=True)
class SpikingLayerMapping:
    """One layer's Lava process class and keyword arguments for both backends."""

    process: type[SpikingLayer]
    n_in: int
    n: int
    recurrent: bool
    float_params: dict[str, Any]
    fixed_params: dict[str, Any]
    unit: float


@dataclass
class SpikingNetwork:
    """A trained spiking classifier mapped onto Lava layer processes; ``run`` evaluates a batch.

    Args:
        layers: per-layer mappings.
        frame_steps: steps per input frame ``K``.
        input_scale: fixed-point graded input ``round(x X)``.
        readout_decay: the readout trace's ``k`` (float); ``D = round(4096 k)`` in fixed point.
        readout_weight, readout_bias: host readout.
    """

    layers: list[SpikingLayerMapping]
    frame_steps: int
    input_scale: int
    readout_decay: float
    readout_weight: np.ndarray
    readout_bias: np.ndarray

    def build(self, n_steps: np.ndarray, backend: str) -> list[SpikingLayer]:
        """Connected layer processes for a batch whose samples last ``n_steps`` steps."""
        procs: list[SpikingLayer] = []
        for i, layer in enumerate(self.layers):
            params = layer.float_params if backend == "float" else layer.fixed_params
            last = i == len(self.layers) - 1
            k = self.readout_decay if backend == "float" else round(self.readout_decay * 4096)
            proc = layer.process(
                shape=(len(n_steps), layer.n),
                n_steps=n_steps,
                readout_decay=k if last else 0,
                **params,
            )
            if procs:
                procs[-1].s_out.connect(proc.a_in)
            procs.append(proc)
        return procs

    def graph(self, x: np.ndarray, lengths: np.ndarray, backend: str) -> tuple[list, int]:
        """Check a padded batch and build source + layers. Returns ``(layers, steps)``."""
        from lava.proc.io.source import RingBuffer as Source

        x, lengths = check_batch("SpikingNetwork.run", x, lengths, self.layers[0].n_in)
        data = np.repeat(x, self.frame_steps, axis=-1)
        if backend != "float":
            data = np.round(data * self.input_scale)
        procs = self.build(lengths * self.frame_steps, backend)
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
    ) -> SpikingOutput:
        """Evaluate a padded batch ``x`` (B, F, T) with ``lengths`` (B,) in one Lava run."""
        procs, num_steps = self.graph(x, lengths, backend)
        outputs = {"trace_sum": procs[-1].trace_sum}
        for i, proc in enumerate(procs):
            outputs[f"spikes_{i}"] = proc.spike_count
            outputs[f"overflow_{i}"] = proc.overflow
        result = run(outputs, num_steps, backend=backend, timeout=timeout, progress=progress)
        scale = 1.0 if backend == "float" else float(DECAY_UNITY)
        steps = np.asarray(lengths, dtype=float)[:, None] * self.frame_steps
        mean_trace = result["trace_sum"] / scale / steps
        return SpikingOutput(
            logits=mean_trace @ self.readout_weight.T + self.readout_bias,
            spikes=[result[f"spikes_{i}"] for i in range(len(procs))],
            overflow_steps=int(sum(result[f"overflow_{i}"].sum() for i in range(len(procs)))),
            run=result,
        )

    def synops(self, spikes: list[np.ndarray]) -> np.ndarray:
        """Synaptic operations per sample: each spike times its fan-out (next layer's width,
        plus the layer's own width if recurrent, plus the readout's width for the last)."""
        fan_outs = []
        for i, layer in enumerate(self.layers):
            nxt = self.layers[i + 1].n if i + 1 < len(self.layers) else len(self.readout_bias)
            fan_outs.append(nxt + (layer.n if layer.recurrent else 0))
        return sum(counts.sum(axis=1) * f for counts, f in zip(spikes, fan_outs, strict=True))

    def dense_macs(self, lengths: np.ndarray) -> np.ndarray:
        """Multiply-accumulates per sample of the same network evaluated densely every step."""
        per_step = sum(
            layer.n_in * layer.n + (layer.n * layer.n if layer.recurrent else 0)
            for layer in self.layers
        )
        per_step += self.readout_weight.size
        return np.asarray(lengths) * self.frame_steps * per_step


@dataclass
class SpikingOutput:
    """Logits, spike counts per layer (B, n), overflow events and the raw run result."""

    logits: np.ndarray
    spikes: list[np.ndarray]
    overflow_steps: int
    run: RunResult


def check_batch(
    owner: str, x: np.ndarray, lengths: np.ndarray, n_in: int
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (B, n_in, T) finite and ``lengths`` (B,) in 1..T, or a ``ParameterError``."""
    x = as_array(owner, "x", x)
    lengths = np.asarray(lengths, dtype=np.int64)
    if x.ndim != 3 or x.shape[1] != n_in:
        raise ParameterError(
            f"{owner}: x must be (batch, {n_in}, frames), got {x.shape}: the network was trained "
            f"on {n_in} features."
        )
    if lengths.shape != (x.shape[0],) or lengths.min() < 1 or lengths.max() > x.shape[-1]:
        raise ParameterError(f"{owner}: lengths must give each sample's frame count, 1..frames.")
    return x, lengths


def quantize_matrix(w: np.ndarray, scale: float) -> tuple[np.ndarray, int]:
    """Even 8-bit mantissas ``m`` and exponent ``e`` with ``m 2**e ~ w scale / 2**6``."""
    target = np.asarray(w, dtype=float) * scale / 2**6
    peak = float(np.abs(target).max())
    exp = -24 if peak == 0 else int(np.ceil(np.log2(peak / MANTISSA_MAX)))
    exp = max(exp, -24)
    mant = 2 * np.round(target / 2.0 ** (exp + 1)).astype(np.int64)
    if exp > 24 or np.abs(mant).max() > MANTISSA_MAX:
        raise ParameterError(f"a weight of {peak:g} state units does not fit 8 bits << 24.")
    return mant, exp


def convert_spiking(model: Any, *, input_scale: int = 32, vth: int = VTH) -> SpikingNetwork:
    """Map a trained ``SpikingClassifier`` of ``ALIFLayer`` or ``SpikingLSTMLayer`` layers.

    Args:
        model: the trained classifier.
        input_scale: fixed-point graded input ``round(x input_scale)`` for the first layer.
        vth: integer threshold of every layer (state unit ``vth << 6`` per threshold).
    """
    from lava_sd.torch.alif import ALIFLayer
    from lava_sd.torch.spiking_lstm import SpikingLSTMLayer

    if int(input_scale) != input_scale or input_scale < 1:
        raise ParameterError("convert_spiking: input_scale must be a positive integer.")
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w = syn.weight.detach().double().numpy()
        b = syn.bias.detach().double().numpy()
        rec = None if syn.recurrent_weight is None else syn.recurrent_weight.detach().double()
        rec = None if rec is None else rec.numpy()
        if isinstance(layer, ALIFLayer):
            config = layer.cell.config(b)
            process, neuron_f, neuron_x = ALIF, config.float_params(), config.fixed_params(vth)
            gain_f, gain_x = config.input_gain("float"), config.input_gain("fixed")
            unit = config.unit(vth)
        elif isinstance(layer, SpikingLSTMLayer):
            config = layer.cell.config
            if config.tau_i != 1:
                raise ParameterError("convert_spiking: the bias mapping needs tau_i = 1.")
            process, unit = SpikingLSTM, config.unit(vth)
            neuron_f = dict(config.float_params(), bias_mant=b, bias_exp=0)
            neuron_x = config.fixed_params(vth, bias=b)
            gain_f = gain_x = np.ones(config.n)
        else:
            raise ParameterError(
                f"convert_spiking: layer {index} is a {type(layer).__name__}; expected "
                "ALIFLayer or SpikingLSTMLayer."
            )
        x_scale = input_scale if index == 0 else 1
        mant, exp = quantize_matrix(gain_x[:, None] * w, unit / x_scale)
        float_params = dict(neuron_f, weights=gain_f[:, None] * w)
        fixed_params = dict(neuron_x, weights=mant, weight_exp=exp)
        if index == 0:
            float_params["num_message_bits"] = fixed_params["num_message_bits"] = 24
        if rec is not None:
            rec_mant, rec_exp = quantize_matrix(gain_x[:, None] * rec, unit)
            float_params["rec_weights"] = gain_f[:, None] * rec
            fixed_params.update(rec_weights=rec_mant, rec_weight_exp=rec_exp)
        n, n_in = w.shape
        layers.append(
            SpikingLayerMapping(process, n_in, n, rec is not None, float_params, fixed_params, unit)
        )
    return SpikingNetwork(
        layers=layers,
        frame_steps=model.frame_steps,
        input_scale=int(input_scale),
        readout_decay=model.readout_decay,
        readout_weight=model.readout.weight.detach().double().numpy(),
        readout_bias=model.readout.bias.detach().double().numpy(),
    )
