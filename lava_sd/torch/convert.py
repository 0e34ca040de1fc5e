"""``lava_sd.convert``: map any trained ``lava_sd.Classifier`` onto Lava layer processes.

The model's own mapping (``lava_sd.models.<model>.mapping.map_layers``) turns each trained torch
layer into the keyword arguments of its Lava process for both backends, with a fixed-point
report; this module checks the classifier, passes it the settings (``MappingSettings``) and
assembles the ``lava_sd.Network``. The first layer receives the input as a 24-bit graded payload
``round(x X)``, every later one the previous layer's events (binary spikes, or graded events of
the neuron's ``output_bits``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DEFAULT_VTH, weight_mantissa_max
from lava_sd.network import GRADED_INPUT_BITS, Network
from lava_sd.registry import get_model

DEFAULT_INPUT_SCALE = 32  # fixed-point graded input round(x X) of the first layer


@dataclass(frozen=True)
class MappingSettings:
    """What a model's ``map_layers`` needs besides the trained layers.

    Attributes:
        frame_steps: simulation steps per input frame ``K``.
        frame_offset: readout delay after each frame end.
        input_scale: fixed-point input ``round(x X)`` of the first layer.
        vth: integer threshold of spiking layers (state unit ``vth << 6`` per threshold).
        calibration: optional inputs ``(B, F, T)`` to estimate each layer's largest state.
        weight_bits: weight mantissa bits (``lava_sd.fixed_point.quantize_weights``); ``None``:
            the model's own post-training rule (8 bits; the lpRNN's 3-bit grid).
    """

    frame_steps: int
    frame_offset: int
    input_scale: int
    vth: int
    calibration: np.ndarray | None = None
    weight_bits: int | None = None


def convert(
    model: Any,
    *,
    input_scale: int = DEFAULT_INPUT_SCALE,
    vth: int = DEFAULT_VTH,
    frame_steps: int | None = None,
    frame_offset: int | None = None,
    calibration: np.ndarray | None = None,
    weight_bits: int | None = None,
) -> Network:
    """Map a trained ``lava_sd.Classifier`` of any registered model onto Lava.

    Args:
        model: the trained classifier (``lava_sd.Classifier`` or ``lava_sd.load(path)``).
        input_scale: fixed-point graded input ``round(x * input_scale)``, a positive integer.
        vth: integer threshold of spiking layers (models with a threshold).
        frame_steps, frame_offset: override the classifier's own ``K`` and readout offset
            (warns: the network was trained, or fine-tuned, at its own).
        calibration: optional inputs ``(B, F, T)`` for the headroom report (lpRNN).
        weight_bits: quantise every weight matrix to even mantissas of this many bits (2..8)
            with one exponent per matrix. Default: the width the classifier was trained at
            (``Classifier(..., weight_bits=b)``, quantization-aware: Lava fixed point then holds
            exactly the weights of its forward pass), else 8 bits after training (the lpRNN:
            its 3-bit grid). A width other than the trained one warns.

    Returns:
        The ``lava_sd.Network``; ``network.report()`` prints the fixed-point mapping.

    Raises:
        ParameterError: ``model`` is not a classifier, or a setting or weight cannot be mapped.
    """
    from torch import nn

    from lava_sd.torch.classifier import Classifier

    if not isinstance(model, Classifier):
        what = type(model).__name__
        hint = " (a torch module of its own)" if isinstance(model, nn.Module) else ""
        raise ParameterError(
            f"convert: expected a lava_sd.Classifier, got {what}{hint}; build networks with "
            "lava_sd.Classifier(model, n_in, hidden, n_classes) or load one with lava_sd.load."
        )
    for name, value in (("input_scale", input_scale), ("vth", vth)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ParameterError(f"convert: {name} must be a positive integer, got {value!r}.")
    trained_bits = model.config.get("weight_bits")
    if weight_bits is None:
        weight_bits = trained_bits
    else:
        weight_mantissa_max(weight_bits)  # 2..8, or a ParameterError saying so
        if trained_bits is not None and weight_bits != trained_bits:
            warnings.warn(
                f"convert: weight_bits = {weight_bits}, but the classifier was trained with "
                f"{trained_bits}-bit weights; Lava fixed point will not hold the trained ones.",
                stacklevel=2,
            )
    if trained_bits is not None and (input_scale, vth) != (DEFAULT_INPUT_SCALE, DEFAULT_VTH):
        warnings.warn(
            f"convert: the classifier's {trained_bits}-bit weights were trained at the default "
            f"input_scale {DEFAULT_INPUT_SCALE} and vth {DEFAULT_VTH}; at others a state unit "
            "that is not a power of two can round some weights differently.",
            stacklevel=2,
        )
    settings = MappingSettings(
        frame_steps=model.frame_steps,
        frame_offset=model.frame_offset,
        input_scale=int(input_scale),
        vth=int(vth),
        calibration=calibration,
        weight_bits=None if weight_bits is None else int(weight_bits),
    )
    settings = _override(model, settings, frame_steps, frame_offset)
    spec = get_model(model.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers = spec.mapping_module().map_layers(model, settings)
    notes = [str(w.message) for w in caught]
    for note in notes:
        warnings.warn(note, stacklevel=2)
    for index, layer in enumerate(layers):
        bits = {"num_message_bits": GRADED_INPUT_BITS if index == 0 else spec.neuron.output_bits}
        width = {} if settings.weight_bits is None else {"weight_bits": settings.weight_bits}
        layers[index] = replace(
            layer,
            float_params={**layer.float_params, **bits},
            fixed_params={**layer.fixed_params, **bits},
            report={**layer.report, **width},
        )
    return Network(
        model=model.model,
        layers=layers,
        frame_steps=settings.frame_steps,
        frame_offset=settings.frame_offset,
        input_scale=settings.input_scale,
        readout_decay=model.readout_decay,
        readout_weight=model.readout.weight.detach().double().cpu().numpy(),
        readout_bias=model.readout.bias.detach().double().cpu().numpy(),
        readout_mode=model.readout_mode,
        class_names=list(model.class_names),
        warnings=notes,
    )


def _override(
    model: Any, settings: MappingSettings, frame_steps: int | None, frame_offset: int | None
) -> MappingSettings:
    """``settings`` with the caller's ``K`` / offset, warning where they differ from the
    classifier's."""
    if model.readout_kind == "trace" and frame_offset:
        raise ParameterError("convert: a trace readout has no frame_offset; leave it at 0.")
    changes = {}
    for key, value in (("frame_steps", frame_steps), ("frame_offset", frame_offset)):
        if value is None:
            continue
        low = 1 if key == "frame_steps" else 0
        if isinstance(value, bool) or int(value) != value or not low <= value <= 64:
            raise ParameterError(f"convert: {key} must be an integer in [{low}, 64], got {value}.")
        if value != getattr(settings, key):
            warnings.warn(
                f"convert: {key} = {value}, but the classifier was trained with "
                f"{getattr(settings, key)}; its accuracy in Lava may differ from torch's.",
                stacklevel=3,
            )
        changes[key] = int(value)
    return replace(settings, **changes)
