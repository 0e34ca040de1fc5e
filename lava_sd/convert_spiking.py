"""Map a trained ``lava_sd.torch.SpikingClassifier`` (ALIF, spiking LSTM or EGRU) onto Lava.

Each torch layer becomes one Lava process (``lava_sd.ALIF``, ``SpikingLSTM`` or ``EGRU``) with
fused input and recurrent synapses; the last one accumulates the readout trace, and the host
applies the readout weights to its time mean. Float backend: the torch parameters as they are
(folded for ALIF). Fixed backend, per layer:

- spiking layers: state unit ``U = vth << 6`` per threshold (``vth = 2**10``: 65,536 units, 128
  thresholds of 24-bit headroom); a synaptic input ``a`` enters as ``a << 6``;
- EGRU: the Q12 grid (1.0 = 4096) for gate inputs, biases, thresholds, state and events;
- weights ``w`` (ALIF ones multiplied by ``1 - alpha``) become even 8-bit mantissas ``m`` with
  one exponent ``e`` per matrix, ``m 2**e ~ w S`` for the matrix's scale ``S``, the smallest
  ``e`` that keeps ``|m| <= 254``: even values are immune to Lava's mixed-sign LSB drop;
  graded inputs (first layer) arrive as ``round(x X)``;
- the readout trace decay ``k`` becomes ``D = round(4096 k)``; the fixed trace is the float
  one times ``4096`` (spikes) or ``4096**2`` (EGRU events on the Q12 grid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.config.units import DEFAULT_VTH
from lava_sd.convert import SNNOutput, check_batch, hold_frames, run_layers
from lava_sd.fixed_point import DECAY_UNITY
from lava_sd.layers.spiking.process import SpikingLayer
from lava_sd.neurons.alif.process import ALIF
from lava_sd.neurons.egru.dynamics import ONE
from lava_sd.neurons.egru.process import EGRU
from lava_sd.neurons.spiking_lstm.process import SpikingLSTM

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
    unit: float  # fixed state units per value unit
    trace_unit: float  # fixed readout trace units per float trace unit


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
        k = self.readout_decay if backend == "float" else round(self.readout_decay * DECAY_UNITY)
        for i, layer in enumerate(self.layers):
            params = layer.float_params if backend == "float" else layer.fixed_params
            last = i == len(self.layers) - 1
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
        data = hold_frames(x, self.frame_steps, 0, self.input_scale, backend)
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
    ) -> SNNOutput:
        """Evaluate a padded batch ``x`` (B, F, T) with ``lengths`` (B,) in one Lava run."""
        procs, num_steps = self.graph(x, lengths, backend)
        trace_sum, output = run_layers(procs, "trace_sum", num_steps, backend, timeout, progress)
        scale = 1.0 if backend == "float" else self.layers[-1].trace_unit
        steps = np.asarray(lengths, dtype=float)[:, None] * self.frame_steps
        output.logits = (trace_sum / scale / steps) @ self.readout_weight.T + self.readout_bias
        return output

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


def quantize_matrix(w: np.ndarray, scale: float) -> tuple[np.ndarray, int]:
    """Even 8-bit mantissas ``m`` and exponent ``e`` with ``m 2**e ~ w scale``."""
    target = np.asarray(w, dtype=float) * scale
    peak = float(np.abs(target).max())
    exp = -24 if peak == 0 else int(np.ceil(np.log2(peak / MANTISSA_MAX)))
    exp = max(exp, -24)
    mant = 2 * np.round(target / 2.0 ** (exp + 1)).astype(np.int64)
    if exp > 24 or np.abs(mant).max() > MANTISSA_MAX:
        raise ParameterError(f"a weight of {peak:g} state units does not fit 8 bits << 24.")
    return mant, exp


def convert_spiking(model: Any, *, input_scale: int = 32, vth: int = DEFAULT_VTH) -> SpikingNetwork:
    """Map a trained ``SpikingClassifier`` of ``ALIFLayer``, ``SpikingLSTMLayer`` or ``EGRULayer``.

    Args:
        model: the trained classifier.
        input_scale: fixed-point graded input ``round(x input_scale)`` for the first layer.
        vth: integer threshold of every layer (state unit ``vth << 6`` per threshold).
    """
    from lava_sd.torch.alif import ALIFLayer
    from lava_sd.torch.egru import EGRULayer
    from lava_sd.torch.spiking_lstm import SpikingLSTMLayer

    if int(input_scale) != input_scale or input_scale < 1:
        raise ParameterError("convert_spiking: input_scale must be a positive integer.")
    layers = []
    for index, layer in enumerate(model.layers):
        x_scale = input_scale if index == 0 else 1
        if isinstance(layer, EGRULayer):
            layers.append(_map_egru(layer, ONE / x_scale if index == 0 else 1.0))
        elif isinstance(layer, ALIFLayer | SpikingLSTMLayer):
            layers.append(_map_spiking(layer, x_scale, vth))
        else:
            raise ParameterError(
                f"convert_spiking: layer {index} is a {type(layer).__name__}; expected "
                "ALIFLayer, SpikingLSTMLayer or EGRULayer."
            )
        if index == 0:
            layers[0].float_params["num_message_bits"] = 24
            layers[0].fixed_params["num_message_bits"] = 24
    return SpikingNetwork(
        layers=layers,
        frame_steps=model.frame_steps,
        input_scale=int(input_scale),
        readout_decay=model.readout_decay,
        readout_weight=model.readout.weight.detach().double().numpy(),
        readout_bias=model.readout.bias.detach().double().numpy(),
    )


def _numpy(t: Any) -> np.ndarray | None:
    return None if t is None else t.detach().double().cpu().numpy()


def _map_spiking(layer: Any, x_scale: int, vth: int) -> SpikingLayerMapping:
    """An ``ALIFLayer`` or ``SpikingLSTMLayer`` as ``ALIF`` / ``SpikingLSTM`` parameters."""
    from lava_sd.torch.alif import ALIFLayer

    syn = layer.synapses
    w, b, rec = _numpy(syn.weight), _numpy(syn.bias), _numpy(syn.recurrent_weight)
    if isinstance(layer, ALIFLayer):
        config = layer.cell.config(b)
        process, neuron_f, neuron_x = ALIF, config.float_params(), config.fixed_params(vth)
        gain_f, gain_x = config.input_gain("float"), config.input_gain("fixed")
    else:
        config = layer.cell.config
        if config.tau_i != 1:
            raise ParameterError("convert_spiking: the bias mapping needs tau_i = 1.")
        process = SpikingLSTM
        neuron_f = dict(config.float_params(), bias_mant=b, bias_exp=0)
        neuron_x = config.fixed_params(vth, bias=b)
        gain_f = gain_x = np.ones(config.n)
    unit = config.unit(vth)
    mant, exp = quantize_matrix(gain_x[:, None] * w, unit / (x_scale * 2**6))
    float_params = dict(neuron_f, weights=gain_f[:, None] * w)
    fixed_params = dict(neuron_x, weights=mant, weight_exp=exp)
    if rec is not None:
        rec_mant, rec_exp = quantize_matrix(gain_x[:, None] * rec, unit / 2**6)
        float_params["rec_weights"] = gain_f[:, None] * rec
        fixed_params.update(rec_weights=rec_mant, rec_weight_exp=rec_exp)
    n, n_in = w.shape
    return SpikingLayerMapping(
        process, n_in, n, rec is not None, float_params, fixed_params, unit, float(DECAY_UNITY)
    )


def _map_egru(layer: Any, input_gain: float) -> SpikingLayerMapping:
    """An ``EGRULayer`` as ``EGRU`` parameters (fixed: the Q12 grid). ``input_gain``: Q12 units
    per input unit (``4096 / X`` for graded inputs ``round(x X)``, 1 for EGRU events)."""
    w, rec = _numpy(layer.weight), _numpy(layer.recurrent_weight)
    b_x, b_r, thr = _numpy(layer.bias_x), _numpy(layer.bias_r), _numpy(layer.threshold())
    mant, exp = quantize_matrix(w, input_gain)
    float_params = dict(weights=w, bias_x=b_x, bias_r=b_r, thr=thr)
    fixed_params = dict(
        weights=mant, weight_exp=exp, bias_x=np.round(b_x * ONE), bias_r=np.round(b_r * ONE),
        thr=np.round(thr * ONE),
    )  # fmt: skip
    if rec is not None:
        rec_mant, rec_exp = quantize_matrix(rec, 1.0)  # y is already on the Q12 grid
        float_params["rec_weights"] = rec
        fixed_params.update(rec_weights=rec_mant, rec_weight_exp=rec_exp)
    n = layer.n
    return SpikingLayerMapping(
        EGRU, layer.n_in, n, rec is not None, float_params, fixed_params, float(ONE),
        float(DECAY_UNITY * ONE),
    )  # fmt: skip
