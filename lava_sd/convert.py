"""Map a trained ΣΔ-lpRNN (``lava_sd.torch.LpRNNClassifier``) onto Lava ΣΔ layer processes.

The mapping (``docs/lprnn_mapping.md``; measured facts in ``shared/MAPPING_NOTES.md``): the SNN
runs ``K = frame_steps`` steps per ANN frame, so per SNN step the retention is ``r = a**(1/K)``,
the gain ``g = 1 - r``, the activation ceiling ``Y = 6`` and the quantum ``q = Y g``. Every
neuron is a ΣΔ neuron with ``tau_v = 1``, threshold 0, ``w_fb = -q`` and feedback decay ``g``,
so its decoded value ``d = -i_fb`` tracks ``clamp(i_ip, 0, Y)``::

    LpLinear: i_in = g W x_t                           (graded input, no memory)
    LpRNN:    i_in <- r i_in + g q (W s_prev + U s_self) (decodes the senders, times g)
    both:     i_ip <- max(0, r i_ip + i_in + g (b - q/2))  (the lpRNN low-pass; -q/2 removes
                                                          the ΣΔ's half-quantum over-report)
    readout:  logits = W_o mean_frames(d at frame ends) + b_o   (on the host)

Fixed point: ``D = round(4096 g)`` and every gain uses ``g = D / 4096``; 3-bit weights
``w = k / 8`` become even mantissas ``2k`` with ``weight_exp = -1`` (exact, and immune to
Lava's mixed-sign LSB drop), so a layer's state unit (integer per value unit) is
``U = 512 / (g q)`` for LpRNN and ``U = 512 X / g`` for LpLinear with inputs ``round(x X)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX, split_mant_exp
from lava_sd.layers.lprnn.process import LpLinear, LpRNN
from lava_sd.run import RunResult, run

ACT_MAX = 6.0
WEIGHT_STEPS = 8  # 3 fractional bits


@dataclass(frozen=True)
class LayerMapping:
    """One layer's Lava parameters for both backends and its fixed-point report."""

    kind: str  # "LpLinear" or "LpRNN"
    n_in: int
    n: int
    float_params: dict[str, Any]
    fixed_params: dict[str, Any]
    unit: float  # fixed state units per value unit
    report: dict[str, float]


@dataclass
class ConvertedNetwork:
    """A trained lpRNN classifier mapped onto Lava ΣΔ layers; ``run`` evaluates a batch."""

    layers: list[LayerMapping]
    frame_steps: int
    frame_offset: int
    input_scale: int
    readout_weight: np.ndarray
    readout_bias: np.ndarray
    warnings: list[str] = field(default_factory=list)

    def report(self) -> str:
        """A per-layer table: gains, decay, state unit, weight exponent, headroom."""
        lines = [
            f"{'layer':10s} {'n_in':>5s} {'n':>5s} {'g':>8s} {'D':>5s} {'unit U':>10s} "
            f"{'w_exp':>5s} {'max|k|':>6s} {'headroom':>9s}"
        ]
        for i, layer in enumerate(self.layers):
            r = layer.report
            lines.append(
                f"{i}:{layer.kind:8s} {layer.n_in:5d} {layer.n:5d} {r['g']:8.5f} {r['D']:5.0f} "
                f"{layer.unit:10.1f} {r['weight_exp']:5.0f} {r['max_k']:6.0f} "
                f"{r['headroom']:8.1f}x"
            )
        lines.append(
            f"K = {self.frame_steps} SNN steps per frame, readout sampled {self.frame_offset} "
            f"steps after each frame end, fixed-point input scale X = {self.input_scale}"
        )
        return "\n".join(lines)

    def input_data(self, x: np.ndarray, backend: str) -> np.ndarray:
        """Frames ``(B, F, T)`` -> SNN input (``hold_frames``)."""
        return hold_frames(x, self.frame_steps, self.frame_offset, self.input_scale, backend)

    def build(self, n_frames: np.ndarray, backend: str) -> list:
        """Connected layer processes for a batch whose samples have ``n_frames`` frames."""
        batch = len(n_frames)
        procs = []
        for layer in self.layers:
            params = layer.float_params if backend == "float" else layer.fixed_params
            cls = LpLinear if layer.kind == "LpLinear" else LpRNN
            proc = cls(
                shape=(batch, layer.n),
                frame_steps=self.frame_steps,
                frame_offset=self.frame_offset,
                n_frames=n_frames,
                **params,
            )
            if procs:
                procs[-1].s_out.connect(proc.s_in)
            procs.append(proc)
        return procs

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
        lengths = np.asarray(lengths, dtype=np.int64)
        d_sum, output = run_layers(procs, "d_sum", num_steps, backend, timeout, progress)
        unit = 1.0 if backend == "float" else self.layers[-1].unit
        output.logits = (d_sum / unit / lengths[:, None]) @ self.readout_weight.T
        output.logits += self.readout_bias
        return output

    def graph(self, x: np.ndarray, lengths: np.ndarray, backend: str) -> tuple[list, int]:
        """Check a padded batch and build its Lava graph: a ring-buffer source feeding the
        connected layers. Returns ``(layer processes, number of SNN steps)``."""
        from lava.proc.io.source import RingBuffer as Source

        x, lengths = check_batch("ConvertedNetwork.run", x, lengths, self.layers[0].n_in)
        data = self.input_data(x, backend)
        procs = self.build(lengths, backend)
        source = Source(data=data)
        source.s_out.connect(procs[0].s_in)
        return procs, data.shape[-1]

    def synops(self, spikes: list[np.ndarray]) -> np.ndarray:
        """Synaptic operations per sample: each spike times its fan-out in the network
        (the next layer's width, plus the layer's own width if it is recurrent)."""
        total = np.zeros(spikes[0].shape[0])
        for i, counts in enumerate(spikes):
            fan_out = self.layers[i + 1].n if i + 1 < len(self.layers) else 0
            if self.layers[i].kind == "LpRNN":
                fan_out += self.layers[i].n
            total += counts.sum(axis=1) * fan_out
        return total

    def dense_macs(self, lengths: np.ndarray) -> np.ndarray:
        """Multiply-accumulates per sample of the same dense ANN, readout included."""
        per_frame = sum(
            layer.n_in * layer.n + (layer.n * layer.n if layer.kind == "LpRNN" else 0)
            for layer in self.layers
        )
        per_frame += self.readout_weight.size
        return np.asarray(lengths) * per_frame


