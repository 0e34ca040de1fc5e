"""Map a trained ΣΔ-lpRNN (``lava_sd.Classifier("lprnn", ...)``) onto ``SigmaDelta`` layers.

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
With ``weight_bits`` (the classifier's, quantization-aware, or ``convert``'s) the integer weight
is ``8 w`` in the same units, quantised like every other model's to even ``weight_bits``-bit
mantissas with one exponent per matrix (``matrices``), instead of the 1/8 grid; where that
exponent is negative, the layer's unit is made ``2**s`` finer (every exponent ``+ s``) as far as
the state headroom allows (``_finer_units``), since Lava's Dense floors its output at ``2**exp``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX, split_mant_exp
from lava_sd.layer.mapping import LayerMapping, SynapticMatrix, quantize_matrix

ACT_MAX = 6.0
WEIGHT_STEPS = 8  # 3 fractional bits
HEADROOM_BITS = 2  # kept below the 24-bit range when weight_bits units are made finer


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """``W`` and, if recurrent, ``U``, at 8 integer weight units per weight unit (the unit of
    ``map_layer`` makes the integer weight ``8 w`` in every layer)."""
    out = [SynapticMatrix(("weight",), float(WEIGHT_STEPS))]
    if layer.recurrent_weight is not None:
        out.append(SynapticMatrix(("recurrent_weight",), float(WEIGHT_STEPS)))
    return out


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained lpRNN classifier as ``SigmaDelta`` layer parameters: 3-bit
    weights (``frac_bits=3``) exactly, or any weights at ``settings.weight_bits``.

    ``settings`` (``lava_sd.torch.convert.MappingSettings``): ``frame_steps`` K (<= 16 keeps every
    state within 24 bits), ``input_scale`` X, ``weight_bits`` and optional ``calibration``
    inputs whose pre-activations estimate each layer's largest state for the headroom report.
    Warns when a state may saturate.
    """
    cfg = model.config
    bits = settings.weight_bits
    if bits is None and cfg.get("frac_bits") != 3:
        raise ParameterError(
            "convert: the lpRNN must be trained with 3-bit weights (frac_bits=3) or with "
            "weight_bits; the fixed-point mapping stores each weight k/8 as the exact mantissa "
            "2k (or converts at convert(..., weight_bits=8))."
        )
    k_steps = settings.frame_steps
    peaks = _pre_activation_peaks(model, settings.calibration)
    layers = []
    for i, layer in enumerate(model.layers):
        p = {key: value.detach().double().cpu().numpy() for key, value in layer.effective().items()}
        quantized = None
        if bits is not None:  # the weights the forward pass uses (frac_bits=None: the raw ones)
            mats = matrices(layer, i, settings)
            keys = "WU"[: len(mats)]
            quantized = [quantize_matrix(p[k], m, bits) for k, m in zip(keys, mats, strict=True)]
        mapping = map_layer(i, p, cfg["a"], k_steps, settings.input_scale, peaks[i], quantized)
        if mapping.report["headroom"] < 1.0:
            warnings.warn(
                f"layer {i}: the largest state ({peaks[i]:.1f} value units) exceeds the 24-bit "
                f"range (unit {mapping.unit:.0f}); i_ip saturates there (the ΣΔ output is "
                "clamped at 6 anyway, so this costs accuracy only if it happens often).",
                stacklevel=2,
            )
        layers.append(mapping)
    return layers