@dataclass
class SNNOutput:
    """Logits, spike counts per layer (B, n), overflow events and the raw run result."""

    logits: np.ndarray
    spikes: list[np.ndarray]
    overflow_steps: int
    run: RunResult


def run_layers(
    procs: list, readout: str, num_steps: int, backend: str, timeout: float | None, progress: bool
) -> tuple[np.ndarray, SNNOutput]:
    """Run a graph of layer processes (each with ``spike_count`` and ``overflow`` Vars) and read
    the last layer's ``readout`` Var. Returns ``(readout value, SNNOutput without logits)``."""
    outputs = {readout: getattr(procs[-1], readout)}
    for i, proc in enumerate(procs):
        outputs[f"spikes_{i}"] = proc.spike_count
        outputs[f"overflow_{i}"] = proc.overflow
    result = run(outputs, num_steps, backend=backend, timeout=timeout, progress=progress)
    output = SNNOutput(
        logits=np.empty(0),
        spikes=[result[f"spikes_{i}"] for i in range(len(procs))],
        overflow_steps=int(sum(result[f"overflow_{i}"].sum() for i in range(len(procs)))),
        run=result,
    )
    return result[readout], output


def hold_frames(
    x: np.ndarray, frame_steps: int, frame_offset: int, input_scale: int, backend: str
) -> np.ndarray:
    """Frames ``(B, F, T)`` -> SNN input ``(B, F, T K + offset)``: each frame held K steps,
    the last column held ``offset`` more steps; integers ``round(x X)`` for fixed point."""
    data = np.repeat(x, frame_steps, axis=-1)
    if frame_offset:
        tail = np.repeat(data[..., -1:], frame_offset, axis=-1)
        data = np.concatenate([data, tail], axis=-1)
    return data if backend == "float" else np.round(data * input_scale)


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


def convert(
    model: Any,
    *,
    frame_steps: int = 8,
    frame_offset: int | None = None,
    input_scale: int = 32,
    calibration: np.ndarray | None = None,
) -> ConvertedNetwork:
    """Map a trained ``lava_sd.torch.LpRNNClassifier`` onto Lava ΣΔ layers.

    Args:
        model: the trained classifier (3-bit weights: ``frac_bits=3``).
        frame_steps: SNN steps per ANN frame ``K`` (<= 16 keeps every state within 24 bits).
        frame_offset: readout sampling delay after each frame end (default ``K // 2``: the
            continuous-time SNN lags the discrete ANN by about half a frame).
        input_scale: fixed-point input ``round(x * input_scale)``; a power of two.
        calibration: optional ANN inputs ``(B, F, T)`` whose pre-activations estimate each
            layer's largest state, for the headroom report.

    Returns:
        The mapping; ``report()`` prints it. Warns when a state may saturate.
    """
    cfg = model.config
    if cfg.get("frac_bits") != 3:
        raise ParameterError(
            "convert: the network must be trained with 3-bit weights (frac_bits=3); the fixed-"
            "point mapping stores each weight k/8 as the exact mantissa 2k."
        )
    if int(frame_steps) != frame_steps or not 1 <= frame_steps <= 64:
        raise ParameterError(
            f"convert: frame_steps must be an integer in [1, 64], got {frame_steps}."
        )
    if input_scale < 1 or int(input_scale) != input_scale:
        raise ParameterError(f"convert: input_scale must be a positive integer, got {input_scale}.")
    offset = frame_steps // 2 if frame_offset is None else int(frame_offset)
    peaks = _pre_activation_peaks(model, calibration)
    layers, notes = [], []
    for i, layer in enumerate(model.layers):
        p = {key: value.detach().double().numpy() for key, value in layer.effective().items()}
        mapping = _map_layer(i, p, cfg["a"], frame_steps, input_scale, peaks[i])
        if mapping.report["headroom"] < 1.0:
            notes.append(
                f"layer {i}: the largest state ({peaks[i]:.1f} value units) exceeds the 24-bit "
                f"range (unit {mapping.unit:.0f}); i_ip saturates there (the ΣΔ output is "
                "clamped at 6 anyway, so this costs accuracy only if it happens often)."
            )
        layers.append(mapping)
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return ConvertedNetwork(
        layers=layers,
        frame_steps=int(frame_steps),
        frame_offset=offset,
        input_scale=int(input_scale),
        readout_weight=model.readout.weight.detach().double().numpy(),
        readout_bias=model.readout.bias.detach().double().numpy(),
        warnings=notes,
    )