def map_layer(
    index: int,
    p: dict[str, np.ndarray],
    a: float,
    k_steps: int,
    x_scale: int,
    peak: float,
    quantized: list[Any] | None = None,
) -> LayerMapping:
    """One layer: ``p`` its effective ``W``, ``b`` (and ``U``); ``quantized`` its matrices at
    ``weight_bits`` (``quantize_matrix`` of ``matrices``), else 3-bit weights on the 1/8 grid."""
    g_float = 1.0 - a ** (1.0 / k_steps)
    d_eff = int(round(DECAY_UNITY * g_float))
    g = d_eff / DECAY_UNITY
    q_float, q = ACT_MAX * g_float, ACT_MAX * g
    mantissas, exps = {}, {"W": -1, "U": -1}
    if quantized is not None:
        for key, matrix in zip("WU"[: len(quantized)], quantized, strict=True):
            mantissas[key], exps[key] = matrix.mant, matrix.exp
            p = {**p, key: matrix.dequantized}
    for key in ("W", "U"):
        if key in p and quantized is None:
            if not np.all(np.isfinite(p[key])):
                raise ParameterError(
                    f"convert: layer {index} {key} holds NaN or infinite weights; the model "
                    "diverged in training."
                )
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
    largest = max(peak, ACT_MAX)
    shift = 0
    if quantized is not None:  # finer units instead of a Dense output floored at 2**exp
        shift = _finer_units([exps[key] for key in mantissas], STATE_MAX / (largest * unit))
        exps = {key: exp + shift for key, exp in exps.items()}
        unit *= 2**shift
    shared_float = dict(
        du_ip=g_float, du_fb=g_float, dv=1.0, w_fb=-q_float, vth=0.0, bias_exp=0,
        bias_mant=g_float * (p["b"] - q_float / 2),
    )  # fmt: skip
    bias_mant, bias_exp = split_mant_exp(np.round(g * (p["b"] - q / 2) * unit))
    shared_fixed = dict(
        du_ip=d_eff - 1, du_fb=d_eff - 1, dv=DECAY_UNITY, w_fb=-round(q * unit), vth=0,
        bias_mant=bias_mant, bias_exp=bias_exp, weight_exp=exps["W"],
    )  # fmt: skip
    if recurrent or index:
        gain = g_float * q_float
        float_params = dict(shared_float, du_in=g_float, weights=gain * p["W"])
        fixed_params = dict(shared_fixed, du_in=d_eff - 1, weights=mantissas["W"])
        if recurrent:
            float_params["rec_weights"] = gain * p["U"]
            fixed_params.update(rec_weights=mantissas["U"], rec_weight_exp=exps["U"])
    else:
        float_params = dict(shared_float, du_in=1.0, weights=g_float * p["W"], num_message_bits=24)
        fixed_params = dict(shared_fixed, du_in=DECAY_UNITY - 1, weights=mantissas["W"])
        fixed_params["num_message_bits"] = 24
    report = dict(
        g=g,
        D=d_eff,
        weight_exp=exps["W"],
        max_k=float(max(np.abs(m).max() for m in mantissas.values()) / 2),
        # 3-bit weights k/8 are the mantissas 2k, exactly
        weight_error=0.0 if quantized is None else max(m.error for m in quantized),
        headroom=STATE_MAX / (largest * unit),
        finer_unit_bits=shift,
    )
    n, n_in = p["W"].shape
    return LayerMapping("lprnn", n_in, n, recurrent, float_params, fixed_params, unit, unit, report)


def _finer_units(exps: list[int], headroom: float) -> int:
    """How many bits finer a layer's state unit can be: the integer weights of ``weight_bits``
    mantissas are ``m 2**exp``, and Lava's Dense floors its output at ``2**exp`` when ``exp <
    0``: a bias of half that step per step, which the two low-pass stages amplify by
    ``1 / g**2`` (about -0.4 value units per neuron in the 8-bit HAR network). Each bit of
    headroom (``STATE_MAX`` over the largest state) moves every exponent of the layer up by one,
    until none is negative, keeping ``HEADROOM_BITS`` (without them the 8-bit HAR network's
    input layer saturated: 82 228 neuron-steps at none, 294 at one, 0 at two)."""
    spare_bits = int(np.floor(np.log2(headroom))) - HEADROOM_BITS
    return max(0, min(-min(exps), spare_bits))


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
            h = layer(x)  # frame form
            pre = torch.einsum("oi,bit->bot", p["W"], x) + p["b"][None, :, None]
            if "U" in p:
                h_prev = torch.nn.functional.pad(h[..., :-1], (1, 0))
                pre = pre + torch.einsum("oi,bit->bot", p["U"], h_prev)
            peaks.append(float(pre.abs().max()))
            x = h
    return peaks