def _map_layer(
    index: int, p: dict[str, np.ndarray], a: float, k_steps: int, x_scale: int, peak: float
) -> LayerMapping:
    g_float = 1.0 - a ** (1.0 / k_steps)
    d_eff = int(round(DECAY_UNITY * g_float))
    g = d_eff / DECAY_UNITY
    q_float, q = ACT_MAX * g_float, ACT_MAX * g
    mantissas = {}
    for key in ("W", "U"):
        if key in p:
            k = p[key] * WEIGHT_STEPS
            if not np.allclose(k, np.round(k)):
                raise ParameterError(f"convert: layer {index} {key} is not on the 1/8 grid.")
            mantissas[key] = 2 * np.round(k).astype(np.int64)
            if np.abs(mantissas[key]).max() > 254:
                raise ParameterError(
                    f"convert: layer {index} {key} has a weight beyond +-127/8, which does not "
                    "fit an 8-bit mantissa; train with w_max <= 15."
                )
    recurrent = "U" in p
    unit = 512.0 / (g * q) if index or recurrent else 512.0 * x_scale / g
    shared_float = dict(
        du_ip=g_float, du_fb=g_float, dv=1.0, w_fb=-q_float, vth=0.0, bias_exp=0,
        bias_mant=g_float * (p["b"] - q_float / 2),
    )  # fmt: skip
    bias_mant, bias_exp = split_mant_exp(np.round(g * (p["b"] - q / 2) * unit))
    shared_fixed = dict(
        du_ip=d_eff - 1, du_fb=d_eff - 1, dv=DECAY_UNITY, w_fb=-round(q * unit), vth=0,
        bias_mant=bias_mant, bias_exp=bias_exp, weight_exp=-1,
    )  # fmt: skip
    if recurrent or index:
        gain = g_float * q_float
        float_params = dict(shared_float, du_in=g_float, weights=gain * p["W"])
        fixed_params = dict(shared_fixed, du_in=d_eff - 1, weights=mantissas["W"])
        if recurrent:
            float_params["rec_weights"] = gain * p["U"]
            fixed_params["rec_weights"] = mantissas["U"]
        kind = "LpRNN" if recurrent else "LpLinear"
    else:
        float_params = dict(shared_float, du_in=1.0, weights=g_float * p["W"], num_message_bits=24)
        fixed_params = dict(shared_fixed, du_in=DECAY_UNITY - 1, weights=mantissas["W"])
        fixed_params["num_message_bits"] = 24
        kind = "LpLinear"
    largest = max(peak, ACT_MAX)
    report = dict(
        g=g,
        D=d_eff,
        weight_exp=-1,
        max_k=float(max(np.abs(m).max() for m in mantissas.values()) / 2),
        headroom=STATE_MAX / (largest * unit),
    )
    n, n_in = p["W"].shape
    return LayerMapping(kind, n_in, n, float_params, fixed_params, unit, report)


def _pre_activation_peaks(model: Any, calibration: np.ndarray | None) -> list[float]:
    """Largest |pre-activation| per layer on ``calibration`` data (ACT_MAX without data)."""
    if calibration is None:
        return [ACT_MAX] * len(model.layers)
    import torch

    peaks = []
    x = torch.as_tensor(np.asarray(calibration), dtype=torch.float32)
    with torch.no_grad():
        for layer in model.layers:
            p = layer.effective()
            h = layer(x)
            pre = torch.einsum("oi,bit->bot", p["W"], x) + p["b"][None, :, None]
            if "U" in p:
                h_prev = torch.nn.functional.pad(h[..., :-1], (1, 0))
                pre = pre + torch.einsum("oi,bit->bot", p["U"], h_prev)
            peaks.append(float(pre.abs().max()))
            x = h
    return peaks
